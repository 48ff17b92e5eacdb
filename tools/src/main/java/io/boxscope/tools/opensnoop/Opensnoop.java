package io.boxscope.tools.opensnoop;

import java.time.LocalTime;
import java.util.List;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' opensnoop on the probe language ({@code opensnoop.bt}): open(), openat() and
 * openat2() with their result, filtered in the kernel by PID, thread, UID and failure (-x), by
 * process name in user space (-n, as libbpf-tools does).
 */
public final class Opensnoop extends EventTool<OpenEvent> {
    /** Bytes of a path read (NAME_MAX + 1; longer paths are cut). */
    static final int PATH_BYTES = 256;

    /**
     * @param tid    trace only this thread (-t), or null
     * @param uid    trace only this user (-u), or null
     * @param failed failed opens only (-x)
     * @param name   keep processes whose name contains this (-n), or null
     */
    public record Options(Integer tid, Integer uid, boolean failed, String name) {
        public Options {
            if (tid != null && tid <= 0) {
                throw new IllegalArgumentException("invalid TID " + tid);
            }
            if (uid != null && uid < 0) {
                throw new IllegalArgumentException("invalid UID " + uid);
            }
        }

        public static Options defaults() {
            return new Options(null, null, false, null);
        }
    }

    private final Options options;

    public Opensnoop(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Opensnoop.class, "opensnoop").withStrlen(PATH_BYTES);
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.tid() == null ? "0" : Integer.toString(options.tid()),
                options.uid() == null ? "0" : "1", options.uid() == null ? "0" : Integer.toString(options.uid()),
                options.failed() ? "1" : "0");
    }

    /** O pid uid comm ret flags_and_mode path cgroup container */
    @Override
    protected OpenEvent decode(int formatId, Args a) {
        if (!a.tag().equals("O")) {
            throw new IllegalStateException("opensnoop.bt printed an unknown record: " + a.format());
        }
        String comm = a.s(2);
        if (options.name() != null && !comm.contains(options.name())) {
            return null;
        }
        long how = a.i(4);
        int flags = (int) how;
        // the mode argument means something only with O_CREAT or O_TMPFILE (libbpf-tools keeps it then)
        int mode = OpenFlags.takesMode(flags) ? (int) (how >>> 32) : 0;
        return new OpenEvent(LocalTime.now(), (int) a.i(0), (int) a.i(1), comm, (int) a.i(3), flags, mode,
                a.s(5), Containers.name(a.i(6), a.s(7)));
    }
}
