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
    /** An address literal as the wire carries it (InspectorFdListTest uses it too). */
    static byte[] ip(String literal) {
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

    private static ParamValue.SockTuple v4(String sip, int sport, String dip, int dport) {
        return ParamValue.SockTuple.ipv4(ip(sip), sport, ip(dip), dport);
    }

    /** The address sinsp prints for the bytes of a port (this machine's order) followed by protocol {@code l4} and 0. */
    private static String portBytes(int port, int l4) {
        byte[] b = java.nio.ByteBuffer.allocate(2).order(java.nio.ByteOrder.nativeOrder()).putShort((short) port).array();
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + l4 + ".0";
    }

    @Test
    void aListedUdpServerTakesEveryDatagramWithItsRoleGuessed() {
        // add_fd_from_scap: a server socket of the capture's fd list, no role; its server info (address, port,
        // protocol) lies over the IPv4 tuple's source address and destination address
        LongMap<Inspector.Fd> table = new LongMap<>();
        Inspector.Fd listed = new Inspector.Fd(FdType.IPV4_SERVSOCK, "127.0.0.1:5000", 3);
        table.put(3, listed);
        Inspector.Fd first = SocketTuples.datagram(table, 3, listed, v4("127.0.0.1", 6000, "127.0.0.1", 5000), 3, List.of(), true);
        // update_fd: an IPv4 socket now; the source follows the tuple, the destination address keeps the port's bytes,
        // the zero destination port takes the tuple's; set_net_role_by_guessing finds the socket itself on both ports,
        // and a receive makes it a server, so nothing is swapped
        assertEquals(FdType.IPV4_SOCK, first.type());
        assertEquals("127.0.0.1:6000->" + portBytes(5000, 3) + ":5000", first.name());
        assertEquals(Inspector.Fd.ROLE_SERVER, first.role());
        assertEquals(3, first.l4proto());
        // its reply: the source changes to the server's, the destination stays; a server's send is swapped
        Inspector.Fd reply = SocketTuples.datagram(table, 3, first, v4("127.0.0.1", 5000, "127.0.0.1", 6000), 3, List.of(), false);
        assertEquals(portBytes(5000, 3) + ":5000->127.0.0.1:5000", reply.name());
    }

    @Test
    void aRealIpv6TupleLeavesAnIpv4SocketIpv4() {
        // an AF_INET6 socket that an IPv4-mapped datagram made an IPv4 one (SCAP_FD_IPV4_SOCK), a server
        LongMap<Inspector.Fd> table = new LongMap<>();
        Inspector.Fd v4 = new Inspector.Fd(FdType.IPV4_SOCK, "127.0.0.1:52257->0.0.0.0:43712", 3, 3,
                new SocketTuples.Endpoints(ip("127.0.0.1"), 52257, ip("0.0.0.0"), 43712), 0, true, Inspector.Fd.ROLE_SERVER);
        table.put(5, v4);
        // a datagram from ::1: set_ipv6_addresses_and_ports writes ::1 over the IPv4 fields (zeros but for byte 15),
        // update_fd leaves the type and makes the protocol byte (12, zero) UDP; sockinfo_to_str reads the IPv4 view
        Inspector.Fd got = SocketTuples.datagram(table, 5, v4, v6("::1", 56481, "::", 43712), 3, List.of(), true);
        assertEquals(FdType.IPV4_SOCK, got.type(), "update_fd changes the type for IPv4 tuples only");
        assertEquals("0.0.0.0:0->0.0.0.0:0", got.name());
        assertEquals(3, got.l4proto());
        assertArrayEquals(new byte[4], got.ends().sip());
        assertEquals(0, got.ends().dport());
        // the reply (:: to ::1): the source address changes again, a server's send is swapped, the view is zeros again
        Inspector.Fd reply = SocketTuples.datagram(table, 5, got, v6("::", 43712, "::1", 56481), 3, List.of(), false);
        assertEquals("0.0.0.0:0->0.0.0.0:0", reply.name());
        assertEquals(FdType.IPV4_SOCK, reply.type());
        // the same tuple again still changes the memory: update_fd's UDP byte lies in the IPv6 source address (byte 12),
        // which then differs from the tuple's; the name comes out the same
        Inspector.Fd same = SocketTuples.datagram(table, 5, reply, v6("::", 43712, "::1", 56481), 3, List.of(), false);
        assertEquals("0.0.0.0:0->0.0.0.0:0", same.name());
        assertEquals(3, same.ends().union()[12], "the protocol byte, over the IPv6 source address");
        // an IPv4-mapped datagram after it: the IPv4 fields follow the tuple, the zero destination takes the tuple's
        Inspector.Fd back = SocketTuples.datagram(table, 5, reply, v6("::ffff:127.0.0.1", 52257, "::", 43712), 3, List.of(), true);
        assertEquals("127.0.0.1:52257->0.0.0.0:43712", back.name());
        // and ::1 again: the IPv6 source differs from what the IPv4 tuple left in its first bytes, so it changes
        Inspector.Fd again = SocketTuples.datagram(table, 5, back, v6("::1", 56481, "::", 43712), 3, List.of(), true);
        assertEquals("0.0.0.0:0->0.0.0.0:0", again.name());
    }
}
