package io.boxscope.probe.codegen;

import java.nio.ByteOrder;

/**
 * How a bit-field is read out of the bytes that hold it, on either byte order: the one rule both the generated code
 * ({@code MemberGen}: a load, a right shift, a mask) and the runtime's decoder of struct values ({@code ValueDecoder})
 * follow, so a field printed from a record and one read by {@code p->field} agree.
 *
 * <p>BTF gives a bit-field member a bit offset from the start of its struct (struct btf_member.offset, or the low 24
 * bits of it with kind_flag; include/uapi/linux/btf.h). The byte that offset falls in is the same on both orders;
 * within the bytes, the bit offset counts in memory order: from the least significant bit on a little-endian target
 * and from the most significant bit on a big-endian one (DWARF 5 section 5.7.6 on DW_AT_data_bit_offset, which pahole
 * copies into BTF; libbpf's relo_core.c computes its BPF_CORE_FIELD_LSHIFT_U64 the same two ways under
 * {@code __BYTE_ORDER}). So the bytes are loaded as one integer in the target's order and the field is shifted down
 * by {@code bitInLoad} (little-endian) or by {@code 8 * loadBytes - bitInLoad - bits} (big-endian), then masked.
 */
public final class BitField {
    private BitField() {}

    /** Bytes to load for a field of {@code bits} bits starting {@code bitInByte} (0-7) bits into its first byte: 1, 2, 4 or 8. */
    public static int loadBytes(int bitInByte, int bits) {
        int span = (bitInByte + bits + 7) / 8;
        return span <= 1 ? 1 : span <= 2 ? 2 : span <= 4 ? 4 : 8;
    }

    /**
     * The right shift that brings the field to bit 0 of the integer made of {@code loadBytes} bytes read in
     * {@code order}, for a field of {@code bits} bits starting {@code bitInLoad} bits (in memory order) into them.
     */
    public static int rightShift(ByteOrder order, int loadBytes, int bitInLoad, int bits) {
        if (bitInLoad < 0 || bits < 1 || bitInLoad + bits > 8 * loadBytes) {
            throw new IllegalArgumentException("a " + bits + "-bit field at bit " + bitInLoad + " does not fit " + loadBytes + " bytes");
        }
        return order == ByteOrder.LITTLE_ENDIAN ? bitInLoad : 8 * loadBytes - bitInLoad - bits;
    }

    /**
     * The field's value from the bytes of {@code b} at {@code off} (those from {@code end} on read as 0: a field is
     * never read past its struct), sign-extended when {@code signed}.
     */
    public static long read(ByteOrder order, byte[] b, int off, int bitInByte, int bits, boolean signed, int end) {
        int n = loadBytes(bitInByte, Math.min(bits, 64 - bitInByte));
        long raw = 0;
        for (int i = 0; i < n; i++) {
            long v = off + i < Math.min(end, b.length) ? b[off + i] & 0xffL : 0;
            raw |= v << (8 * (order == ByteOrder.LITTLE_ENDIAN ? i : n - 1 - i));
        }
        long v = raw >>> rightShift(order, n, bitInByte, Math.min(bits, 8 * n - bitInByte));
        if (bits < 64) {
            v &= (1L << bits) - 1;
            if (signed && (v & (1L << (bits - 1))) != 0) {
                v |= -1L << bits;
            }
        }
        return v;
    }
}
