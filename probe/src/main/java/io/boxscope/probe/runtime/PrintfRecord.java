package io.boxscope.probe.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.codegen.Action;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.Value;

/**
 * One {@code printf} record read in place, for a sink that renders it itself ({@link ProbeSink#record}): its
 * integers and strings straight from the ring record's bytes, without the {@link Value}s, lists and Strings of
 * {@link Event.Printf}. The per-event tools write their text lines from it as bytes (tools' {@code RecordLines};
 * docs/benchmarks.md, "Branch toolbytes"). The session reuses one instance and its record array: valid only
 * during the {@link ProbeSink#record} call that receives it.
 */
public final class PrintfRecord {
    /** A value that is neither an integer nor a string in the record (a resolved {@code container}, ...). */
    @FunctionalInterface
    public interface Decoder {
        Value decode(SType type, byte[] record, int offset);
    }

    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Decoder decoder;
    private Action.Printf printf;
    private byte[] rec;

    /** {@code decoder}: how values other than integers and strings are read (the session's {@code ValueDecoder}). */
    public PrintfRecord(Decoder decoder) {
        this.decoder = decoder;
    }

    /** Points this view at {@code record} (the whole record; its length bounds the strings), a record of {@code printf}. */
    public PrintfRecord of(Action.Printf printf, byte[] record) {
        this.printf = printf;
        this.rec = record;
        return this;
    }

    /** The printf's format, as {@link Event.Printf#format()}. */
    public String format() {
        return printf.format();
    }

    /** Arguments in all. */
    public int size() {
        return printf.types().size();
    }

    /**
     * Argument {@code index} as an integer, as {@code Value.Int#bits()} of the values path gives it (sign- or
     * zero-extended from its declared width); a resolved value's raw number.
     */
    public long i(int index) {
        SType t = printf.types().get(index);
        int off = printf.offsets().get(index);
        return switch (t) {
            case SType.Int n -> normalize((long) U64.get(rec, off), n.bytes() * 8, n.signed());
            case SType.Ptr p -> (long) U64.get(rec, off);
            default -> switch (decoder.decode(t, rec, off)) {
                case Value.Int v -> v.bits();
                case Value.Pointer p -> p.address();
                case Value.Resolved r -> r.raw();
                case Value v -> throw new IllegalStateException("argument " + index + " is not an integer: " + v);
            };
        };
    }

    private static long normalize(long v, int width, boolean signed) {
        if (width == 64) {
            return v;
        }
        int shift = 64 - width;
        return signed ? (v << shift) >> shift : (v << shift) >>> shift;
    }

    /** Whether argument {@code index} is a string stored in the record ({@link #bytes}, {@link #at}, {@link #length}). */
    public boolean inRecord(int index) {
        return printf.types().get(index) instanceof SType.Str;
    }

    /** The record's bytes (a string argument is {@code length(i)} bytes at {@code at(i)}); do not keep them. */
    public byte[] bytes() {
        return rec;
    }

    /** Where string argument {@code index} starts in {@link #bytes}. */
    public int at(int index) {
        requireStr(index);
        return printf.offsets().get(index);
    }

    /** The bytes of string argument {@code index} before its NUL (or its size, or the record's end). */
    public int length(int index) {
        SType.Str s = requireStr(index);
        int off = printf.offsets().get(index);
        int max = Math.min(s.bytes(), rec.length - off);
        int n = 0;
        while (n < max && rec[off + n] != 0) {
            n++;
        }
        return n;
    }

    private SType.Str requireStr(int index) {
        if (printf.types().get(index) instanceof SType.Str s) {
            return s;
        }
        throw new IllegalStateException("argument " + index + " is not a string in the record: " + printf.types().get(index));
    }

    /** Argument {@code index} as the values path's String: a string decoded as {@link io.boxscope.proc.RawText}, a resolved value's text. */
    public String s(int index) {
        if (inRecord(index)) {
            return io.boxscope.proc.RawText.decode(rec, at(index), length(index));
        }
        return switch (decoder.decode(printf.types().get(index), rec, printf.offsets().get(index))) {
            case Value.Str v -> v.text();
            case Value.Resolved r -> r.text();
            case Value v -> throw new IllegalStateException("argument " + index + " is not a string: " + v);
        };
    }

    /** The record decoded into values: what {@link ProbeSink#printf} receives for it. */
    public Event.Printf decode() {
        List<Value> args = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            args.add(decoder.decode(printf.types().get(i), rec, printf.offsets().get(i)));
        }
        return new Event.Printf(printf.format(), args);
    }
}
