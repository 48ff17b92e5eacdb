package io.boxscope.probe.output;

import java.util.List;
import java.util.Objects;

/**
 * A typed value as the output stage receives it: decoded from map or ring-buffer bytes, with
 * everything that needs user space (symbols, user names, addresses) already resolved. Each record
 * keeps what decides how bpftrace 0.17 prints it: an integer's width and signedness, whether a
 * resolved string is quoted in JSON, a stack's mode.
 */
public sealed interface Value {

    /** An integer of {@code width} bits (8, 16, 32 or 64); {@code bits} holds it sign- or zero-extended. */
    record Int(long bits, int width, boolean signed) implements Value {
        public Int {
            if (width != 8 && width != 16 && width != 32 && width != 64) {
                throw new IllegalArgumentException("integer width must be 8, 16, 32 or 64 bits, not " + width);
            }
            bits = normalize(bits, width, signed);
        }

        static long normalize(long v, int width, boolean signed) {
            if (width == 64) {
                return v;
            }
            int shift = 64 - width;
            return signed ? (v << shift) >> shift : (v << shift) >>> shift;
        }

        /** As C's {@code std::to_string} of the value at its own width and signedness. */
        public String decimal() {
            return signed || width < 64 ? Long.toString(bits) : Long.toUnsignedString(bits);
        }
    }

    /** A bpftrace string (read up to its NUL); text, not bytes: the caller decodes (UTF-8). */
    record Str(String text) implements Value {
        public Str {
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code buf()}: raw bytes, printed with bpftrace's hex escapes ({@code \x01}). */
    record Buffer(byte[] bytes) implements Value {
        public Buffer {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** A tuple such as {@code (1, "two", -3)}. */
    record Tuple(List<Value> elements) implements Value {
        public Tuple {
            elements = List.copyOf(elements);
        }
    }

    /** A C array from a struct or tracepoint field. */
    record Array(List<Value> elements) implements Value {
        public Array {
            elements = List.copyOf(elements);
        }
    }

    /** A C struct (record) value, its fields in declaration order. */
    record Record(List<Field> fields) implements Value {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    /** One field of a {@link Record}. */
    record Field(String name, Value value) {}

    /**
     * {@code kstack}/{@code ustack}, already symbolized, innermost frame first, cut at the stack's
     * limit by the caller. {@code id} is the raw 64-bit key the kernel stored (stack id and pid); it
     * only decides the order of maps keyed by stacks.
     */
    record Stack(StackMode mode, List<Frame> frames, long id) implements Value {
        public Stack {
            Objects.requireNonNull(mode, "mode");
            frames = List.copyOf(frames);
        }

        public Stack(StackMode mode, List<Frame> frames) {
            this(mode, frames, 0);
        }
    }

    /**
     * One frame: its address and its symbol as bpftrace resolves it: {@code name+offset} or
     * {@code 0x...} when unknown; in perf mode a ustack symbol carries {@code " (/path)"}.
     */
    record Frame(long address, String symbol) {}

    /**
     * A value bpftrace resolves in user space to a string: {@code ksym}, {@code usym},
     * {@code ntop}, {@code username}, {@code probe}, {@code strerror}, {@code cgroup_path},
     * {@code strftime}, {@code macaddr}. {@code raw} is what the kernel stored (an address, a uid):
     * it orders maps keyed by such values.
     */
    record Resolved(ResolvedKind kind, String text, long raw) implements Value {
        public Resolved {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
        }

        public Resolved(ResolvedKind kind, String text) {
            this(kind, text, 0);
        }
    }

    /** A pointer (as a map key, bpftrace prints it as {@code 0x...}); as a value, an integer. */
    record Pointer(long address) implements Value {}

    static Int i64(long v) {
        return new Int(v, 64, true);
    }

    static Int u64(long v) {
        return new Int(v, 64, false);
    }

    static Str str(String s) {
        return new Str(s);
    }
}
