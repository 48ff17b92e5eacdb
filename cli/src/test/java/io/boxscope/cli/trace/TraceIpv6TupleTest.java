package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real IPv6 tuples (issue 13), on a python workload captured with {@code trace -w FILE} and read back by {@code trace -r
 * FILE} and {@code sysdig -r FILE} (0.29, the oracle), which must print the same lines: 18 fd fields, the default line
 * and {@code -j}.
 * <ul>
 * <li>Sockets bound to {@code ::} during the capture: a TCP server that accepts from ::1, a UDP server that receives
 * from ::1 and answers.</li>
 * <li>Sockets open before the capture and not bound then (the capture's fd list has them as {@code socket:[INODE]}: no
 * /proc/net entry): an AF_INET6 UDP socket that sends to ::1 during it, an AF_INET6 TCP socket that connects to ::1.</li>
 * </ul>
 * The servers bound to {@code ::} read as sysdig reads them already (a TCP accept names the connection with its IPv6
 * tuple, the UDP server is named after each datagram's tuple). The listed sockets did not: connect's exit named the TCP
 * one after its tuple as TCP, where fill_client_socket_info (libs e5c53d64 parsers.cpp) sets no protocol on a socket
 * whose memory has none ({@code <unknown>}, no fd.l4proto); and a real IPv6 tuple left the UDP one {@code socket:[INODE]},
 * where update_fd keeps its type and parse_rw_exit names it after the tuple as printed.
 */
@KernelTest
class TraceIpv6TupleTest {
    private static final String FIELDS = TraceUdpListedServerTest.FIELDS;
    private static final String CALLS = "evt.type in (socket, bind, listen, accept, accept4, connect, sendto, recvfrom,"
            + " sendmsg, recvmsg, read, write, close)";

    private static final String SCRIPT = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "pre_u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "pre_t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "time.sleep(1)",
            "srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); srv.bind(('::', 0)); srv.listen(4); P = srv.getsockname()[1]",
            "c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); c.connect(('::1', P)); conn, addr = srv.accept()",
            "c.send(b'ping'); conn.recv(100); conn.send(b'pong'); c.recv(100)",
            "pre_t.connect(('::1', P)); conn2, addr2 = srv.accept()",
            "pre_t.send(b'ping'); conn2.recv(100); conn2.send(b'pong'); pre_t.recv(100)",
            "u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(('::', 0)); U = u.getsockname()[1]",
            "uc = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "for i in range(2):",
            "    uc.sendto(b'ping', ('::1', U)); data, addr = u.recvfrom(100); u.sendto(b'pong', addr); uc.recvfrom(100)",
            "    pre_u.sendto(b'ping', ('::1', U)); data, addr = u.recvfrom(100); u.sendto(b'pong', addr); pre_u.recvfrom(100)",
            "for s in (c, conn, conn2, pre_t, uc, pre_u, u, srv): s.close()",
            "print(P, U, flush=True)",
            "time.sleep(3)",
            "");

    @Test
    void ipv6TuplesReadAsSysdigReadsThem(@TempDir Path dir) throws Exception {
        TraceUdp6NameTest.Capture c = TraceUdp6NameTest.capture(dir, SCRIPT);
        String filter = CALLS + " and proc.pid=" + c.pid();
        List<String> sysdig = TraceUdp6NameTest.same(c, "-p", FIELDS, filter);
        String all = String.join("\n", sysdig);
        // the oracle saw what the test is about: the server on :: named after an accepted ::1 connection
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" accept fd=") && l.contains("(<6t>::1:")), all);
        // the listed TCP socket (socket:[INODE]) connected to ::1: <unknown>, IPv6, no protocol
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" connect res=0 tuple=::1:") && l.contains(" <unknown> ipv6 6 <NA> ::1 ")),
                all);
        // the listed UDP socket: still of no type, named after each datagram's tuple as printed
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" sendto res=4 data=ping  :::0->::1:") && l.contains(" <NA> X <NA> ")),
                all);
        TraceUdp6NameTest.same(c, filter);
        TraceUdp6NameTest.same(c, "-j", filter);
        TraceUdp6NameTest.same(c, "-p", "%evt.num %evt.type %fd.num %fd.name", "fd.sport=" + c.printed()[1] + " and proc.pid=" + c.pid());
    }
}
