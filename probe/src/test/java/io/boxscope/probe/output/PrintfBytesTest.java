package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PrintfBytes} formats a printf record as bytes; the reference is the values path it replaces
 * ({@link Output#render} of the decoded values, then UTF-8), whose output the corpus checks against bpftrace
 * 0.17, plus a few lines written out by hand from C's printf rules.
 */
class PrintfBytesTest {
    /** One argument of a test record: an integer (width, signedness, raw 64 bits) or a string's bytes. */
    private record In(PrintfBytes.Arg arg, long bits, byte[] str) {}

    private static In i32(long v) {
        return integer(32, true, v);
    }

    private static In integer(int width, boolean signed, long v) {
        return new In(new PrintfBytes.IntArg(0, width, signed), v, null);
    }

    private static In str(int max, byte[] b) {
        return new In(new PrintfBytes.StrArg(0, max), 0, b);
    }

    private static In str(int max, String s) {
        return str(max, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The record: 8 bytes of action id, then each argument in its slot (8 bytes, or the string's max). */
    private static byte[] record(List<In> ins, List<PrintfBytes.Arg> args) {
        int size = 8;
        for (In in : ins) {
            size += in.arg() instanceof PrintfBytes.StrArg s ? s.bytes() : 8;
        }
        ByteBuffer bb = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        int off = 8;
        for (In in : ins) {
            switch (in.arg()) {
                case PrintfBytes.IntArg a -> {
                    bb.putLong(off, in.bits());
                    args.add(new PrintfBytes.IntArg(off, a.width(), a.signed()));
                    off += 8;
                }
                case PrintfBytes.StrArg s -> {
                    bb.put(off, in.str(), 0, Math.min(in.str().length, s.bytes()));
                    args.add(new PrintfBytes.StrArg(off, s.bytes()));
                    off += s.bytes();
                }
            }
        }
        return bb.array();
    }

    /** What the values path prints for the same record (ValueDecoder's reading of it). */
    private static String reference(String format, List<In> ins) {
        List<Value> values = new ArrayList<>();
        for (In in : ins) {
            switch (in.arg()) {
                case PrintfBytes.IntArg a -> values.add(new Value.Int(in.bits(), a.width(), a.signed()));
                case PrintfBytes.StrArg s -> {
                    int n = 0;
                    while (n < Math.min(in.str().length, s.bytes()) && in.str()[n] != 0) {
                        n++;
                    }
                    values.add(new Value.Str(io.boxscope.proc.RawText.decode(in.str(), 0, n))); // as ValueDecoder.cString
                }
            }
        }
        return Output.text().render(new Event.Printf(format, values));
    }

    private static byte[] bytes(String format, In... ins) {
        List<PrintfBytes.Arg> args = new ArrayList<>();
        byte[] rec = record(List.of(ins), args);
        PrintfBytes p = PrintfBytes.compile(format, args);
        assertNotNull(p, format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextBuffer buf = new TextBuffer(out::write, 1 << 16);
        p.write(rec, buf);
        buf.flush();
        byte[] got = out.toByteArray();
        // bytes that are not UTF-8 as RawText keeps them on the values path (TextBuffer.utf8 writes them back)
        assertEquals(reference(format, List.of(ins)), io.boxscope.proc.RawText.decode(got), format);
        assertEquals(java.util.HexFormat.of().formatHex(io.boxscope.proc.RawText.encode(reference(format, List.of(ins)))),
                java.util.HexFormat.of().formatHex(got), format);
        return got;
    }

    private static String text(String format, In... ins) {
        return new String(bytes(format, ins), StandardCharsets.UTF_8);
    }

    @Test
    void linesWrittenOutByHand() {
        assertEquals("42 bash\n", text("%d %s\n", i32(42), str(16, "bash")));
        assertEquals("-7    |   ab|ab   |\n", text("%-6d|%5s|%-5s|\n", i32(-7), str(16, "ab"), str(16, "ab")));
        // %d sees the low 32 bits of a 64-bit value; %u of -1 at 32 bits; %lu the 64 bits
        assertEquals("-1 4294967295 18446744073709551615\n",
                text("%d %u %lu\n", integer(64, false, 0xffffffffL), i32(-1), integer(64, true, -1)));
        assertEquals("0000002a 00042  2A 52\n", text("%08x %.5d %3X %o\n", i32(42), i32(42), i32(42), i32(42)));
        assertEquals("5 %d\n", text("%i %d\n", i32(5))); // the piece's first conversion takes the argument
        assertEquals("100% 3\n", text("100%% %d\n", i32(3)));
    }

    @Test
    void integersAsTheValuesPathPrintsThem() {
        long[] values = {0, 1, -1, 9, 10, 42, -42, 127, 128, 255, 256, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0xffffffffL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -1000000007L, 0x8000000000000001L};
        String[] conversions = {"d", "u", "x", "X", "o", "ld", "lu", "lx", "llu", "lld", "hd", "hu", "hhd", "hhu", "hx",
                "zu", "jd", "td", "5d", "-5d", "05d", "020lu", "-020lx", ".0d", ".3d", "8.3d", "-8.3x", ".0x", ".0o", "1d", "25lld"};
        int[][] types = {{8, 1}, {8, 0}, {16, 1}, {16, 0}, {32, 1}, {32, 0}, {64, 1}, {64, 0}};
        for (String c : conversions) {
            for (int[] t : types) {
                for (long v : values) {
                    bytes("<%" + c + ">\n", integer(t[0], t[1] == 1, v));
                }
            }
        }
        // flags bpftrace does not recognise still reach snprintf before the conversion it does
        for (long v : values) {
            bytes("%+d %d|\n", integer(64, true, v));
            bytes("% d %d|\n", integer(64, true, v));
            bytes("%#o %d|\n", integer(64, false, v));
            bytes("%#x %d|\n", integer(64, false, v));
            bytes("%#X %d|\n", integer(32, false, v));
            bytes("%#.0o %d|\n", integer(32, false, v));
            bytes("%#5.3o %d|\n", integer(32, false, v));
        }
    }

    @Test
    void stringsAsTheValuesPathPrintsThem() {
        byte[][] strings = {
                {}, "a".getBytes(StandardCharsets.US_ASCII), "bash".getBytes(StandardCharsets.US_ASCII),
                "exactly-16-bytes".getBytes(StandardCharsets.US_ASCII),
                "longer than the sixteen bytes".getBytes(StandardCharsets.US_ASCII),
                "caf\u00e9 \u65e5\u672c".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xff, 'x', (byte) 0xc3}, // invalid UTF-8: the bytes as they are (RawText on the values path)
                {'a', (byte) 0xe6, (byte) 0x97, 'z'}, // a cut multi-byte character
                {0x1b, '[', '3', '1', 'm', 0x07, '\n', '\r', 0x7f}, // control characters: raw, as bpftrace writes them
                {'a', 0, 'b'}, // the NUL ends the string
        };
        String[] conversions = {"s", "5s", "-5s", "20s", "-20s", ".2s", ".0s", "8.3s", "-8.3s", ".4s", ".5s", "1s"};
        for (String c : conversions) {
            for (byte[] s : strings) {
                bytes("[%" + c + "]\n", str(16, s));
                bytes("%d [%" + c + "] %s\n", i32(1), str(256, s), str(3, s));
            }
        }
    }

    @Test
    void formatsTheValuesPathKeeps() {
        List<PrintfBytes.Arg> one = List.of(new PrintfBytes.IntArg(8, 64, true));
        // %c is on the byte path (the argument's byte as it is, as C and bpftrace write it: DiffFuzzFindingsTest)
        assertNull(PrintfBytes.compile("%p\n", one));
        assertNull(PrintfBytes.compile("%r\n", one));
        assertNull(PrintfBytes.compile("%s\n", one)); // the values path throws for these
        assertNull(PrintfBytes.compile("%d\n", List.of(new PrintfBytes.StrArg(8, 16))));
        assertNull(PrintfBytes.compile("%d %d\n", one));
        assertNull(PrintfBytes.compile("a\0b %d\n", one)); // Printf.apply cuts the piece at the NUL
        assertNull(PrintfBytes.compile("%d\n", List.of(new PrintfBytes.IntArg(8, 24, true))));
        assertNotNull(PrintfBytes.compile("%d\n", one));
        assertNotNull(PrintfBytes.compile("no arguments\n", List.of()));
        assertEquals("no arguments \u00e9\n", text("no arguments \u00e9\n"));
    }

    /** The buffer hands its bytes on once it holds its limit, after a whole record, and on flush. */
    @Test
    void bufferHandsOnWholeRecords() {
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextBuffer buf = new TextBuffer((b, off, len) -> {
            writes.add(len);
            out.write(b, off, len);
        }, 10);
        List<PrintfBytes.Arg> args = new ArrayList<>();
        byte[] rec = record(List.of(i32(12345)), args);
        PrintfBytes p = PrintfBytes.compile("%d\n", args);
        p.write(rec, buf);
        p.write(rec, buf);
        assertEquals(List.of(12), writes);
        buf.utf8("\u00e9\n");
        assertEquals(3, buf.pending());
        buf.flush();
        buf.flush();
        assertEquals(List.of(12, 3), writes);
        assertEquals("12345\n12345\n\u00e9\n", out.toString(StandardCharsets.UTF_8));
    }
}
