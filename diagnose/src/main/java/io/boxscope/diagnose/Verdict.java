package io.boxscope.diagnose;

import java.util.List;

/**
 * The answer to "why is it slow?": one kind, how sure, the numbers that decided it, what was ruled
 * out and why, what could not be measured, and the exact boxscope commands to run next.
 */
public record Verdict(Kind kind, Confidence confidence, String summary, List<String> evidence,
        List<String> ruledOut, List<String> unmeasured, List<String> nextCommands) {

    public Verdict {
        evidence = List.copyOf(evidence);
        ruledOut = List.copyOf(ruledOut);
        unmeasured = List.copyOf(unmeasured);
        nextCommands = List.copyOf(nextCommands);
    }

    /** The verdicts, in the order the rules try them (docs/diagnose.md). */
    public enum Kind {
        MEMORY_PRESSURE("memory pressure"),
        CPU_THROTTLED("CPU-throttled (limit too low)"),
        IO_BOUND("I/O-bound"),
        CPU_BOUND("CPU-bound"),
        LOCK_SLEEP_BOUND("lock/sleep-bound"),
        MOSTLY_IDLE("mostly idle"),
        /** No thread of the target was seen active although it used CPU: nothing to name a bottleneck from. */
        INSUFFICIENT_DATA("insufficient data");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** HIGH: the deciding figure is at least twice its threshold; MEDIUM: above it; LOW: nothing crossed a threshold. */
    public enum Confidence { HIGH, MEDIUM, LOW }
}
