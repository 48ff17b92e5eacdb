package io.boxscope.tools.tcpconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * tcpconnect -p SELF on N loopback connects of this JVM to a port it listens on (IPv4 and IPv6), and
 * -P with another port: exactly those connects, with destination address and port.
 */
@KernelTest
class TcpconnectTest {
    static final int N = 5;
    static final int SELF = (int) ProcessHandle.current().pid();

    static void connect(InetAddress to, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(to, port), 5000);
        }
    }

    @Test
    void eachLoopbackConnectWithItsDestination() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket server4 = new ServerSocket(0, 50, v4); ServerSocket server6 = new ServerSocket(0, 50, v6)) {
            List<ConnectEvent> events;
            try (Harness<ConnectEvent> h = new Harness<>(new Tcpconnect(new Tcpconnect.Options(null, Set.of())),
                    ToolTarget.resolve(HostPaths.DEFAULT, SELF, null))) {
                h.awaitStarted();
                for (int i = 0; i < N; i++) {
                    connect(v4, server4.getLocalPort());
                }
                connect(v6, server6.getLocalPort());
                Thread.sleep(300);
                events = h.stop();
            }
            List<ConnectEvent> ours = events.stream()
                    .filter(e -> e.dport() == server4.getLocalPort() || e.dport() == server6.getLocalPort()).toList();
            assertEquals(N + 1, ours.size(), events::toString);
            for (int i = 0; i < N; i++) {
                ConnectEvent e = ours.get(i);
                assertEquals(List.of(SELF, 4, "127.0.0.1", "127.0.0.1", server4.getLocalPort()),
                        List.of(e.pid(), e.ipVersion(), e.saddr(), e.daddr(), e.dport()));
            }
            ConnectEvent e = ours.get(N);
            assertEquals(List.of(SELF, 6, "::1", "::1", server6.getLocalPort()), List.of(e.pid(), e.ipVersion(), e.saddr(), e.daddr(), e.dport()));
        }
    }

    @Test
    void portFilterKeepsOnlyThosePorts() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        try (ServerSocket a = new ServerSocket(0, 50, v4); ServerSocket b = new ServerSocket(0, 50, v4)) {
            List<ConnectEvent> events;
            try (Harness<ConnectEvent> h = new Harness<>(new Tcpconnect(new Tcpconnect.Options(null, Set.of(b.getLocalPort()))),
                    ToolTarget.resolve(HostPaths.DEFAULT, SELF, null))) {
                h.awaitStarted();
                for (int i = 0; i < N; i++) {
                    connect(v4, a.getLocalPort());
                    connect(v4, b.getLocalPort());
                }
                Thread.sleep(300);
                events = h.stop();
            }
            assertEquals(N, events.size(), events::toString);
            events.forEach(e -> assertEquals(b.getLocalPort(), e.dport()));
        }
    }
}
