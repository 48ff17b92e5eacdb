package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import io.boxscope.proc.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker API client against a real unix-socket server that misbehaves the ways a daemon can:
 * hangs, stops accepting, keeps the connection open after its answer, lies in Content-Length.
 * The guard against hanging ({@code assertTimeoutPreemptively}) is far above the client's own
 * timeout: it only turns a hang into a failure, it measures nothing.
 */
class UnixHttpServerTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final String BODY = Fixtures.text("docker/containers-json.json");

    /** What the fake daemon does with one connection, after reading the request head. */
    interface Behaviour {
        void serve(SocketChannel client, String request) throws Exception;
    }

    /** A unix-socket server on a temporary path, one thread per connection; records request heads. */
    static final class FakeDaemon implements AutoCloseable {
        final Path socket;
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final ServerSocketChannel server;
        private final CountDownLatch closing = new CountDownLatch(1);
        private final Thread acceptor;

        FakeDaemon(Path dir, Behaviour behaviour) throws IOException {
            socket = dir.resolve("daemon.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            acceptor = Thread.ofVirtual().start(() -> {
                while (true) {
                    SocketChannel c;
                    try {
                        c = server.accept();
                    } catch (IOException e) {
                        return; // closed
                    }
                    Thread.ofVirtual().start(() -> {
                        try (c) {
                            String head = readHead(c);
                            requests.add(head);
                            behaviour.serve(c, head);
                        } catch (Exception e) {
                            // the client went away: nothing to do
                        }
                    });
                }
            });
        }

        /** Keeps a connection open until the test ends, as a daemon that ignores Connection: close. */
        void holdOpen() throws InterruptedException {
            closing.await();
        }

        @Override
        public void close() throws Exception {
            closing.countDown();
            server.close();
            acceptor.join(HANG_GUARD);
        }

        private static String readHead(SocketChannel c) throws IOException {
            StringBuilder sb = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (!sb.toString().endsWith("\r\n\r\n")) {
                one.clear();
                if (c.read(one) < 0) {
                    break;
                }
                sb.append((char) one.get(0));
            }
            return sb.toString();
        }
    }

    private static void send(SocketChannel c, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static String ok(String headers, String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body;
    }

    @Test
    void aDaemonThatAcceptsButNeverAnswersTimesOut(@TempDir Path dir) throws Exception {
        FakeDaemon[] d = new FakeDaemon[1];
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> d[0].holdOpen())) {
            d[0] = daemon;
            IOException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> assertThrows(IOException.class, () -> UnixHttp.get(daemon.socket, "/_ping", 300)));
            assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        }
    }

    /**
     * A daemon that stopped accepting: its listen backlog fills up, and a blocking connect(2) would
     * wait for ever. The client must give up at its deadline.
     */
    @Test
    void aDaemonThatNeverAcceptsTimesOutInConnect(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("full.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock), 1);
            // Fill the backlog: non-blocking connects succeed until the queue is full, then fail with EAGAIN.
            for (int i = 0; i < 64; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.configureBlocking(false);
                queued.add(c);
                try {
                    c.connect(UnixDomainSocketAddress.of(sock));
                } catch (IOException full) {
                    break;
                }
            }
            assertTrue(queued.size() < 64, "the backlog never filled up");
            IOException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> assertThrows(IOException.class, () -> UnixHttp.get(sock, "/_ping", 300)));
            assertTrue(e.getMessage().contains("cannot connect") && e.getMessage().contains("300 ms"), e.getMessage());
        } finally {
            for (SocketChannel c : queued) {
                c.close();
            }
        }
    }

    /** Content-Length ends the answer: the client must not wait for a close that does not come. */
    @Test
    void contentLengthEndsTheAnswerOnAConnectionLeftOpen(@TempDir Path dir) throws Exception {
        FakeDaemon[] d = new FakeDaemon[1];
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> {
            send(c, ok("Content-Length: " + BODY.getBytes(StandardCharsets.UTF_8).length + "\r\n", BODY));
            d[0].holdOpen();
        })) {
            d[0] = daemon;
            UnixHttp.Response r = assertTimeoutPreemptively(HANG_GUARD, () -> UnixHttp.get(daemon.socket, "/containers/json", 10_000));
            assertEquals(200, r.status());
            assertEquals(BODY, r.body());
            assertTrue(daemon.requests.getFirst().startsWith("GET /containers/json HTTP/1.1\r\n"), daemon.requests.toString());
        }
    }

    @Test
    void chunkedAnswerOnAConnectionLeftOpen(@TempDir Path dir) throws Exception {
        FakeDaemon[] d = new FakeDaemon[1];
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> {
            send(c, ok("Transfer-Encoding: chunked\r\n", "a\r\n" + BODY.substring(0, 10) + "\r\n"));
            Thread.sleep(50); // the rest in a second write: the client must join the pieces
            String rest = BODY.substring(10);
            send(c, Integer.toHexString(rest.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + rest + "\r\n0\r\n\r\n");
            d[0].holdOpen();
        })) {
            d[0] = daemon;
            UnixHttp.Response r = assertTimeoutPreemptively(HANG_GUARD, () -> UnixHttp.get(daemon.socket, "/containers/json", 10_000));
            assertEquals(BODY, r.body());
        }
    }

    /** Bytes after Content-Length are not the body (RFC 9112 section 6.3). */
    @Test
    void bytesBeyondContentLengthAreNotTheBody(@TempDir Path dir) throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> send(c, ok("Content-Length: 2\r\n", "[]garbage")))) {
            assertEquals("[]", assertTimeoutPreemptively(HANG_GUARD, () -> UnixHttp.get(daemon.socket, "/x", 10_000)).body());
        }
    }

    @Test
    void anAnswerShorterThanItsContentLengthIsAnError(@TempDir Path dir) throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> send(c, ok("Content-Length: 100\r\n", "[{\"Id\":")))) {
            IOException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> assertThrows(IOException.class, () -> UnixHttp.get(daemon.socket, "/x", 10_000)));
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("100"), e.getMessage());
        }
    }

    @Test
    void badContentLengthsAreErrors(@TempDir Path dir) throws Exception {
        for (String bad : List.of("abc", "-1", "2, 3", "", "99999999999999999999")) {
            Path sub = java.nio.file.Files.createTempDirectory(dir, "d");
            try (FakeDaemon daemon = new FakeDaemon(sub, (c, req) -> send(c, ok("Content-Length: " + bad + "\r\n", "[]")))) {
                IOException e = assertTimeoutPreemptively(HANG_GUARD,
                        () -> assertThrows(IOException.class, () -> UnixHttp.get(daemon.socket, "/x", 10_000)), bad);
                assertTrue(e.getMessage().contains("Content-Length"), bad + ": " + e.getMessage());
            }
        }
        // The same value twice is one value (RFC 9112 section 6.3).
        try (FakeDaemon daemon = new FakeDaemon(java.nio.file.Files.createTempDirectory(dir, "d"),
                (c, req) -> send(c, ok("Content-Length: 2\r\nContent-Length: 2\r\n", "[]")))) {
            assertEquals("[]", assertTimeoutPreemptively(HANG_GUARD, () -> UnixHttp.get(daemon.socket, "/x", 10_000)).body());
        }
    }

    @Test
    void aDaemonThatClosesWithoutAnsweringIsAnError(@TempDir Path dir) throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(dir, (c, req) -> { })) {
            IOException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> assertThrows(IOException.class, () -> UnixHttp.get(daemon.socket, "/x", 10_000)));
            assertTrue(e.getMessage().contains("without answering"), e.getMessage());
        }
    }

    /** The lookup asks in the version the daemon's /_ping names, never newer than the pinned one. */
    @Test
    void lookupPinsTheApiVersion(@TempDir Path dir) throws Exception {
        for (String[] c : new String[][] {{"1.41", "/v1.41/containers/json"}, {"1.52", "/v" + RuntimeApis.API_VERSION + "/containers/json"},
                {"", "/v" + RuntimeApis.FALLBACK_VERSION + "/containers/json"}}) {
            String server = c[0];
            try (FakeDaemon daemon = new FakeDaemon(java.nio.file.Files.createTempDirectory(dir, "d"), (ch, req) -> {
                if (req.startsWith("GET /_ping ")) {
                    send(ch, "HTTP/1.1 200 OK\r\n" + (server.isEmpty() ? "" : "Api-Version: " + server + "\r\n") + "Content-Length: 2\r\n\r\nOK");
                } else {
                    send(ch, ok("Content-Length: " + BODY.getBytes(StandardCharsets.UTF_8).length + "\r\n", BODY));
                }
            })) {
                RuntimeApis.Lookup l = assertTimeoutPreemptively(HANG_GUARD, () -> new RuntimeApis(List.of(daemon.socket)).lookup());
                assertEquals(List.of(), l.notices());
                assertEquals("t1", l.byId().values().iterator().next().name());
                assertEquals(2, daemon.requests.size(), daemon.requests.toString());
                assertTrue(daemon.requests.get(1).startsWith("GET " + c[1] + " HTTP/1.1"), server + ": " + daemon.requests);
            }
        }
    }

    /** A refusal is one notice with the daemon's own message; a hung daemon is one notice, not a hang. */
    @Test
    void refusalsAndHangsAreNotices(@TempDir Path dir) throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(java.nio.file.Files.createTempDirectory(dir, "d"), (ch, req) -> {
            if (req.startsWith("GET /_ping ")) {
                send(ch, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK");
            } else {
                String msg = "{\"message\":\"client version 1.41 is too old. Minimum supported API version is 1.44\"}";
                send(ch, "HTTP/1.1 400 Bad Request\r\nContent-Length: " + msg.length() + "\r\n\r\n" + msg);
            }
        })) {
            RuntimeApis.Lookup l = new RuntimeApis(List.of(daemon.socket)).lookup();
            assertEquals(1, l.notices().size(), l.notices().toString());
            assertTrue(l.notices().getFirst().contains("HTTP 400") && l.notices().getFirst().contains("Minimum supported API version is 1.44"),
                    l.notices().getFirst());
        }
        FakeDaemon[] d = new FakeDaemon[1];
        try (FakeDaemon daemon = new FakeDaemon(java.nio.file.Files.createTempDirectory(dir, "d"), (ch, req) -> d[0].holdOpen())) {
            d[0] = daemon;
            RuntimeApis.Lookup l = assertTimeoutPreemptively(HANG_GUARD, () -> new RuntimeApis(List.of(daemon.socket)).lookup());
            assertEquals(1, l.notices().size(), l.notices().toString());
            assertTrue(l.notices().getFirst().contains("showing ids"), l.notices().getFirst());
            // The docker group is root by another name: never advise joining it.
            assertFalse(l.notices().getFirst().contains("docker group"), l.notices().getFirst());
        }
    }
}
