package io.boxscope.tools.tcpconnect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * tcpconnect -c: connects per (source address, destination address, destination port): the IPv4
 * flows first, then the IPv6 ones, each family in the order its flows were first seen.
 * libbpf-tools' tcpconnect.c keeps the same key in two maps, {@code ipv4_count} and
 * {@code ipv6_count}, and its {@code print_count()} prints the whole IPv4 map, then the IPv6 map,
 * after Ctrl-C (LADDR RADDR RPORT CONNECTS); so a ::1 flow seen between two IPv4 flows is listed
 * after both. Here the events are counted as they arrive, so {@code diagnose} or an exporter gets
 * the same figures as the command without depending on {@code cli}.
 *
 * @param flows each flow once: IPv4 flows, then IPv6 flows, each in the order first seen
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

        /** libbpf-tools' ipv4_count map. */
        private final Map<Key, Long> ipv4 = new LinkedHashMap<>();
        /** libbpf-tools' ipv6_count map. */
        private final Map<Key, Long> ipv6 = new LinkedHashMap<>();

        /** Counts one connect. */
        public void add(ConnectEvent e) {
            (e.ipVersion() == 6 ? ipv6 : ipv4).merge(new Key(e.saddr(), e.daddr(), e.dport()), 1L, Long::sum);
        }

        /** The flows counted so far: IPv4, then IPv6, each in the order first seen. */
        public ConnectCounts counts() {
            List<Flow> flows = new ArrayList<>(ipv4.size() + ipv6.size());
            ipv4.forEach((k, n) -> flows.add(new Flow(k.saddr(), k.daddr(), k.dport(), n)));
            ipv6.forEach((k, n) -> flows.add(new Flow(k.saddr(), k.daddr(), k.dport(), n)));
            return new ConnectCounts(flows);
        }
    }
}
