package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sockets of a capture's fd list as libsinsp loads them (libs e5c53d64 threadinfo.cpp add_fd_from_scap and
 * fix_sockets_coming_from_proc): every IPv4 connection gets a role, server (turned round) when its source port is a
 * server socket's, IPv4 or IPv6, else client; an IPv6 connection none (its protocol hidden, get_l4proto); an IPv6 one of
 * IPv4-mapped addresses is an IPv4 one; a server socket keeps no role.
 */
class InspectorFdListTest {
    private static FdInfo sock(long fd, FdType type, String sip, int sport, String dip, int dport, int l4) {
        return new FdInfo(fd, 0, type, "", 0, 0, new FdInfo.SocketInfo(SocketTuplesTest.ip(sip), sport, SocketTuplesTest.ip(dip), dport, l4, 0, 0));
    }

    @Test
    void listedSocketsGetSinspsRoles() {
        List<FdInfo> fds = List.of(
                sock(3, FdType.IPV4_SERVSOCK, "127.0.0.1", 5000, "0.0.0.0", 0, 3),
                sock(4, FdType.IPV4_SOCK, "127.0.0.1", 5000, "127.0.0.1", 41000, 2),
                sock(5, FdType.IPV4_SOCK, "127.0.0.1", 7000, "127.0.0.1", 8000, 3),
                sock(6, FdType.IPV6_SOCK, "::1", 9000, "::1", 9001, 3),
                sock(7, FdType.IPV6_SOCK, "::ffff:127.0.0.1", 9100, "::ffff:127.0.0.1", 9200, 2),
                sock(8, FdType.IPV6_SERVSOCK, "::1", 6000, "::", 0, 3),
                sock(9, FdType.IPV4_SOCK, "127.0.0.1", 6000, "127.0.0.1", 42000, 3));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 1L << 30, 4194304, "fds"), List.of(), List.of(), List.of(),
                List.of(ThreadInfo.of(300, 300, 1, "srv", "/usr/bin/srv", List.of(), "/", 0, 0)), Map.of(300L, fds));
        Inspector.Thread t = new Inspector(tables).thread(300);

        Inspector.Fd server = t.fd(3);
        assertEquals(FdType.IPV4_SERVSOCK, server.type());
        assertEquals("127.0.0.1:5000", server.name());
        assertEquals(Inspector.Fd.ROLE_NONE, server.role());

        Inspector.Fd accepted = t.fd(4);
        assertEquals("127.0.0.1:41000->127.0.0.1:5000", accepted.name(), "the server's end, turned round");
        assertEquals(Inspector.Fd.ROLE_SERVER, accepted.role());
        assertTrue(accepted.connected(), "a TCP socket of the list");

        Inspector.Fd client = t.fd(5);
        assertEquals("127.0.0.1:7000->127.0.0.1:8000", client.name());
        assertEquals(Inspector.Fd.ROLE_CLIENT, client.role());
        assertEquals(3, client.l4proto());

        Inspector.Fd v6 = t.fd(6);
        assertEquals(FdType.IPV6_SOCK, v6.type());
        assertEquals(Inspector.Fd.ROLE_NONE, v6.role());
        assertEquals(0, v6.l4proto(), "get_l4proto: no role, no protocol shown");
        assertEquals(3, SocketTuples.stored(v6), "the protocol sinsp holds");

        Inspector.Fd mapped = t.fd(7);
        assertEquals(FdType.IPV4_SOCK, mapped.type());
        assertEquals("127.0.0.1:9100->127.0.0.1:9200", mapped.name());
        assertEquals(Inspector.Fd.ROLE_CLIENT, mapped.role());

        Inspector.Fd onV6Port = t.fd(9);
        assertEquals("127.0.0.1:42000->127.0.0.1:6000", onV6Port.name(), "m_server_ports holds IPv6 servers' ports too");
        assertEquals(Inspector.Fd.ROLE_SERVER, onV6Port.role());
    }
}
