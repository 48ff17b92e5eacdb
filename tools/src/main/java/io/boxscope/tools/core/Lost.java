package io.boxscope.tools.core;

import java.util.Locale;

/**
 * Lost events as the tools report them on standard error. libbpf-tools' perf-buffer tools print
 * {@code Lost N events on CPU #C!}; the probe runtime reads one ring buffer shared by all CPUs, so
 * there is no CPU to name.
 */
public final class Lost {
    private Lost() {}

    public static String message(long events) {
        return String.format(Locale.ROOT, "Lost %d events!", events);
    }

    /**
     * Runs of the tool's programs the kernel skipped because another BPF program was running on the CPU
     * ({@code recursion_misses}): events that never reached the tool. libbpf-tools do not report them; the
     * wording is the probe runtime's ({@link io.boxscope.probe.output.TextOutput#skippedMessage}).
     */
    public static String skipped(long events) {
        return io.boxscope.probe.output.TextOutput.skippedMessage(events);
    }

    /**
     * Map updates that failed in the kernel (a full map), in bpftrace's wording for a full map: {@code WARNING: Map
     * full; can't update element: 12 updates of @ppid failed (it holds 4096 entries)}.
     */
    public static String mapUpdatesFailed(io.boxscope.probe.output.Event.MapUpdateFailed f) {
        String updates = f.count() + (f.count() == 1 ? " update of " : " updates of ") + f.map() + " failed";
        return f.full() ? "WARNING: Map full; can't update element: " + updates + " (it holds " + f.capacity() + " entries)"
                : "WARNING: Failed to map_update_elem: " + f.error() + " (" + f.retcode() + "): " + updates;
    }

    /**
     * Idle map keys deleted with lookup then delete, two system calls apart, because the kernel refused
     * BPF_MAP_LOOKUP_AND_DELETE_ELEM (bpf(2)): an update landing between the two calls is lost. Same wording
     * for the interval tools and syscount.
     */
    public static String splitDeletes(long keys) {
        return "WARNING: " + keys + " idle map keys deleted with lookup then delete (this kernel refuses"
                + " BPF_MAP_LOOKUP_AND_DELETE_ELEM): an update between the two calls would be lost";
    }
}
