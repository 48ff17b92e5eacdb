package io.boxscope.tools.tcpconnect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * tcpconnect -c: connects per (source address, destination address, destination port), in the
 * order each flow was first seen. libbpf-tools' tcpconnect.c keeps the same key in its
 * {@code ipv4_count}/{@code ipv6_count} maps and prints them after Ctrl-C (LADDR RADDR RPORT
 * CONNECTS); here the events are counted as they arrive, so {@code diagnose} or an exporter gets
 * the same figures as the command without depending on {@code cli}.
 *
 * @param flows each flow once, in the order first seen
 */
public record ConnectCounts(List<Flow> flows) {
    public ConnectCounts {
        flows = List.copyOf(flows);
    }

    /**
     * One flow's connects.
     *
     * @param saddr    source address, as inet_ntop(3) writes it
     * @param daddr    destination address, as inet_ntop(3) writes it
     * @param dport    destination port
     * @param connects how many connects went this way
     */
    public record Flow(String saddr, String daddr, int dport, long connects) {
        public Flow {
            Objects.requireNonNull(saddr, "saddr");
            Objects.requireNonNull(daddr, "daddr");
        }
    }

    /** Counts events as a run delivers them; {@link #counts} is the result so far. Not thread-safe: one listener thread. */
    public static final class Counter {
        private record Key(String saddr, String daddr, int dport) {}

        private final Map<Key, Long> counts = new LinkedHashMap<>();

        /** Counts one connect. */
        public void add(ConnectEvent e) {
            counts.merge(new Key(e.saddr(), e.daddr(), e.dport()), 1L, Long::sum);
        }

        /** The flows counted so far, in the order first seen. */
        public ConnectCounts counts() {
            List<Flow> flows = new ArrayList<>(counts.size());
            counts.forEach((k, n) -> flows.add(new Flow(k.saddr(), k.daddr(), k.dport(), n)));
            return new ConnectCounts(flows);
        }
    }
}
