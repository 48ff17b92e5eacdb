package io.boxscope.probe.lang.sema;

/**
 * What a resolved {@code base.field} / {@code base->field} reads: {@code offset} bytes into the record
 * (into the pointee for {@code ->}), {@code type} of the result, and how the bytes are laid out.
 * Bit-fields have {@code bitOffset}/{@code bitSize} within the byte range starting at {@code offset}.
 */
public record FieldAccess(long offset, SType type, Layout layout, int bitOffset, int bitSize) {
    public enum Layout {
        /** Read {@code type.size()} bytes at {@code offset}. */
        PLAIN,
        /** A tracepoint {@code __data_loc}: a u32 locator (low 16 bits offset, high 16 bits length). */
        DATA_LOC,
        /** A tracepoint {@code __rel_loc}: like DATA_LOC, offset relative to the end of the field. */
        REL_LOC,
        /** A bit-field. */
        BITFIELD,
        /** A tuple element ({@code $t.0}). */
        TUPLE_ELEMENT
    }

    public static FieldAccess plain(long offset, SType type) {
        return new FieldAccess(offset, type, Layout.PLAIN, 0, 0);
    }
}
