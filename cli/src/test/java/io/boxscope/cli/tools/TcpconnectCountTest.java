package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code tcpconnect -c -p SELF}: this JVM connects to a loopback port it listens on while the tool
 * runs, and the summary has that one flow, as libbpf-tools prints it (a blank line, the LADDR RADDR
 * RPORT CONNECTS header, rows in 25/25/20/10 columns) or, with --json, one object per flow. How many
 * connects fall inside the trace is not known exactly (the probe attaches while they run): at least
 * one, at most those made.
 */
@KernelTest
class TcpconnectCountTest {
    static final String SELF = Long.toString(ProcessHandle.current().pid());

    /** Runs the command while connecting again and again; returns its result and how many connects were made. */
    static Cli runConnecting(ServerSocket server, AtomicInteger made, String... args) throws Exception {
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run(args)));
        t.start();
        while (t.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(server.getLocalSocketAddress(), 1000);
                made.incrementAndGet();
            }
            server.accept().close();
            t.join(50);
        }
        return result.get();
    }

    @Test
    void textTableAsLibbpfTools() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger made = new AtomicInteger();
            Cli r = runConnecting(server, made, "tcpconnect", "-c", "-d", "2", "-p", SELF);
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(3, lines.size(), r.out());
            assertEquals("", lines.get(0));
            assertEquals("LADDR                     RADDR                     RPORT                CONNECTS  ", lines.get(1));
            Matcher m = Pattern.compile("127\\.0\\.0\\.1 {17}127\\.0\\.0\\.1 {17}(\\d+) +(\\d+) *").matcher(lines.get(2));
            assertTrue(m.matches(), lines.get(2));
            assertEquals(server.getLocalPort(), Integer.parseInt(m.group(1)));
            assertEquals(52, lines.get(2).indexOf(m.group(1), 51), "RPORT starts in column 53: " + lines.get(2));
            assertEquals(73, lines.get(2).indexOf(m.group(2), 73), "CONNECTS starts in column 74: " + lines.get(2));
            assertEquals(83, lines.get(2).length(), "CONNECTS is 10 wide: " + lines.get(2));
            long connects = Long.parseLong(m.group(2));
            assertTrue(connects >= 1 && connects <= made.get(), connects + " of " + made.get());
        }
    }

    @Test
    void jsonOneObjectPerFlow() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger made = new AtomicInteger();
            Cli r = runConnecting(server, made, "tcpconnect", "-c", "--json", "-d", "2", "-p", SELF);
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(1, lines.size(), r.out());
            Map<String, Object> o = Json.asObject(Json.parse(lines.get(0)));
            assertEquals(List.of("laddr", "raddr", "rport", "connects"), List.copyOf(o.keySet()));
            assertEquals("127.0.0.1", o.get("laddr"));
            assertEquals("127.0.0.1", o.get("raddr"));
            assertEquals(server.getLocalPort(), ((Number) o.get("rport")).intValue());
            long connects = ((Number) o.get("connects")).longValue();
            assertTrue(connects >= 1 && connects <= made.get(), connects + " of " + made.get());
        }
    }
}
