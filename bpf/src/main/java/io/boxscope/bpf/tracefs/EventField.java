package io.boxscope.bpf.tracefs;

import java.util.Objects;

/**
 * One {@code field:} line of a tracepoint's {@code format} file: where the value sits in the raw
 * record the kernel hands a tracepoint program ({@code struct trace_event_raw_*}).
 *
 * @param declaration the C declaration exactly as the kernel printed it, e.g. {@code char prev_comm[16]}
 *                    or {@code __data_loc char[] filename} (bpftrace -lv prints this text)
 * @param type        the C type without the name: {@code const char *}, {@code char} for {@code char comm[16]},
 *                    {@code char} for {@code __data_loc char[] name}
 * @param name        the field's name ({@code args->name} in bpftrace)
 * @param kind        how the bytes at {@code offset} are to be read
 * @param arrayLength element count of a {@link Kind#FIXED_ARRAY}; 0 for a flexible array; -1 when not an
 *                    array or when the kernel printed a symbolic length
 * @param offset      byte offset from the start of the record (common fields included)
 * @param size        bytes at {@code offset}; for {@code __data_loc} the 4-byte locator, not the payload
 * @param signed      whether the kernel declared the field signed ({@code signed:1})
 */
public record EventField(String declaration, String type, String name, Kind kind, int arrayLength,
                         int offset, int size, boolean signed) {

    /** How a field is laid out in the record. */
    public enum Kind {
        /** A scalar (integer, enum, bool) of {@code size} bytes. */
        SCALAR,
        /** A pointer (the kernel address of something, e.g. a user-space string for syscall args). */
        POINTER,
        /** {@code type name[N]} inline in the record. */
        FIXED_ARRAY,
        /** {@code type name[]} at the end of the record. */
        FLEXIBLE_ARRAY,
        /**
         * {@code __data_loc type[] name}: a u32 whose low 16 bits are the payload's offset from the start of
         * the record and high 16 bits its length (include/trace/stages/stage6_event_callback.h).
         */
        DATA_LOC,
        /** {@code __rel_loc type[] name}: like DATA_LOC but the offset is relative to the end of this field. */
        REL_LOC
    }

    public EventField {
        Objects.requireNonNull(declaration, "declaration");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** True for the fields every event starts with ({@code common_type}, {@code common_pid}, ...). */
    public boolean isCommon() {
        return name.startsWith("common_");
    }

    /** True for the string-shaped fields: {@code char x[N]} and {@code __data_loc char[] x}. */
    public boolean isString() {
        return type.equals("char") && (kind == Kind.FIXED_ARRAY || kind == Kind.DATA_LOC || kind == Kind.REL_LOC);
    }
}
