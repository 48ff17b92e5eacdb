package io.boxscope.tools.statsnoop;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' statsnoop on the probe language ({@code statsnoop.bt}): statfs(), stat(), statx(),
 * fstatat() and lstat() with their result, filtered in the kernel by PID and failure (-x). The
 * calls traced are the installed libbpf-tools 0.26's; newer libbpf-tools also trace fstat(), which
 * has no path (they print the descriptor's /proc link instead): not here. Paths are printed as the
 * process passed them (newer libbpf-tools prefix relative ones with the directory's /proc link).
 */
public final class Statsnoop extends EventTool<StatEvent> {
    /** Bytes of a path read (libbpf-tools' NAME_MAX buffer; longer paths are cut). */
    static final int PATH_BYTES = 256;

    /**
     * @param failed failed calls only (-x)
     */
    public record Options(boolean failed) {}

    private final Options options;

    public Statsnoop(Options options) {
        this.options = options;
    }

    /**
     * The name libbpf-tools' {@code -s} prints for a call (its sys_names table), {@code N/A} for
     * an unknown number.
     */
    public static String syscallName(int syscall) {
        return switch (syscall) {
            case 1 -> "statfs";
            case 2 -> "newstat";
            case 3 -> "statx";
            case 4 -> "newfstat";
            case 5 -> "newfstatat";
            case 6 -> "newlstat";
            default -> "N/A";
        };
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Statsnoop.class, "statsnoop").withStrlen(PATH_BYTES);
    }

    /** With stat() and lstat() where this kernel has them (x86_64 does, arm64 does not). */
    @Override
    protected ToolScript script(Path sysRoot) throws AccessDeniedException {
        ToolScript s = script();
        try {
            if (!Tracefs.locate(sysRoot).events("syscalls:sys_enter_newstat").isEmpty()) {
                s = s.plus(Statsnoop.class, "statsnoop-stat.bt");
            }
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            // no tracefs: compiling the script reports it, with the probe that needs it
        }
        return s;
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.failed() ? "1" : "0");
    }

    /** S nsecs pid comm ret syscall path cgroup container */
    @Override
    protected StatEvent decode(int formatId, Args a) {
        if (!a.tag().equals("S")) {
            throw new IllegalStateException("statsnoop.bt printed an unknown record: " + a.format());
        }
        return new StatEvent(a.i(0), (int) a.i(1), a.s(2), (int) a.i(3), (int) a.i(4), a.s(5), Containers.name(a.i(6), a.s(7)));
    }
}
