package io.boxscope.trace.filter;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of a filter the kernel decides: a conjunction of set memberships that a BPF program
 * checks with a few map lookups before it reserves ring-buffer space. Each set is null for "any".
 * An event passes when every present set holds its value:
 *
 * <ul>
 * <li>{@code pids}: the thread group id ({@code proc.pid}, bpf_get_current_pid_tgid() >> 32);</li>
 * <li>{@code tids}: the thread id ({@code thread.tid}, the low 32 bits);</li>
 * <li>{@code cgroupIds}: cgroup v2 ids of the containers named; an event passes when its task's
 *     cgroup <em>or one of its ancestors</em> has one of these ids (a container's processes may sit
 *     in sub-cgroups; check each level with bpf_get_current_ancestor_cgroup_id);</li>
 * <li>{@code syscalls}: system call numbers (of the architecture the push-down was computed for)
 *     whose events have one of the {@code evt.type} names asked for, and {@code otherEvents}: the
 *     names asked for that are no system call's (switch, procexit, ...): such events pass only when
 *     named there. Both null: any event;</li>
 * <li>{@code failedOnly}: only exit events whose return value is negative ({@code evt.failed}).</li>
 * </ul>
 *
 * <p>It is implied by the filter: every event the filter accepts passes it (the kernel may pass
 * more, never less), provided the capture reports {@code proc.pid}, {@code thread.tid},
 * {@code evt.type} and {@code evt.failed} to the filter as the kernel saw them.
 */
public record KernelFilter(Set<Long> pids, Set<Long> tids, Set<Long> cgroupIds, Set<String> eventTypes,
                           Set<Integer> syscalls, Set<String> otherEvents, boolean failedOnly) {
    public KernelFilter {
        pids = frozen(pids);
        tids = frozen(tids);
        cgroupIds = frozen(cgroupIds);
        eventTypes = frozen(eventTypes);
        syscalls = frozen(syscalls);
        otherEvents = frozen(otherEvents);
        if ((eventTypes == null) != (syscalls == null) || (eventTypes == null) != (otherEvents == null)) {
            throw new IllegalArgumentException("eventTypes, syscalls and otherEvents are given together or not at all");
        }
    }

    /** Passes everything. */
    public static final KernelFilter ANY = new KernelFilter(null, null, null, null, null, null, false);

    private static <T extends Comparable<T>> Set<T> frozen(Set<T> s) {
        return s == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(s));
    }

    /** Whether the kernel filters at all. */
    public boolean filters() {
        return pids != null || tids != null || cgroupIds != null || eventTypes != null || failedOnly;
    }

    /**
     * What the kernel sees of one event, for checking this filter in Java (tests, and a capture
     * that cannot load the BPF side).
     *
     * @param cgroupIds the ids of the task's cgroup and of all its ancestors
     */
    public record KernelView(long pid, long tid, Set<Long> cgroupIds, String eventType, boolean failed) {}

    /** Whether the kernel lets this event through. */
    public boolean accepts(KernelView e) {
        if (pids != null && !pids.contains(e.pid())) {
            return false;
        }
        if (tids != null && !tids.contains(e.tid())) {
            return false;
        }
        if (cgroupIds != null && Collections.disjoint(cgroupIds, e.cgroupIds())) {
            return false;
        }
        if (eventTypes != null && !eventTypes.contains(e.eventType())) {
            return false;
        }
        return !failedOnly || e.failed();
    }

    /** One line per kernel check, or "(nothing: every event goes to user space)". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (pids != null) {
            line(sb, "proc.pid in " + set(pids));
        }
        if (tids != null) {
            line(sb, "thread.tid in " + set(tids));
        }
        if (cgroupIds != null) {
            line(sb, "cgroup id (or an ancestor's) in " + set(cgroupIds));
        }
        if (eventTypes != null) {
            StringBuilder t = new StringBuilder("evt.type in " + set(eventTypes));
            t.append(": syscalls ").append(syscalls.isEmpty() ? "none" : set(syscalls));
            if (!otherEvents.isEmpty()) {
                t.append(", other events ").append(set(otherEvents));
            }
            line(sb, t.toString());
        }
        if (failedOnly) {
            line(sb, "evt.failed (exit events returning < 0)");
        }
        return sb.isEmpty() ? "(nothing: every event goes to user space)" : sb.toString();
    }

    private static void line(StringBuilder sb, String s) {
        if (!sb.isEmpty()) {
            sb.append('\n');
        }
        sb.append(s);
    }

    private static String set(Set<?> s) {
        StringBuilder sb = new StringBuilder("(");
        int i = 0;
        for (Object o : s) {
            if (i++ > 0) {
                sb.append(", ");
            }
            sb.append(o instanceof String str ? FilterChecker.quote(str) : o.toString());
        }
        return sb.append(')').toString();
    }
}
