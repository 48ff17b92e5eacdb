package io.boxscope.tools.killsnoop;

import java.time.LocalTime;
import java.util.List;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' killsnoop (built from sigsnoop.c) on the probe language ({@code killsnoop.bt}):
 * signals the kernel generates, or with -k the kill()/tkill()/tgkill() calls, filtered in the kernel
 * by sender PID, failure and signal.
 */
public final class Killsnoop extends EventTool<KillEvent> {
    /**
     * @param killOnly the kill syscalls only (-k)
     * @param failed   failed only (-x)
     * @param signals  only these signals (-s, a comma-separated list since libbpf-tools' sigsnoop.c keeps a
     *                 bit mask, {@code target_signals}), or empty for every signal
     */
    public record Options(boolean killOnly, boolean failed, java.util.Set<Integer> signals) {
        public Options {
            signals = java.util.Set.copyOf(signals);
            for (int signal : signals) {
                if (signal < 1 || signal > 64) {
                    throw new IllegalArgumentException("invalid signal " + signal);
                }
            }
        }

        /** The signals as the script's bit mask: bit {@code sig - 1} per signal, 0 for all. */
        long mask() {
            long m = 0;
            for (int signal : signals) {
                m |= 1L << (signal - 1);
            }
            return m;
        }
    }

    private final Options options;

    public Killsnoop(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Killsnoop.class, "killsnoop");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.killOnly() ? "1" : "0", options.failed() ? "1" : "0",
                "0x" + Long.toHexString(options.mask())); // hex: signal 64 is bit 63, read unsigned
    }

    /** S pid comm sig tpid result cgroup container */
    @Override
    protected KillEvent decode(int formatId, Args a) {
        if (!a.tag().equals("S")) {
            throw new IllegalStateException("killsnoop.bt printed an unknown record: " + a.format());
        }
        return new KillEvent(LocalTime.now(), (int) a.i(0), a.s(1), (int) a.i(2), (int) a.i(3), (int) a.i(4),
                Containers.name(a.i(5), a.s(6)));
    }
}
