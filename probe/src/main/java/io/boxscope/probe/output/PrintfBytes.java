package io.boxscope.probe.output;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code printf} compiled for its record layout: formats one ring-buffer record straight into a
 * {@link TextBuffer}, byte for byte what {@link Printf#apply} of the decoded values followed by UTF-8
 * encoding gives (bpftrace's text output), without the per-record values, Strings and encoder. Only formats
 * whose arguments are integers and strings in the record take this path ({@link #compile} returns null for
 * the others: {@code %c}, {@code %p}, buffers, resolved values, a NUL in the format); the reader drains a
 * printf-per-event program several times faster this way (docs/benchmarks.md, issue 12's printf row).
 */
public final class PrintfBytes {
    /** Where one argument is in the record, and what it is. */
    public sealed interface Arg {}

    /** An integer stored as 8 bytes at {@code offset}, of {@code width} bits (8, 16, 32, 64) as the value's type says. */
    public record IntArg(int offset, int width, boolean signed) implements Arg {}

    /** A string of at most {@code bytes} bytes at {@code offset}, ended by a NUL if shorter. */
    public record StrArg(int offset, int bytes) implements Arg {}

    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final byte[][] before;
    private final CFormat.Spec[] specs;
    private final byte[][] after;
    private final Arg[] args;
    private final byte[] tail;
    private final byte[] digits = new byte[24];

    private PrintfBytes(byte[][] before, CFormat.Spec[] specs, byte[][] after, Arg[] args, byte[] tail) {
        this.before = before;
        this.specs = specs;
        this.after = after;
        this.args = args;
        this.tail = tail;
    }

    /**
     * The compiled form of {@code format} with {@code args}, or null when this path does not format it (then
     * {@link Printf#apply} does, and throws where bpftrace refuses the arguments).
     */
    public static PrintfBytes compile(String format, List<? extends Arg> args) {
        Printf printf = new Printf(format);
        List<String> pieces = printf.pieces();
        if (pieces.size() != args.size() || printf.tail().indexOf('\0') >= 0) {
            return null;
        }
        int n = args.size();
        byte[][] before = new byte[n][];
        byte[][] after = new byte[n][];
        CFormat.Spec[] specs = new CFormat.Spec[n];
        for (int i = 0; i < n; i++) {
            Arg arg = args.get(i);
            String want = printf.argumentType(i);
            if (!(arg instanceof IntArg ia && want.equals("integer") && ia.width() == widthOf(ia.width()))
                    && !(arg instanceof StrArg && want.equals("string"))) {
                return null;
            }
            // the walk of CFormat.apply: the piece's first conversion takes the argument, %% is a percent
            // sign, text that does not parse is kept, and a later conversion is kept as written
            String piece = pieces.get(i);
            if (piece.indexOf('\0') >= 0) {
                return null; // Printf.apply cuts a piece at a NUL
            }
            StringBuilder text = new StringBuilder();
            int k = 0;
            while (k < piece.length()) {
                char ch = piece.charAt(k);
                CFormat.Spec spec = ch == '%' ? CFormat.Spec.parse(piece, k) : null;
                if (spec == null) {
                    text.append(ch);
                    k++;
                } else if (spec.conversion == '%') {
                    text.append('%');
                    k = spec.end;
                } else if (specs[i] == null) {
                    boolean fits = arg instanceof IntArg ? spec.integerConversion() || spec.conversion == 'c' : spec.conversion == 's';
                    if (!fits) {
                        return null;
                    }
                    specs[i] = spec;
                    before[i] = text.toString().getBytes(StandardCharsets.UTF_8);
                    text.setLength(0);
                    k = spec.end;
                } else {
                    text.append(piece, k, spec.end);
                    k = spec.end;
                }
            }
            if (specs[i] == null) {
                return null;
            }
            after[i] = text.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new PrintfBytes(before, specs, after, args.toArray(new Arg[0]), printf.tail().getBytes(StandardCharsets.UTF_8));
    }

    private static int widthOf(int w) {
        return w == 8 || w == 16 || w == 32 || w == 64 ? w : -1;
    }

    /** Appends the line of the record {@code rec} (the whole record: its length bounds the strings). */
    public void write(byte[] rec, TextBuffer out) {
        for (int i = 0; i < args.length; i++) {
            out.bytes(before[i]);
            boolean ended = false;
            switch (args[i]) {
                case IntArg a -> {
                    if (specs[i].conversion == 'c') {
                        ended = specs[i].charBytes((long) U64.get(rec, a.offset()), out);
                    } else {
                        specs[i].integerBytes(Value.Int.normalize((long) U64.get(rec, a.offset()), a.width(), a.signed()), out, digits);
                    }
                }
                case StrArg s -> {
                    int max = Math.min(s.bytes(), rec.length - s.offset());
                    int n = 0;
                    while (n < max && rec[s.offset() + n] != 0) {
                        n++;
                    }
                    specs[i].stringBytes(rec, s.offset(), n, out);
                }
            }
            if (!ended) {
                out.bytes(after[i]);
            }
        }
        out.bytes(tail);
        out.full();
    }
}
