package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unconnected UDP sockets named as sysdig names them after sendto and recvfrom (libsinsp parse_rw_exit → update_fd,
 * set_net_role_by_guessing, swap_addresses): a python server bound to a fixed port on 127.0.0.1 and a client that
 * never binds exchange 3 datagrams with sendto/recvfrom under {@code trace -w FILE}. {@code sysdig -r FILE} (0.29, the
 * oracle) names the server's socket with the port's bytes as its destination address ({@code 127.0.0.1:C->216.202.3.0:P}
 * for port 51928: sinsp's server info lies over the tuple) and swaps a server's sent tuple; {@code trace -r FILE} prints
 * the same lines. (The live view runs the same {@code Inspector}; a second capture at once in the test's JVM printed
 * exits only, without fds, so it is not compared here.) Before, Boxscope named the server's socket {@code 127.0.0.1:C->127.0.0.1:P} and kept that name after the
 * server's sendto, where sysdig turns it round.
 */
@KernelTest
class TraceUdpNameTest {
    private static final String CHILD = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.bind(('127.0.0.1', 0)); P = t.getsockname()[1]; t.close()",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', P))",
            "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "for i in range(3):",
            "    c.sendto(b'ping', ('127.0.0.1', P)); data, addr = s.recvfrom(100); s.sendto(b'pong', addr); c.recvfrom(100)",
            "print(P, c.getsockname()[1], s.fileno(), c.fileno(), flush=True)",
            "");

    @Test
    void datagramSocketsAreNamedAsSysdigNamesThem(@TempDir Path dir) throws Exception {
        try (PythonCapture child = PythonCapture.start("-c", CHILD, dir.toString())) {
            Path file = dir.resolve("udp.scap");
            String format = "%evt.type %evt.dir %fd.num %fd.name";
            String filter = "evt.type in (bind, sendto, recvfrom) and proc.pid=" + child.pid();
            child.write(file, dir.resolve("go"), "-M", "20");
            String[] ids = child.line().split(" ");
            child.awaitExit(30);
            List<String> sysdig = SysdigRead.lines(file, "-p", format, filter);
            // 3 rounds: the client's sendto and recvfrom, the server's recvfrom and sendto, each an enter and an exit
            assertEquals(2 + 3 * 8, sysdig.size(), String.join("\n", sysdig));
            String server = ids[2];
            assertTrue(sysdig.stream().anyMatch(s -> s.startsWith("recvfrom < " + server + " 127.0.0.1:" + ids[1] + "->")),
                    "the server's recvfrom names the client's port first: " + sysdig);
            assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, filter).out().lines().toList(),
                    "trace -r names the sockets as sysdig -r does");
        }
    }

    private static final String BOUND = String.join("\n",
            "import os, sys, time, socket",
            "d = sys.argv[1]",
            "t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.bind(('127.0.0.1', 0)); P = t.getsockname()[1]; t.close()",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', P)); s.setblocking(False)",
            "try: s.recvfrom(100)",
            "except BlockingIOError: pass",
            "s.setblocking(True)",
            "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(('127.0.0.1', P))",
            "for i in range(2):",
            "    c.send(b'ping'); data, addr = s.recvfrom(100); s.connect(addr); s.send(b'pong'); c.recv(100)",
            "print(P, flush=True)",
            "");

    /**
     * A UDP socket bound to a port, before and after its first datagram, and a UDP client and server that call
     * connect(): every fd.* network field and a filter on them as {@code sysdig -r} gives them. sinsp makes the bound
     * socket a server socket (parse_bind_exit), so fd.sip and fd.sport are its address and port, fd.cport 0, fd.is_server
     * true, and its first datagram does not mark it connected; the server's connect swaps the tuple
     * (fill_client_socket_info). Before, Boxscope had no fd.sip/sport/cport/is_server for the bound socket, called it
     * connected after its first datagram and named the server's connected socket after the raw tuple.
     */
    @Test
    void boundAndConnectedDatagramSocketsHaveSysdigsFields(@TempDir Path dir) throws Exception {
        try (PythonCapture child = PythonCapture.start("-c", BOUND, dir.toString())) {
            Path file = dir.resolve("bound.scap");
            child.write(file, dir.resolve("go"), "-M", "20");
            String port = child.line();
            child.awaitExit(30);
            String format = "*%evt.type %evt.dir %fd.num %fd.name %fd.sip %fd.sport %fd.cip %fd.cport %fd.lip %fd.lport %fd.rip"
                    + " %fd.rport %fd.l4proto %fd.sockfamily %fd.is_server %fd.sproto %fd.cproto %fd.connected";
            String filter = "evt.type in (bind, connect, send, recv, recvfrom, sendto) and proc.pid=" + child.pid();
            List<String> sysdig = SysdigRead.lines(file, "-p", format, filter);
            // enter and exit of: the server's bind, the failed recvfrom, the client's connect, and 2 rounds of send,
            // recvfrom, connect, send, recv (python's send and recv are sendto and recvfrom calls)
            assertEquals(2 * (1 + 1 + 1 + 2 * 5), sysdig.size(), String.join("\n", sysdig));
            String bound = " 127.0.0.1:" + port + " 127.0.0.1 " + port + " <NA> 0 <NA> <NA> <NA> <NA> udp ip true   false";
            assertTrue(sysdig.stream().anyMatch(l -> l.startsWith("bind < ") && l.endsWith(bound)),
                    "sysdig answers the bound socket's fields from its server info: " + sysdig);
            assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, filter).out().lines().toList(),
                    "trace -r gives the bound and connected UDP sockets sysdig's fd fields");
            String servers = "fd.is_server=true and fd.sport=" + port + " and fd.cport=0 and fd.sip=127.0.0.1 and " + filter;
            List<String> sysdigServers = SysdigRead.lines(file, "-p", "%evt.type %evt.dir %fd.num", servers);
            assertTrue(sysdigServers.size() >= 4, "sysdig filters the bound socket on its server fields: " + sysdigServers);
            assertEquals(sysdigServers, Cli.run("trace", "-r", file.toString(), "-p", "%evt.type %evt.dir %fd.num", servers)
                    .out().lines().toList(), "the same filter on the same fields");
        }
    }
}
