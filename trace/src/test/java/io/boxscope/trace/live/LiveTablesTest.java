package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.bpf.sys.Arch;
import io.boxscope.proc.tasks.OpenFd;
import io.boxscope.proc.tasks.SocketEndpoint;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.FdType;
import org.junit.jupiter.api.Test;

/**
 * Inet sockets listed as libscap's proc scan lists them (scap_fds.c, libs e5c53d64): a socket whose remote address is
 * zero is a server socket whatever its state (a bound UDP socket as much as a listening TCP one), any other a connection.
 * Before, only TCP's LISTEN state made a server socket, so a UDP server open before the capture was listed as a
 * connection to 0.0.0.0:0, which sinsp names and answers otherwise.
 */
class LiveTablesTest {
    private static FdInfo listed(String proto, int family, byte[] local, int lport, byte[] remote, int rport, boolean listening) {
        SocketEndpoint s = new SocketEndpoint(proto, family, local, lport, remote, rport, listening, "");
        return LiveTables.fdInfo(OpenFd.of(3, "socket:[77]", 2, s), OpenFlags.of(Arch.current()));
    }

    @Test
    void anUnconnectedSocketIsAServerSocketAsLibscapListsIt() {
        byte[] lo = {127, 0, 0, 1};
        assertEquals(FdType.IPV4_SERVSOCK, listed("udp", 4, lo, 5000, new byte[4], 0, false).type());
        assertEquals(FdType.IPV4_SERVSOCK, listed("tcp", 4, lo, 80, new byte[4], 0, true).type());
        assertEquals(FdType.IPV4_SOCK, listed("udp", 4, lo, 5000, lo, 6000, false).type());
        byte[] one = new byte[16];
        one[15] = 1;
        FdInfo v6 = listed("udp", 6, one, 5000, new byte[16], 0, false);
        assertEquals(FdType.IPV6_SERVSOCK, v6.type());
        assertEquals(5000, v6.socket().sport());
        assertEquals(3, v6.socket().l4proto());
        assertEquals(FdType.IPV6_SOCK, listed("tcp", 6, one, 5000, one, 6000, false).type());
    }
}
