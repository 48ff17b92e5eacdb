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
}
