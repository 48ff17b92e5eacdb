package io.boxscope.proc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Kernel strings (paths, argv) kept as {@link String}s without losing their bytes: Linux names are bytes, not
 * UTF-8, and the driver writes them to a capture as they are (libs' bpf_val_to_ring copies them unchanged), so
 * {@code -w} must too. {@link #decode} reads valid UTF-8 as usual and each byte of an invalid sequence as the lone
 * surrogate U+DC00 + the byte (U+DC80..U+DCFF: bytes below 0x80 are always valid), the "surrogateescape" scheme of
 * PEP 383; {@link #encode} writes such a character back as its byte and everything else as UTF-8. A lone surrogate
 * never comes out of a UTF-8 decoder otherwise (UTF-8 cannot encode one), so valid text encodes exactly as
 * {@code getBytes(UTF_8)} would. Used by trace (capture files keep a path's bytes) and probe (bpftrace prints a
 * string's bytes as they are, in printf, map keys and values; docs/probe.md, "Strings that are not UTF-8").
 */
public final class RawText {
    private RawText() {}

    /** {@code len} bytes of {@code b} from {@code off}: UTF-8, each byte of an invalid sequence escaped. */
    public static String decode(byte[] b, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            if (r.isOverflow()) { // cannot happen: UTF-8 never makes more chars than bytes
                throw new IllegalStateException("UTF-8 decoded to more characters than bytes");
            }
            for (int i = 0; i < r.length(); i++) {
                out.put((char) (0xdc00 | (in.get() & 0xff)));
            }
        }
        d.flush(out);
        return out.flip().toString();
    }

    /** {@link #decode} of the whole array. */
    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /** The bytes {@code s} was {@link #decode}d from: its escaped bytes as they were, the rest UTF-8. */
    public static byte[] encode(String s) {
        int first = firstEscape(s);
        if (first < 0) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream(s.length() + 8);
        int run = 0;
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a pair: a character above U+FFFF, encoded with its run
            } else if (c >= 0xdc80 && c <= 0xdcff) {
                o.writeBytes(s.substring(run, i).getBytes(StandardCharsets.UTF_8));
                o.write(c & 0xff);
                run = i + 1;
            }
        }
        o.writeBytes(s.substring(run).getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    /** Index of the first lone U+DC80..U+DCFF of {@code s}, or -1 (then it is plain text). */
    private static int firstEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }
}
