package io.boxscope.bpf.tracefs;

import java.util.Objects;

/**
 * A tracepoint's name as tracefs spells it: {@code system:event}, e.g. {@code sched:sched_switch}
 * (one line of {@code available_events}, one directory {@code events/<system>/<event>}).
 */
public record TracepointId(String system, String event) implements Comparable<TracepointId> {
    public TracepointId {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(event, "event");
        if (system.isEmpty() || event.isEmpty() || system.contains(":") || system.contains("/") || event.contains("/")) {
            throw new IllegalArgumentException("not a tracepoint name: '" + system + ":" + event
                    + "' (expected system:event, e.g. sched:sched_switch)");
        }
    }

    /** Parses {@code system:event}; throws IllegalArgumentException for anything else. */
    public static TracepointId parse(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("not a tracepoint name: '" + s + "' (expected system:event, e.g. sched:sched_switch)");
        }
        return new TracepointId(s.substring(0, colon), s.substring(colon + 1));
    }

    @Override
    public int compareTo(TracepointId o) {
        int c = system.compareTo(o.system);
        return c != 0 ? c : event.compareTo(o.event);
    }

    @Override
    public String toString() {
        return system + ":" + event;
    }
}
