package io.boxscope.tools.tcpconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tcpconnect -c's counts: one flow per (source, destination, port), as libbpf-tools keys its count
 * maps; the same addresses to another port, or from another source, are another flow. IPv4 flows
 * come before IPv6 ones whatever the order of the connects: libbpf-tools' print_count() prints its
 * ipv4_count map, then its ipv6_count map (a user walk, session 36, saw ::1 listed between 127.0.0.1
 * flows).
 */
class ConnectCountsTest {
    static ConnectEvent connect(String saddr, String daddr, int dport) {
        return new ConnectEvent(0, 100, 0, "curl", saddr.contains(":") ? 6 : 4, saddr, daddr, dport, null);
    }

    @Test
    void countsPerFlowIpv4FirstThenIpv6EachInTheOrderFirstSeen() {
        ConnectCounts.Counter c = new ConnectCounts.Counter();
        c.add(connect("10.0.0.1", "10.0.0.2", 443));
        c.add(connect("::1", "::1", 80));
        c.add(connect("10.0.0.1", "10.0.0.2", 443));
        c.add(connect("10.0.0.1", "10.0.0.2", 80));
        c.add(connect("10.0.0.3", "10.0.0.2", 443));
        c.add(connect("10.0.0.1", "10.0.0.2", 443));
        assertEquals(List.of(
                new ConnectCounts.Flow("10.0.0.1", "10.0.0.2", 443, 3),
                new ConnectCounts.Flow("10.0.0.1", "10.0.0.2", 80, 1),
                new ConnectCounts.Flow("10.0.0.3", "10.0.0.2", 443, 1),
                new ConnectCounts.Flow("::1", "::1", 80, 1)), c.counts().flows());
    }

    @Test
    void noConnectsNoFlows() {
        assertEquals(List.of(), new ConnectCounts.Counter().counts().flows());
    }

    @Test
    void aResultDoesNotChangeWhenCountingGoesOn() {
        ConnectCounts.Counter c = new ConnectCounts.Counter();
        c.add(connect("127.0.0.1", "127.0.0.1", 8080));
        ConnectCounts before = c.counts();
        c.add(connect("127.0.0.1", "127.0.0.1", 8080));
        assertEquals(List.of(new ConnectCounts.Flow("127.0.0.1", "127.0.0.1", 8080, 1)), before.flows());
        assertEquals(List.of(new ConnectCounts.Flow("127.0.0.1", "127.0.0.1", 8080, 2)), c.counts().flows());
        assertThrows(UnsupportedOperationException.class, () -> before.flows().clear());
    }
}
