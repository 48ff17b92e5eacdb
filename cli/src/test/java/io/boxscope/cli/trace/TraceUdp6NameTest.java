package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 sockets named and answered as sysdig names them (issue 13), on a python workload captured with
 * {@code trace -w FILE} and read back by {@code trace -r FILE} and {@code sysdig -r FILE} (0.29, the oracle), which must
 * print the same lines: a line of 15 fd fields, the default line and {@code -j}, and a filter on the server fields.
 * <ul>
 * <li>A UDP server bound to {@code ::1} and a client exchanging datagrams with sendto/recvfrom: sinsp's parse_bind_exit
 * makes the server socket SCAP_FD_IPV6_SERVSOCK and update_fd changes the type only for IPv4 tuples, so it stays a server
 * socket after its datagrams, named after each datagram's tuple as it is, its fd.sip/fd.sport its server info (which
 * the tuple overwrote in the union), never connected. Before, Boxscope made it a client/server IPv6 socket and named
 * it with the port's bytes as an address ({@code ::1:C->94b0:300:::P}): 13 of 50 lines of the fd fields differed.</li>
 * <li>AF_INET6 sockets talking to {@code ::ffff:127.0.0.1}, UDP (a server bound to {@code ::}, a client with sendto, a
 * connected client) and TCP (connect and accept): sinsp treats an IPv4-mapped or zero ({@code ::}) address as IPv4
 * (is_ipv4_mapped_ipv6), makes the sockets IPv4 ones and prints the tuples as IPv4; a connected AF_INET6 socket has no
 * protocol in the IPv4 view of its memory, so sysdig names it {@code <unknown>}. Before, Boxscope kept them IPv6: 44 of
 * 70 lines differed.</li>
 * </ul>
 */
@KernelTest
class TraceUdp6NameTest {
    private static final String FIELDS = "*%evt.num %proc.name %evt.type %evt.info %fd.name %fd.type %fd.typechar"
            + " %fd.l4proto %fd.sip %fd.sport %fd.cip %fd.cport %fd.lip %fd.rip %fd.is_server %fd.connected";
    private static final String CALLS = "evt.type in (socket, bind, connect, accept, accept4, listen, sendto, recvfrom,"
            + " sendmsg, recvmsg, close)";

