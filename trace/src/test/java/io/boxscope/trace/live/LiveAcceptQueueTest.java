package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * accept's queuepct, queuelen and queuemax describe the LISTENING socket's accept queue (argument 0), as
 * sysdig 0.29's kernel module reads them (libs e5c53d64 driver/ppm_fillers.c f_sys_accept_x:
 * sockfd_lookup(srvskfd)) and libs' modern probe does (accept.bpf.c, accept4.bpf.c): after the call, what
 * is still queued out of the listen(2) backlog. The accepted socket's own fields (which libs' old eBPF
 * probe read) say nothing about the queue.
 *
 * <p>A python3 child listens on loopback with a backlog of 7; this JVM connects three clients and waits
 * until /proc/net/tcp shows the three on the queue; the child accepts one: two remain, so its accept exit
 * must say {@code queuepct=28 queuelen=2 queuemax=7} (the accepted socket's own fields, read before the
 * fix, said {@code queuepct=0 queuelen=0 queuemax=7}: the clone keeps the listener's maximum); sysdig 0.29 reads the file we write and prints the same. The child, not this JVM, accepts: the live
 * capture leaves out its own process's events, as sysdig does.
 */
@KernelTest
class LiveAcceptQueueTest {
    private static final int BACKLOG = 7;

    /** Listens with the backlog, prints its port, accepts one connection when told to, prints "done". */
    private static final String SERVER = "import socket, sys\n"
            + "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
            + "s.bind(('127.0.0.1', 0)); s.listen(" + BACKLOG + ")\n"
            + "print(s.getsockname()[1], flush=True)\n"
            + "sys.stdin.readline()\n"
            + "a, _ = s.accept()\n"
            + "print('done', flush=True)\n";

    @Test
    void acceptReportsTheListeningSocketsQueue(@TempDir Path dir) throws Exception {
        Process server = new ProcessBuilder("python3", "-c", SERVER).start();
        List<Socket> clients = new ArrayList<>();
        try (LiveCapture cap = LiveCaptureTest.start("proc.pid=" + server.pid() + " and evt.type in (accept, accept4)")) {
            LiveCaptureTest.Running r = new LiveCaptureTest.Running(cap);
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            String first = out.readLine();
            assertTrue(first != null && first.matches("[0-9]+"), "the python3 server did not start listening: " + first);
            int port = Integer.parseInt(first);
            for (int i = 0; i < 3; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (listenQueue(port) != 3) {
                assertTrue(System.nanoTime() < deadline, "the three connections never sat in the accept queue");
                Thread.sleep(10);
            }
            try (OutputStream in = server.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals("done", out.readLine());
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
            r.stop();
            List<String> exits = r.lines.stream().filter(l -> l.matches(".* < accept4? .*")).toList();
            assertEquals(1, exits.size(), String.join("\n", r.lines));
            String line = exits.getFirst();
            assertTrue(line.contains(" queuepct=28 queuelen=2 queuemax=7 "), line);

            Path file = dir.resolve("accept.scap");
            LiveCaptureTest.assertSysdigPrintsTheLiveLines(file, cap, r);
            List<String> theirs = LiveCaptureTest.sysdig(file).stream().filter(l -> l.matches(".* < accept4? .*")).toList();
            assertEquals(1, theirs.size(), String.join("\n", theirs));
            assertTrue(theirs.getFirst().contains(" queuepct=28 queuelen=2 queuemax=7 "), theirs.getFirst());
        } finally {
            for (Socket c : clients) {
                c.close();
            }
            server.destroyForcibly();
        }
    }

    /**
     * The accept queue of the socket listening on {@code port}: /proc/net/tcp's (or tcp6's: the JDK listens on
     * an IPv6 socket bound to the IPv4-mapped address) rx_queue, which for a socket in LISTEN (st 0A) is
     * sk_ack_backlog (net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv6/tcp_ipv6.c get_tcp6_sock); -1 when not listed.
     */
    private static int listenQueue(int port) throws Exception {
        String local = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue ...
                if (f.length > 4 && f[1].endsWith(local) && f[3].equals("0A")) {
                    return Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }
}
