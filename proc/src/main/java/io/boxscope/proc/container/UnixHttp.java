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

/**
 * The smallest HTTP/1.1 GET over a unix domain socket that the Docker Engine API needs
 * (RFC 9112: status line, headers, Content-Length or chunked body). {@code Connection: close}
 * lets the body end at EOF; a deadline bounds every call.
 */
final class UnixHttp {
    private UnixHttp() {}

    record Response(int status, String body) {}

    static Response get(Path socket, String target, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector sel = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer req = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "User-Agent: boxscope\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no complete answer from " + socket + " within " + timeoutMillis + " ms");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                if (out.size() > 64 << 20) {
                    throw new IOException("answer from " + socket + " is larger than 64 MiB");
                }
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return parse(out.toByteArray());
        }
    }

    static Response parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = all.indexOf("\r\n\r\n");
        if (headEnd < 0 || !all.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response");
        }
        String[] head = all.substring(0, headEnd).split("\r\n");
        String[] statusLine = head[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            throw new IOException("bad HTTP status line: " + head[0]);
        }
        boolean chunked = false;
        for (int k = 1; k < head.length; k++) {
            String h = head[k].toLowerCase(java.util.Locale.ROOT);
            if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
        if (chunked) {
            body = dechunk(body);
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (p < b.length) {
            int eol = indexOfCrlf(b, p);
            if (eol < 0) {
                throw new IOException("truncated chunked body");
            }
            String sizeText = new String(b, p, eol - p, StandardCharsets.US_ASCII).split(";")[0].strip();
            long size;
            try {
                size = Long.parseLong(sizeText, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size '" + sizeText + "'");
            }
            p = eol + 2;
            if (size == 0) {
                break;
            }
            if (size < 0 || size > b.length - p) {
                throw new IOException("truncated or impossible chunk of " + size + " bytes");
            }
            out.write(b, p, (int) size);
            p += (int) size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int k = from; k + 1 < b.length; k++) {
            if (b[k] == '\r' && b[k + 1] == '\n') {
                return k;
            }
        }
        return -1;
    }
}
