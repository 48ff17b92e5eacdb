package io.boxscope.tools.opensnoop;

import java.time.LocalTime;
import java.util.List;
import java.util.function.UnaryOperator;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.PrintfRecord;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.LineBytes;
import io.boxscope.tools.core.RecordLines;
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
                throw new IllegalArgumentException("invalid UID " + uid + " (give a user id, 0 or above)");
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
        if (!shown(comm)) {
            return null;
        }
        long how = a.i(4);
        int flags = (int) how;
        // the mode argument means something only with O_CREAT or O_TMPFILE (libbpf-tools keeps it then)
        int mode = OpenFlags.takesMode(flags) ? (int) (how >>> 32) : 0;
        return new OpenEvent(LocalTime.now(), (int) a.i(0), (int) a.i(1), comm, (int) a.i(3), flags, mode,
                a.s(5), Containers.name(a.i(6), a.s(7)));
    }

    /**
     * The user-space filter of both paths ({@link #decode}, {@link #lines}): -n keeps the processes whose name
     * contains NAME, as libbpf-tools' opensnoop does after reading the event (the kernel filters -p, -t, -u, -x).
     */
    private boolean shown(String comm) {
        return options.name() == null || comm.contains(options.name());
    }

    /**
     * The optional columns of the text line (libbpf-tools' -T, -U, -e and Boxscope's -C), in their order:
     * TIME, UID, CONTAINER, then PID COMM FD ERR, FLAGS, PATH.
     */
    public record Columns(boolean timestamp, boolean uid, boolean container, boolean extended) {}

    /**
     * The text lines ({@code boxscope opensnoop > file}) written into {@code out} straight from the records: the
     * same bytes as decoding each into an {@link OpenEvent} and building the command's String line
     * ({@code OpensnoopCommand.line}, escaped with {@code safe}), without the values, the event and the String
     * (docs/benchmarks.md, "Branch toolbytes"; {@code ToolBytesTest} compares the two).
     */
    public RecordLines lines(Columns columns, UnaryOperator<String> safe, TextBuffer out) {
        LineBytes w = new LineBytes(out, safe);
        return (formatId, r) -> {
            if (Args.tag(r.format()) != 'O') {
                return false;
            }
            // O pid uid comm ret flags_and_mode path cgroup container
            if (!shown(r.s(2))) {
                return true;
            }
            if (columns.timestamp()) {
                w.time().ch(' ');
            }
            if (columns.uid()) {
                w.left((int) r.i(1), 7).ch(' ');
            }
            if (columns.container()) {
                String c = Containers.name(r.i(6), r.s(7));
                w.left(c == null ? "-" : w.safe(c), 16).ch(' ');
            }
            int ret = (int) r.i(3);
            w.left((int) r.i(0), 6).ch(' ');
            w.safeLeft(r, 2, 16).ch(' ');
            w.right(ret >= 0 ? ret : -1, 3).ch(' ');
            w.right(ret >= 0 ? 0 : -ret, 3).ch(' ');
            if (columns.extended()) {
                w.octal((int) r.i(4), 8).ch(' ');
            }
            w.safe(r, 5).end();
            return true;
        };
    }
}
