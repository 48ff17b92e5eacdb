package io.boxscope.diagnose;

import java.util.ArrayList;
import java.util.List;

/** The exact boxscope command lines to run next for a verdict: only commands that exist. */
final class NextSteps {
    private NextSteps() {}

    static List<String> of(Verdict.Kind kind, Target t) {
        List<String> out = new ArrayList<>();
        boolean container = t.kind() == Target.Kind.CONTAINER;
        String name = t.container().map(c -> c.displayName()).orElse(t.label());
        String pid = t.pid().isPresent() ? Integer.toString(t.pid().getAsInt()) : null;
        String syscount = container ? "boxscope syscount --container " + quote(name) + " -L"
                : pid != null ? "boxscope syscount -p " + pid + " -L" : "boxscope syscount -L";
        switch (kind) {
            case MEMORY_PRESSURE -> {
                if (container) {
                    out.add("boxscope mem container " + quote(name));
                    out.add("boxscope mem top --container " + quote(name));
                }
                if (pid != null) {
                    out.add("boxscope mem rollup " + pid);
                    out.add("boxscope mem pmap -x " + pid);
                }
            }
            case CPU_THROTTLED -> {
                if (container) {
                    out.add("boxscope containers --container " + quote(name));
                    out.add("boxscope --container " + quote(name) + " bench cpu --time=10");
                }
            }
            case CPU_BOUND -> {
                out.add(syscount);
                if (container) {
                    out.add("boxscope containers --container " + quote(name));
                }
            }
            case IO_BOUND, LOCK_SLEEP_BOUND, MOSTLY_IDLE -> out.add(syscount);
            case INSUFFICIENT_DATA -> {
                // Sampling 5 times as often catches processes that live a few tens of milliseconds.
                String arg = container ? quote(name) : pid != null ? pid : quote(t.label());
                out.add("boxscope diagnose " + arg + " --sample 20ms");
                out.add(syscount);
            }
        }
        return out;
    }

    /** Quotes a name for a shell when it has anything but safe characters. */
    static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_.:/@".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
