package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP server sockets open before the capture, and IPv6 tuples on a socket sinsp holds as IPv4 (issue 13), on a python
 * workload captured with {@code trace -w FILE} and read back by {@code trace -r FILE} and {@code sysdig -r FILE} (0.29,
 * the oracle), which must print the same lines: 18 fd fields, the default line and {@code -j}.
 * <ul>
 * <li>An IPv4 server on 127.0.0.1, an IPv6 one on ::1 and an AF_INET6 one on {@code ::}, all bound before the capture
 * (so only in its fd list: libscap lists a socket with no remote address as a server socket, add_fd_from_scap gives it
 * no role), receive from clients made during it with recvfrom/sendto, recvmsg/sendmsg and read on a connected client's
 * datagrams. parse_rw_exit calls update_fd for any socket but a named IPv4 TCP one: each datagram's tuple goes into the
 * listed server, whose role is guessed. Before, Boxscope left a listed server socket as it was (and its live fd list
 * wrote a bound UDP socket as a connection to 0.0.0.0:0, and sinsp's roles of the list's IPv4 connections were
 * missing): 51 of 140 lines of the fd fields differed on this workload.</li>
 * <li>The AF_INET6 server on {@code ::} receives from 127.0.0.1 (an IPv4-mapped tuple, which makes it an IPv4 socket)
 * and from ::1: update_fd keeps the IPv4 type and writes the IPv6 tuple over the socket's memory, which sinsp then
 * reads as IPv4, {@code 0.0.0.0:0->0.0.0.0:0}, UDP. Before, Boxscope made it an IPv6 socket.</li>
 * </ul>
 */
@KernelTest
class TraceUdpListedServerTest {
    /** The socket fields compared with sysdig's, the ports of both ends included (TraceIpv6TupleTest uses them too). */
    static final String FIELDS = "*%evt.num %proc.name %evt.type %evt.info %fd.name %fd.type %fd.typechar"
            + " %fd.l4proto %fd.sip %fd.sport %fd.cip %fd.cport %fd.lip %fd.rip %fd.lport %fd.rport %fd.is_server"
            + " %fd.connected";
    private static final String CALLS = "evt.type in (socket, bind, connect, sendto, recvfrom, sendmsg, recvmsg, read,"
            + " write, close)";

    // the servers are bound before "ready"; the workload stays a few seconds after its datagrams so the capture's
    // /proc scan (made once its programs are attached) finds it alive with its sockets
    private static final String LISTED = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); P = s.getsockname()[1]",
            "s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(('::1', 0)); P6 = s6.getsockname()[1]",
            "m = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); m.bind(('::', 0)); M = m.getsockname()[1]",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "time.sleep(1)",
            "c1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "c2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "c3 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c3.connect(('127.0.0.1', P))",
            "for i in range(2):",
            "    c1.sendto(b'ping', ('127.0.0.1', P)); data, addr = s.recvfrom(100); s.sendto(b'pong', addr); c1.recvfrom(100)",
            "    c2.sendmsg([b'ping'], [], 0, ('127.0.0.1', P)); data, anc, fl, addr = s.recvmsg(100)",
            "    s.sendmsg([b'pong'], [], 0, addr); c2.recvmsg(100)",
            "    os.write(c3.fileno(), b'ping'); os.read(s.fileno(), 100); s.sendto(b'pong', c3.getsockname()); os.read(c3.fileno(), 100)",
            "d1 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "for i in range(2):",
            "    d1.sendto(b'ping', ('::1', P6)); data, addr = s6.recvfrom(100); s6.sendto(b'pong', addr); d1.recvfrom(100)",
            "e1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "e2 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "for i in range(2):",
            "    e1.sendto(b'ping', ('127.0.0.1', M)); data, addr = m.recvfrom(100); m.sendto(b'pong', addr); e1.recvfrom(100)",
            "    e2.sendto(b'ping', ('::1', M)); data, addr = m.recvfrom(100); m.sendto(b'pong', addr); e2.recvfrom(100)",
            "print(P, M, flush=True)",
            "time.sleep(3)",
            "");

    @Test
    void serversOpenBeforeTheCaptureTakeEachDatagramAsInSysdig(@TempDir Path dir) throws Exception {
        TraceUdp6NameTest.Capture c = TraceUdp6NameTest.capture(dir, LISTED);
        String port = c.printed()[0];
        String mapped = c.printed()[1];
        String filter = CALLS + " and proc.pid=" + c.pid();
        List<String> sysdig = TraceUdp6NameTest.same(c, "-p", FIELDS, filter);
        // the oracle saw what the test is about: the IPv4 server listed before the capture, named by its first datagram
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" recvfrom fd=3(<4u>127.0.0.1:" + port + ") ")),
                "sysdig knows the server from the capture's fd list: " + String.join("\n", sysdig));
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" recvmsg res=4 ") && l.contains("->127.0.0.1:" + port + " ipv4 4 udp ")),
                "sysdig applies a datagram's tuple to the listed server: " + String.join("\n", sysdig));
        // and an IPv6 tuple on the socket on :: that an IPv4-mapped one made IPv4: read as IPv4
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" recvfrom res=4 data=ping tuple=::1:") && l.contains("->:::" + mapped + " ")
                        && l.contains(" 0.0.0.0:0->0.0.0.0:0 ipv4 4 udp ")),
                "sysdig keeps the IPv4 type under an IPv6 tuple: " + String.join("\n", sysdig));
        TraceUdp6NameTest.same(c, filter);
        TraceUdp6NameTest.same(c, "-j", filter);
        TraceUdp6NameTest.same(c, "-p", "%evt.num %evt.type %fd.num", "fd.sport=" + port + " and proc.pid=" + c.pid());
    }
}