    private static final String V6 = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "t = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); t.bind(('::1', 0)); P = t.getsockname()[1]; t.close()",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('::1', P))",
            "c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "for i in range(3):",
            "    c.sendto(b'ping', ('::1', P)); data, addr = s.recvfrom(100); s.sendto(b'pong', addr); c.recvfrom(100)",
            "print(P, c.getsockname()[1], flush=True)",
            "");

    @Test
    void ipv6BoundServerStaysAServerSocketAsInSysdig(@TempDir Path dir) throws Exception {
        Capture c = capture(dir, V6);
        String port = c.printed()[0];
        String client = c.printed()[1];
        List<String> sysdig = SysdigRead.lines(c.file(), "-p", FIELDS, CALLS + " and proc.pid=" + c.pid());
        // socket, bind, socket; 3 rounds of 4 calls; 2 closes (each an enter and an exit)
        assertEquals(2 * (3 + 3 * 4 + 2), sysdig.size(), String.join("\n", sysdig));
        String named = " ::1:" + client + "->::1:" + port + " ipv6 6 udp ::1 " + port + " <NA> 0 <NA> <NA> true false";
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" recvfrom res=4 data=ping ") && l.endsWith(named)),
                "sysdig names the bound server after the datagram's tuple and keeps it a server socket: " + sysdig);
        sameInEachFormat(c);
        List<String> servers = same(c, "-p", "%evt.num %evt.type %fd.num",
                "fd.is_server=true and fd.sip=::1 and fd.sport=" + port + " and fd.cport=0 and proc.pid=" + c.pid());
        assertTrue(servers.size() >= 12, "the server socket's events, before and after its datagrams: " + servers);
    }

    private static final String MAPPED = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "t = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); t.bind(('::', 0)); P = t.getsockname()[1]; t.close()",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('::', P))",
            "c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
            "for i in range(2):",
            "    c.sendto(b'ping', ('::ffff:127.0.0.1', P)); data, addr = s.recvfrom(100); s.sendto(b'pong', addr); c.recvfrom(100)",
            "u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.connect(('::ffff:127.0.0.1', P)); u.send(b'x'); s.recvfrom(100)",
            "l = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); l.bind(('::', 0)); l.listen(1); T = l.getsockname()[1]",
            "k = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); k.connect(('::ffff:127.0.0.1', T))",
            "a, _ = l.accept()",
            "k.send(b'hello'); a.recv(100); a.send(b'world'); k.recv(100)",
            "a.close(); k.close(); l.close()",
            "print(P, T, flush=True)",
            "");

    @Test
    void ipv4MappedAddressesMakeIpv4SocketsAsInSysdig(@TempDir Path dir) throws Exception {
        Capture c = capture(dir, MAPPED);
        String udp = c.printed()[0];
        String tcp = c.printed()[1];
        List<String> sysdig = SysdigRead.lines(c.file(), "-p", FIELDS, CALLS + " and proc.pid=" + c.pid());
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" bind res=0 addr=:::" + udp + " ")
                        && l.endsWith(" :::" + udp + " ipv4 4 udp 0.0.0.0 " + udp + " <NA> 0 <NA> <NA> true false")),
                "sysdig makes a socket bound to :: an IPv4 server socket: " + sysdig);
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" connect res=0 tuple=127.0.0.1:") && l.contains("->127.0.0.1:" + tcp + " ")
                        && l.contains(" <unknown> ipv4 4 <NA> 127.0.0.1 " + tcp + " 127.0.0.1 ")),
                "sysdig prints the mapped tuple as IPv4 and names the connected socket <unknown>: " + sysdig);
        assertTrue(sysdig.stream().anyMatch(l -> l.contains(" accept fd=") && l.contains(" ipv4 4 tcp 127.0.0.1 " + tcp + " ")),
                "the accepted socket is an IPv4 TCP one: " + sysdig);
        sameInEachFormat(c);
        List<String> servers = same(c, "-p", "%evt.num %evt.type %fd.num",
                "fd.sip=0.0.0.0 and fd.sport=" + udp + " and fd.type=ipv4 and proc.pid=" + c.pid());
        assertTrue(servers.size() >= 4, "the server on :: answers as an IPv4 one: " + servers);
        List<String> unknown = same(c, "-p", "%evt.num %evt.type %fd.num", "fd.name=<unknown> and proc.pid=" + c.pid());
        assertTrue(unknown.size() >= 8, "the two connected AF_INET6 sockets: " + unknown);
    }

    /** The socket calls of the workload: the fields above, the default line and JSON, each as sysdig -r prints them. */
    private static void sameInEachFormat(Capture c) throws Exception {
        String filter = CALLS + " and proc.pid=" + c.pid();
        same(c, "-p", FIELDS, filter);
        // fd.name_changed (true where the call named the socket: a datagram to a new address, a connect, an accept) and
        // the host names a filter comparison resolved (sinsp_dns_manager: from then on the fields' value)
        same(c, "-p", FIELDS + " %fd.name_changed %fd.cip.name %fd.sip.name %fd.lip.name %fd.rip.name",
                "(fd.sip.name=localhost or fd.cip.name in (::1, 127.0.0.1) or evt.num>0) and " + filter);
        same(c, filter);
        same(c, "-j", filter);
    }

    /** {@code trace -r FILE ARGS} prints what {@code sysdig -r FILE ARGS} prints; sysdig's lines. */
    static List<String> same(Capture c, String... args) throws Exception {
        List<String> sysdig = SysdigRead.lines(c.file(), args);
        String[] ours = new String[args.length + 3];
        ours[0] = "trace";
        ours[1] = "-r";
        ours[2] = c.file().toString();
        System.arraycopy(args, 0, ours, 3, args.length);
        Cli r = Cli.run(ours);
        assertEquals(0, r.code(), r.err());
        assertEquals(sysdig, r.out().lines().toList(), "trace -r " + String.join(" ", args) + " prints sysdig -r's lines");
        return sysdig;
    }

    record Capture(Path file, long pid, String[] printed) {}

    /** Runs {@code script} under {@code trace -w} of its pid; what it printed last, split at spaces. */
    static Capture capture(Path dir, String script) throws Exception {
        try (PythonCapture child = PythonCapture.start("-c", script, dir.toString())) {
            Path file = dir.resolve("udp6.scap");
            String[] last = new String[1];
            child.write(file, () -> {
                Files.createFile(dir.resolve("go"));
                last[0] = child.line();
                assertTrue(last[0] != null && last[0].matches("\\d+ \\d+"), "the workload failed: " + last[0]);
                child.awaitExit(30);
            }, "-M", "20");
            return new Capture(file, child.pid(), last[0].split(" "));
        }
    }
}
