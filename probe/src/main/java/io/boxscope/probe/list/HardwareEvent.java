package io.boxscope.probe.list;

import java.util.List;

/**
 * A perf hardware event (perf_event_open(2), PERF_TYPE_HARDWARE): the names and aliases bpftrace 0.17 accepts for
 * {@code hardware:NAME:PERIOD} (its HW_PROBE_LIST, src/probe_matcher.h), with the kernel's {@code PERF_COUNT_HW_*}
 * config (include/uapi/linux/perf_event.h).
 */
public record HardwareEvent(String name, String alias, int config) {
    /** bpftrace's list, in its order (alphabetical). */
    public static final List<HardwareEvent> ALL = List.of(
            new HardwareEvent("backend-stalls", "", 8),
            new HardwareEvent("branch-instructions", "branches", 4),
            new HardwareEvent("branch-misses", "", 5),
            new HardwareEvent("bus-cycles", "", 6),
            new HardwareEvent("cache-misses", "", 3),
            new HardwareEvent("cache-references", "", 2),
            new HardwareEvent("cpu-cycles", "cycles", 0),
            new HardwareEvent("frontend-stalls", "", 7),
            new HardwareEvent("instructions", "", 1),
            new HardwareEvent("ref-cycles", "", 9));
}
