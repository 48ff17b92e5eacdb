package io.boxscope.probe.lang.sema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The resolved type of an expression, a variable, a map key or a map value, as codegen needs it:
 * size, signedness and kind. {@link #display()} is how diagnostics and {@code -d} show it (bpftrace's
 * spelling, except that unsigned integers are {@code uint64} rather than {@code unsigned int64}).
 */
public sealed interface SType {
    /** Bytes a value of this type occupies on the BPF stack or in a map. */
    long size();

    String display();

    /** No value: statements such as {@code printf(...)}, {@code delete(...)}. */
    record None() implements SType {
        public long size() {
            return 0;
        }

        public String display() {
            return "none";
        }
    }

    /** An integer of 1, 2, 4 or 8 bytes. */
    record Int(int bytes, boolean signed) implements SType {
        public static final Int U64 = new Int(8, false);
        public static final Int I64 = new Int(8, true);

        public long size() {
            return bytes;
        }

        public String display() {
            return (signed ? "int" : "uint") + bytes * 8;
        }
    }

    /** A NUL-padded string of {@code bytes} bytes (including the NUL). */
    record Str(int bytes) implements SType {
        public String display() {
            return "string[" + bytes + "]";
        }

        public long size() {
            return bytes;
        }
    }

    /** A pointer; {@code pointee} is {@link None} for {@code void *}. */
    record Ptr(SType pointee) implements SType {
        public long size() {
            return 8;
        }

        public String display() {
            String p = pointee instanceof None ? "void" : pointee.display();
            return p.endsWith("*") ? p + "*" : p + " *";
        }
    }

    /**
     * A struct or union: from kernel BTF ({@code btfId > 0}), defined in the script, or the synthetic
     * record of a tracepoint's or raw tracepoint's arguments ({@code args}). {@code fields} is filled for
     * script and synthetic records; BTF records are looked up in BTF by id.
     */
    record Record(String name, long size, int btfId, List<RecordField> fields) implements SType {
        public Record {
            fields = List.copyOf(fields);
        }

        public String display() {
            return name;
        }
    }

    /**
     * A field of a script or synthetic {@link Record}, or of a struct kept as a value. A bit-field
     * ({@link FieldAccess.Layout#BITFIELD}) is {@code bitSize} bits starting {@code bitShift} bits into the byte at
     * {@code offset} (little-endian bit order, as BTF gives it), of the integer {@code type}.
     */
    record RecordField(String name, SType type, long offset, FieldAccess.Layout layout, int bitShift, int bitSize) {
        public RecordField(String name, SType type, long offset, FieldAccess.Layout layout) {
            this(name, type, offset, layout, 0, 0);
        }
    }

    /** {@code T[N]}; a {@code char[N]} member is typed {@link Str} instead, as in bpftrace. */
    record Array(SType element, int length) implements SType {
        public long size() {
            return element.size() * length;
        }

        public String display() {
            return element.display() + "[" + length + "]";
        }
    }

    /** {@code (a, b, ...)}: elements laid out in order, each aligned to 8 bytes as bpftrace does. */
    record Tuple(List<SType> elements) implements SType {
        public Tuple {
            elements = List.copyOf(elements);
        }

        public long size() {
            long s = 0;
            for (SType e : elements) {
                s += (e.size() + 7) / 8 * 8;
            }
            return s;
        }

        public String display() {
            return elements.stream().map(SType::display).collect(Collectors.joining(",", "(", ")"));
        }
    }

    /** {@code kstack}/{@code ustack}: a stack id (plus pid for user stacks) printed in {@code mode} with up to {@code limit} frames. */
    record Stack(boolean user, StackMode mode, int limit) implements SType {
        public long size() {
            return user ? 16 : 8;
        }

        public String display() {
            return user ? "ustack" : "kstack";
        }
    }

    /**
     * Values printed specially: {@code ksym}, {@code usym} (addresses symbolized when printed),
     * {@code probe} (the probe's name), {@code username}, {@code timestamp} ({@code strftime}), {@code inet}
     * ({@code ntop}), {@code container} (a cgroup id printed as the container's name), {@code stack_mode}.
     */
    record Special(SpecialKind kind) implements SType {
        public long size() {
            return kind.size();
        }

        public String display() {
            return kind.label();
        }
    }

    /** {@code buf(ptr, n)}: n raw bytes plus a length byte, printed as hex escapes. */
    record Buffer(int length) implements SType {
        public long size() {
            return length + 1L;
        }

        public String display() {
            return "buffer[" + (length + 1) + "]";
        }
    }

    /** A map value made by an aggregation ({@code count()}, {@code hist()}...). */
    record Agg(AggKind kind) implements SType {
        public long size() {
            return kind.valueSize();
        }

        public String display() {
            return kind.label();
        }
    }

    /** Whether this is an integer (the only type arithmetic takes). */
    default boolean isInt() {
        return this instanceof Int;
    }

    default boolean isString() {
        return this instanceof Str;
    }

    /** Integers, pointers and the address-like specials compare and test as numbers. */
    default boolean isIntegerLike() {
        return this instanceof Int || this instanceof Ptr;
    }
}
