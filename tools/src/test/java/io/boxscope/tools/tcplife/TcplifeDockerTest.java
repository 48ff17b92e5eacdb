package io.boxscope.tools.tcplife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * tcplife --container X on a server in the container: busybox nc listens (host network; its input a
 * pipe that stays open, so that it closes only after the client), this JVM connects from the host,
 * sends SENT bytes and closes; nc closes then (LAST_ACK, in nc: the session's process). The server's socket was born in the
 * handshake, in softirq context of this JVM's connect, which a filter on the current task misses;
 * tcplife filters on the socket's cgroup. Expected: exactly one session, nc's, on the port, with
 * the bytes received; the host's own client end is not shown.
 */
@DockerTest
class TcplifeDockerTest {
    static final int SENT = 20_000;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theContainersServerSessionAndNotTheHostsClient() throws Exception {
        String name = "boxscope-test-tcplife-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        int port = freePort();
        try (Docker.Container c = Docker.start(name, List.of("--network", "host"), "sh", "-c",
                "sleep 60 | nc -l -p " + port + " > /dev/null; sleep 300")) {
            ToolTarget target = ToolTarget.resolve(HostPaths.DEFAULT, null, name);
            List<TcpSession> events;
            try (Harness<TcpSession> h = new Harness<>(new Tcplife(Tcplife.Options.all()), target)) {
                h.awaitStarted();
                Socket s = connect(port);
                s.getOutputStream().write(new byte[SENT]);
                s.close();
                Thread.sleep(1000);
                events = h.stop().stream().filter(e -> e.lport() == port || e.rport() == port).toList();
            }
            assertEquals(1, events.size(), events::toString);
            TcpSession e = events.getFirst();
            assertEquals(List.of(port, "nc", name), List.of(e.lport(), e.comm(), e.container() == null ? "-" : e.container()), e::toString);
            assertTrue(e.rxBytes() >= SENT && e.rxBytes() <= SENT + 2, e::toString);
        }
    }

    /** nc needs a moment to listen after the container starts. */
    static Socket connect(int port) throws Exception {
        for (int i = 0; ; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return s;
            } catch (java.net.ConnectException refused) {
                s.close();
                if (i == 100) {
                    throw refused;
                }
                Thread.sleep(100);
            }
        }
    }
}
