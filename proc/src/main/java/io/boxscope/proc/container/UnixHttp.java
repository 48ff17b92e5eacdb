package io.boxscope.proc.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The smallest HTTP/1.1 GET over a unix domain socket that the Docker Engine API needs
 * (RFC 9112: status line, headers, then a body framed by Transfer-Encoding: chunked, by
 * Content-Length, or by the end of the connection, in that order of precedence, section 6.3).
 * One deadline bounds the whole call, connect included: a daemon that hangs, never accepts (its
 * listen backlog full), or keeps the connection open after its answer cannot hang the caller.
 */
final class UnixHttp {
    /** Answers larger than this are refused: a container list is kilobytes. */
    static final int MAX_BYTES = 64 << 20;

    private UnixHttp() {}

    /** Status, headers (names in lower case; a repeated header keeps its values joined by ", "), body. */
    record Response(int status, Map<String, String> headers, String body) {
        Response {
            headers = Map.copyOf(headers);
        }

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    static Response get(Path socket, String target, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (SocketChannel ch = connect(socket, deadline, timeoutMillis);
                Selector sel = Selector.open()) {
            ByteBuffer req = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "User-Agent: boxscope\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            SelectionKey key = ch.register(sel, SelectionKey.OP_WRITE);
            while (req.hasRemaining()) {
                await(sel, socket, deadline, timeoutMillis, "sending the request");
                ch.write(req);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            while (true) {
                int n = ch.read(buf);
                if (n < 0) {
                    return parse(out.toByteArray());
                }
                if (n == 0) {
                    await(sel, socket, deadline, timeoutMillis, "waiting for the answer");
                    continue;
                }
                out.write(buf.array(), 0, buf.position());
                buf.clear();
                if (out.size() > MAX_BYTES) {
                    throw new IOException("the answer of " + socket + " is larger than " + (MAX_BYTES >> 20) + " MiB");
                }
                // The answer may be complete before the daemon closes (it need not honour Connection: close).
                Response done = complete(out.toByteArray());
                if (done != null) {
                    return done;
                }
            }
        }
    }

    /**
     * A non-blocking connect bounded by the deadline. On a unix socket whose listen backlog is full
     * (a daemon that stopped accepting), connect(2) fails at once with EAGAIN instead of waiting
     * (unix(7)); a failed connect closes the channel, so each retry opens a new one.
     */
    private static SocketChannel connect(Path socket, long deadline, long timeoutMillis) throws IOException {
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.configureBlocking(false);
                if (!ch.connect(UnixDomainSocketAddress.of(socket))) {
                    try (Selector sel = Selector.open()) {
                        ch.register(sel, SelectionKey.OP_CONNECT);
                        while (!ch.finishConnect()) {
                            await(sel, socket, deadline, timeoutMillis, "connecting");
                        }
                    }
                }
                return ch;
            } catch (IOException e) {
                ch.close();
                if (!String.valueOf(e.getMessage()).contains("Resource temporarily unavailable")) {
                    throw e;
                }
                if (System.nanoTime() >= deadline) {
                    throw new IOException("cannot connect to " + socket + " within " + timeoutMillis
                            + " ms: the daemon does not accept connections (hung?)");
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + socket, ie);
                }
            }
        }
    }

    private static void await(Selector sel, Path socket, long deadline, long timeoutMillis, String doing) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new IOException("no complete answer from " + socket + " within " + timeoutMillis + " ms ("
                    + doing + "): the daemon is hung or overloaded");
        }
        sel.select(left);
        sel.selectedKeys().clear();
    }

    /** The response once all of it has arrived per its framing, or null if more is to come. */
    static Response complete(byte[] raw) throws IOException {
        Head head = head(raw);
        if (head == null) {
            return null;
        }
        byte[] rest = Arrays.copyOfRange(raw, head.bodyStart, raw.length);
        if (head.chunked) {
            byte[] body = dechunk(rest, false);
            return body == null ? null : head.response(body);
        }
        if (head.contentLength >= 0) {
            return rest.length >= head.contentLength ? head.response(Arrays.copyOf(rest, (int) head.contentLength)) : null;
        }
        return null; // framed by the end of the connection
    }

    /** Parses a response whose connection has ended: everything that will ever arrive is in {@code raw}. */
    static Response parse(byte[] raw) throws IOException {
        Head head = head(raw);
        if (head == null) {
            throw new IOException(raw.length == 0 ? "the daemon closed the connection without answering"
                    : looksLikeHttp(raw) ? "truncated HTTP response (headers never ended)" : "not an HTTP response");
        }
        byte[] rest = Arrays.copyOfRange(raw, head.bodyStart, raw.length);
        if (head.chunked) {
            return head.response(dechunk(rest, true));
        }
        if (head.contentLength >= 0) {
            if (rest.length < head.contentLength) {
                throw new IOException("truncated HTTP response: Content-Length " + head.contentLength + " but the connection ended after "
                        + rest.length + " bytes");
            }
            return head.response(Arrays.copyOf(rest, (int) head.contentLength));
        }
        return head.response(rest);
    }

    private static boolean looksLikeHttp(byte[] raw) {
        return new String(raw, 0, Math.min(raw.length, 7), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.");
    }

    private record Head(int status, Map<String, String> headers, int bodyStart, boolean chunked, long contentLength) {
        Response response(byte[] body) {
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    /** Status line and headers, or null while they have not all arrived. */
    private static Head head(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (end < 0) {
            if (raw.length >= 7 && !looksLikeHttp(raw)) {
                throw new IOException("not an HTTP response");
            }
            return null;
        }
        String text = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response");
        }
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            throw new IOException("bad HTTP status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int k = 1; k < lines.length; k++) {
            int colon = lines[k].indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad HTTP header line: " + lines[k]);
            }
            String name = lines[k].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[k].substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        boolean chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        long length = -1;
        if (!chunked && headers.containsKey("content-length")) {
            length = contentLength(headers.get("content-length"));
        }
        return new Head(status, headers, end + 4, chunked, length);
    }

    /**
     * RFC 9112 section 6.3: a Content-Length that is not a number, or a list of differing numbers,
     * is unrecoverable; identical repeated values are accepted.
     */
    private static long contentLength(String value) throws IOException {
        long found = -1;
        for (String part : value.split(",")) {
            String p = part.strip();
            if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IOException("bad Content-Length '" + value + "' in the daemon's answer");
            }
            long n = Long.parseLong(p);
            if (found >= 0 && n != found) {
                throw new IOException("conflicting Content-Length values '" + value + "' in the daemon's answer");
            }
            found = n;
        }
        if (found > MAX_BYTES) {
            throw new IOException("the daemon announces " + found + " bytes (Content-Length): more than " + (MAX_BYTES >> 20) + " MiB");
        }
        return found;
    }

    /**
     * Decodes a chunked body (RFC 9112 section 7.1). Returns null if it is incomplete and
     * {@code atEnd} is false (more may arrive); throws if it is malformed, or incomplete at the end.
     */
    private static byte[] dechunk(byte[] b, boolean atEnd) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (true) {
            int eol = indexOf(b, new byte[] {'\r', '\n'}, p);
            if (eol < 0) {
                return incomplete(atEnd);
            }
            String sizeText = new String(b, p, eol - p, StandardCharsets.US_ASCII).split(";")[0].strip();
            if (sizeText.isEmpty() || sizeText.length() > 8 || !sizeText.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IOException("bad chunk size '" + sizeText + "'");
            }
            long size = Long.parseLong(sizeText, 16);
            p = eol + 2;
            if (size == 0) {
                // Trailer section: header lines until an empty line.
                while (true) {
                    int t = indexOf(b, new byte[] {'\r', '\n'}, p);
                    if (t < 0) {
                        return incomplete(atEnd);
                    }
                    if (t == p) {
                        return out.toByteArray();
                    }
                    p = t + 2;
                }
            }
            if (size > MAX_BYTES) {
                throw new IOException("impossible chunk of " + size + " bytes");
            }
            if (size + 2 > b.length - p) {
                return incomplete(atEnd);
            }
            if (b[p + (int) size] != '\r' || b[p + (int) size + 1] != '\n') {
                throw new IOException("chunk of " + size + " bytes is not followed by CRLF");
            }
            out.write(b, p, (int) size);
            p += (int) size + 2;
        }
    }

    private static byte[] incomplete(boolean atEnd) throws IOException {
        if (atEnd) {
            throw new IOException("truncated chunked body: the connection ended before the last chunk");
        }
        return null;
    }

    private static int indexOf(byte[] b, byte[] what, int from) {
        outer:
        for (int k = from; k + what.length <= b.length; k++) {
            for (int j = 0; j < what.length; j++) {
                if (b[k + j] != what[j]) {
                    continue outer;
                }
            }
            return k;
        }
        return -1;
    }
}
