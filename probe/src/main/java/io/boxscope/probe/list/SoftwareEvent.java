package io.boxscope.probe.list;

import java.util.List;

/**
 * A perf software event (perf_event_open(2), PERF_TYPE_SOFTWARE): the names and aliases bpftrace accepts for
 * {@code software:NAME:PERIOD}, with the kernel's {@code PERF_COUNT_SW_*} config and bpftrace's default period.
 */
public record SoftwareEvent(String name, String alias, int config, long defaultPeriod) {
    /** bpftrace's list, in its order (alphabetical). */
    public static final List<SoftwareEvent> ALL = List.of(
            new SoftwareEvent("alignment-faults", "", 7, 1),
            new SoftwareEvent("bpf-output", "", 10, 1),
            new SoftwareEvent("context-switches", "cs", 3, 1000),
            new SoftwareEvent("cpu-clock", "cpu", 0, 1000000),
            new SoftwareEvent("cpu-migrations", "", 4, 1),
            new SoftwareEvent("dummy", "", 9, 1),
            new SoftwareEvent("emulation-faults", "", 8, 1),
            new SoftwareEvent("major-faults", "", 6, 1),
            new SoftwareEvent("minor-faults", "", 5, 100),
            new SoftwareEvent("page-faults", "faults", 2, 100),
            new SoftwareEvent("task-clock", "", 1, 1));
}
