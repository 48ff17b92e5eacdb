package io.boxscope.probe.list;

import java.util.List;

/**
 * The result of one listing: probes sorted by name (byte order, as bpftrace's std::set), and notices about
 * what could not be listed (e.g. a tracepoint whose format file could not be read), never dropped silently.
 */
public record Listing(List<ListedProbe> probes, List<String> notices) {
    public Listing {
        probes = List.copyOf(probes);
        notices = List.copyOf(notices);
    }
}
