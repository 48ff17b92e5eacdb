package io.boxscope.tools.tcplife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * tcplife -p SELF on N loopback sessions of this JVM with itself: the client sends SENT bytes, the
 * server answers REPLY bytes, the client closes, then the server. Each session is two sockets that
 * close: the client's (remote port = the server's) and the server's (local port = the server's).
 * Oracles: the workload (ports, addresses, and bytes: the kernel's counters add one for a SYN or FIN
 * acknowledged or received, so each count is the payload plus at most 2) and libbpf-tools' tcplife,
 * which reads the same counters: the same lines but the lifespan.
 */
@KernelTest
class TcplifeTest {
    static final int N = 4;
    static final int SENT = 10_000;
    static final int REPLY = 5_000;
    static final int SELF = (int) ProcessHandle.current().pid();

    static void sessions(ServerSocket server) throws Exception {
        for (int i = 0; i < N; i++) {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 5000);
                try (Socket s = server.accept()) {
                    c.getOutputStream().write(new byte[SENT]);
                    readFully(s.getInputStream(), SENT);
                    s.getOutputStream().write(new byte[REPLY]);
                    readFully(c.getInputStream(), REPLY);
                    c.close();
                    assertEquals(-1, s.getInputStream().read(), "the client's FIN");
                }
            }
        }
    }

    static void readFully(InputStream in, int bytes) throws Exception {
        int got = 0;
        byte[] buf = new byte[65536];
        while (got < bytes) {
            int n = in.read(buf);
            assertTrue(n > 0, "the peer closed early");
            got += n;
        }
    }

    static List<TcpSession> trace(Tcplife.Options options, ServerSocket server) throws Exception {
        try (Harness<TcpSession> h = new Harness<>(new Tcplife(options), ToolTarget.resolve(HostPaths.DEFAULT, SELF, null))) {
            h.awaitStarted();
            sessions(server);
            Thread.sleep(300);
            return h.stop();
        }
    }

    static void assertBytes(long payload, long counted, TcpSession e) {
        assertTrue(counted >= payload && counted <= payload + 2, payload + " bytes counted as " + counted + ": " + e);
    }

    /**
     * 127.0.0.1 as the socket's family writes it: a JVM's sockets are IPv6 ones where the kernel has
     * IPv6 (unless java.net.preferIPv4Stack), connecting to IPv4 through a mapped address, which
     * libbpf-tools prints as is.
     */
    static String loopback(TcpSession e) {
        return e.ipVersion() == 4 ? "127.0.0.1" : "::ffff:127.0.0.1";
    }

    static void assertClient(TcpSession e, int port) {
        assertEquals(List.of(SELF, loopback(e), loopback(e), port), List.of(e.pid(), e.laddr(), e.raddr(), e.rport()));
        assertBytes(SENT, e.txBytes(), e);
        assertBytes(REPLY, e.rxBytes(), e);
    }

    static void assertServer(TcpSession e, int port) {
        assertEquals(List.of(SELF, loopback(e), loopback(e), port), List.of(e.pid(), e.laddr(), e.raddr(), e.lport()));
        assertBytes(REPLY, e.txBytes(), e);
        assertBytes(SENT, e.rxBytes(), e);
    }

    @Test
    void bothEndsOfEachSessionWithTheirBytes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            List<TcpSession> events = trace(Tcplife.Options.all(), server).stream()
                    .filter(e -> e.lport() == port || e.rport() == port).toList();
            assertEquals(2 * N, events.size(), events::toString);
            List<TcpSession> clients = events.stream().filter(e -> e.rport() == port).toList();
            List<TcpSession> servers = events.stream().filter(e -> e.lport() == port).toList();
            assertEquals(N, clients.size(), events::toString);
            assertEquals(N, servers.size(), events::toString);
            clients.forEach(e -> assertClient(e, port));
            servers.forEach(e -> assertServer(e, port));
            for (int i = 0; i < N; i++) {
                assertEquals(clients.get(i).lport(), servers.get(i).rport(), "the two ends of one session");
            }
        }
    }

    @Test
    void remoteAndLocalPortFilters() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            List<TcpSession> remote = trace(new Tcplife.Options(0, Set.of(), Set.of(port)), server);
            assertEquals(N, remote.size(), remote::toString);
            remote.forEach(e -> assertClient(e, port));
            List<TcpSession> local = trace(new Tcplife.Options(0, Set.of(port), Set.of()), server);
            assertEquals(N, local.size(), local::toString);
            local.forEach(e -> assertServer(e, port));
            int other = remote.getFirst().ipVersion() == 4 ? 6 : 4;
            assertEquals(List.of(), trace(new Tcplife.Options(other, Set.of(), Set.of()), server).stream()
                    .filter(e -> e.lport() == port || e.rport() == port).toList(), "-" + other + " drops the other family's sessions");
        }
    }

    /** The same sessions seen by libbpf-tools' tcplife -p SELF: the same lines, but MS. */
    @Test
    void agreesWithLibbpfToolsTcplife() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(server.getLocalPort());
            List<TcpSession> ours;
            List<String> theirs;
            try (PeerTool peer = new PeerTool("RADDR", "/usr/sbin/tcplife", "-p", Integer.toString(SELF))) {
                ours = trace(Tcplife.Options.all(), server);
                Thread.sleep(500);
                theirs = peer.stop().stream().filter(l -> l.contains(" " + port + " ")).map(TcplifeTest::withoutMs).toList();
            }
            List<String> mine = ours.stream().filter(e -> e.lport() == server.getLocalPort() || e.rport() == server.getLocalPort())
                    .map(e -> String.format(Locale.ROOT, "%-7d %-16s %-15s %-5d %-15s %-5d %-6.2f %-6.2f", e.pid(), e.comm(), e.laddr(),
                            e.lport(), e.raddr(), e.rport(), e.txBytes() / 1024.0, e.rxBytes() / 1024.0))
                    .toList();
            assertEquals(2 * N, mine.size(), ours::toString);
            assertEquals(theirs, mine);
        }
    }

    /** A libbpf-tools line without its last column (the lifespan, which differs by when each tool read it). */
    static String withoutMs(String line) {
        return line.substring(0, line.stripTrailing().lastIndexOf(' '));
    }
}
