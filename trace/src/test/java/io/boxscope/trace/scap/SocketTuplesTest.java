package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 rules of {@link SocketTuples} and {@link ParamValue.SockTuple} against what libs e5c53d64 does (utils.cpp
 * is_ipv4_mapped_ipv6 and sockinfo_to_str, parsers.cpp update_fd and set_ipv6_addresses_and_ports); the live comparison
 * with sysdig -r is cli's TraceUdp6NameTest.
 */
class SocketTuplesTest {
    private static byte[] ip(String literal) {
        byte[] a = InetAddress.ofLiteral(literal).getAddress();
        if (a.length == 4 && literal.contains(":")) { // Java gives ::ffff:a.b.c.d as an IPv4 address: the wire has 16 bytes
            byte[] m = new byte[16];
            m[10] = (byte) 0xff;
            m[11] = (byte) 0xff;
            System.arraycopy(a, 0, m, 12, 4);
            return m;
        }
        return a;
    }

    private static ParamValue.SockTuple v6(String sip, int sport, String dip, int dport) {
        return new ParamValue.SockTuple(10, ip(sip), sport, ip(dip), dport, 0, 0, "");
    }

    @Test
    void mappedAsSinspDecidesIt() {
        // both addresses IPv4-mapped, or all zeros (sinsp assumes IPv4 for ::)
        assertTrue(v6("::ffff:127.0.0.1", 1, "::ffff:10.0.0.1", 2).mapped());
        assertTrue(v6("::", 0, "::ffff:127.0.0.1", 2).mapped());
        assertTrue(v6("::", 0, "::", 0).mapped());
        // one real IPv6 address is enough to keep it IPv6; ::1 and ::a.b.c.d (IPv4-compatible) are not mapped
        assertFalse(v6("::", 0, "::1", 2).mapped());
        assertFalse(v6("::ffff:127.0.0.1", 1, "fe80::1", 2).mapped());
        assertFalse(v6("::", 0, "::10.0.0.1", 2).mapped());
        assertFalse(ParamValue.SockTuple.ipv4(new byte[4], 0, new byte[4], 0).mapped());
        ParamValue.SockTuple v = v6("::", 0, "::ffff:127.0.0.1", 45380).sinspView();
        assertEquals(2, v.family());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, v.dip());
        assertEquals(45380, v.dport());
        assertTrue(new ParamValue.SockAddr(10, ip("::"), 80, "").mapped());
        assertFalse(new ParamValue.SockAddr(10, ip("::1"), 80, "").mapped());
        assertFalse(ParamValue.SockAddr.ipv4(new byte[4], 80).mapped());
    }

    @Test
    void namesAsSockinfoToStr() {
        var e = new SocketTuples.Endpoints(new byte[] {10, 0, 0, 1}, 5, new byte[] {10, 0, 0, 2}, 6);
        assertEquals("10.0.0.1:5->10.0.0.2:6", SocketTuples.name(FdType.IPV4_SOCK, e, 3));
        assertEquals("10.0.0.1->10.0.0.2", SocketTuples.name(FdType.IPV4_SOCK, e, 4));
        assertEquals("10.0.0.1->10.0.0.2", SocketTuples.name(FdType.IPV4_SOCK, e, 5));
        assertEquals("<unknown>", SocketTuples.name(FdType.IPV4_SOCK, e, 0));
        var e6 = new SocketTuples.Endpoints(ip("::1"), 5, ip("fe80::2"), 6);
        assertEquals("::1:5->fe80::2:6", SocketTuples.name(FdType.IPV6_SOCK, e6, 2));
        assertEquals("<unknown>", SocketTuples.name(FdType.IPV6_SOCK, e6, 5));
    }

    @Test
    void anIpv6BoundServerStaysAServerSocket() {
        LongMap<Inspector.Fd> table = new LongMap<>();
        Inspector.Fd bound = new Inspector.Fd(FdType.IPV6_SOCK, "::1:4000", 3, 3, null, 0, false, Inspector.Fd.ROLE_SERVER);
        table.put(3, bound);
        Inspector.Fd after = SocketTuples.datagram(table, 3, bound, v6("::1", 5000, "::1", 4000), 3, List.of(), true);
        assertEquals(FdType.IPV6_SERVSOCK, after.type());
        assertEquals("::1:5000->::1:4000", after.name(), "named after the tuple as it is");
        assertEquals(Inspector.Fd.ROLE_SERVER, after.role());
        SocketTuples.Endpoints server = SocketTuples.bound(after);
        assertArrayEquals(ip("::1"), server.sip());
        assertEquals(4000, server.sport(), "the port lies over the destination address, which the tuple did not change");
        // the server's reply: the source port changes, so it is named after that tuple
        Inspector.Fd reply = SocketTuples.datagram(table, 3, after, v6("::1", 4000, "::1", 5000), 3, List.of(), false);
        assertEquals("::1:4000->::1:5000", reply.name());
        assertEquals(4000, SocketTuples.bound(reply).sport());
        // the same tuple again changes nothing
        assertNull(SocketTuples.datagram(table, 3, reply, v6("::1", 4000, "::1", 5000), 3, List.of(), false));
    }
}
