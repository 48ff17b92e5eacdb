package io.boxscope.probe.list;

import java.util.List;

/**
 * One line of {@code probe -l}: the full probe name as bpftrace prints it
 * ({@code tracepoint:sched:sched_switch}) and, in verbose mode, its arguments
 * ({@code char prev_comm[16]}, as {@code bpftrace -lv} prints them).
 */
public record ListedProbe(ProbeType type, String name, List<String> args) {
    public ListedProbe {
        args = List.copyOf(args);
    }
}
