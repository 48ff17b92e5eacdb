package io.boxscope.probe.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Bit-fields on both byte orders, with the bytes of each struct written out by hand from the ABIs' allocation rules,
 * not computed by the code under test.
 *
 * <p>The rules. C11 6.7.2.1p11 packs adjacent bit-fields into adjacent bits of one addressable storage unit and leaves
 * the order of allocation within the unit to the implementation. The System V x86-64 psABI (and the AArch64, RISC-V
 * and LoongArch ELF ABIs, all little-endian) allocate bit-fields from right to left: the first field takes the least
 * significant bits of the unit. The s390x ELF ABI supplement and the 64-bit PowerPC ELF ABI (big-endian ppc64) allocate
 * them from left to right: the first field takes the most significant bits. The unit is stored in the target's byte
 * order. BTF's member offset is DWARF's DW_AT_data_bit_offset (pahole copies it): bits from the start of the struct in
 * memory order, and DWARF 5 section 5.7.6 says that on big-endian targets bits count from the high-order bit of
 * each byte. So the same declaration has the same BTF offsets on both orders, and the bytes differ:
 *
 * <pre>
 * struct s { unsigned int a:3; unsigned int b:5; unsigned int c:10; int d:4; };  a = 5, b = 17, c = 600, d = -3 (4 bits: 0xd)
 * BTF bit offsets: a 0, b 3, c 8, d 18 (sizes 3, 5, 10, 4)
 * little-endian unit  = a | b &lt;&lt; 3 | c &lt;&lt; 8 | 0xd &lt;&lt; 18             = 0x0036588d, bytes 8d 58 36 00
 * big-endian unit     = a &lt;&lt; 29 | b &lt;&lt; 24 | c &lt;&lt; 14 | 0xd &lt;&lt; 10     = 0xb1963400, bytes b1 96 34 00
 *
 * struct t { unsigned short x:4, y:7, z:5; };  x = 0xa, y = 0x55, z = 19
 * BTF bit offsets: x 0, y 4, z 11
 * little-endian unit  = x | y &lt;&lt; 4 | z &lt;&lt; 11   = 0x9d5a, bytes 5a 9d
 * big-endian unit     = x &lt;&lt; 12 | y &lt;&lt; 5 | z   = 0xaab3, bytes aa b3
 * </pre>
 *
 * Checked by hand: in b1 (1011 0001) the first three bits from the top are 101 = 5 and the next five 10001 = 17; the
 * ten bits from the top of 96 34 are 1001011000 = 600; in 34 (0011 0100), bits 2-5 from the top are 1101 = -3.
 */
class BitFieldTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN, BE = ByteOrder.BIG_ENDIAN;
    private static final byte[] S_LE = bytes(0x8d, 0x58, 0x36, 0x00), S_BE = bytes(0xb1, 0x96, 0x34, 0x00);
    private static final byte[] T_LE = bytes(0x5a, 0x9d), T_BE = bytes(0xaa, 0xb3);

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** A field as BTF gives it (bit offset from the struct's start), read as MemberGen and ValueDecoder read it. */
    private static long field(ByteOrder order, byte[] struct, int bitOffset, int bits, boolean signed) {
        return BitField.read(order, struct, bitOffset / 8, bitOffset % 8, bits, signed, struct.length);
    }

    @Test
    void littleEndianLayouts() {
        assertEquals(5, field(LE, S_LE, 0, 3, false));
        assertEquals(17, field(LE, S_LE, 3, 5, false));
        assertEquals(600, field(LE, S_LE, 8, 10, false));
        assertEquals(-3, field(LE, S_LE, 18, 4, true));
        assertEquals(13, field(LE, S_LE, 18, 4, false));
        assertEquals(0xa, field(LE, T_LE, 0, 4, false));
        assertEquals(0x55, field(LE, T_LE, 4, 7, false));
        assertEquals(19, field(LE, T_LE, 11, 5, false));
    }

    @Test
    void bigEndianLayouts() {
        assertEquals(5, field(BE, S_BE, 0, 3, false));
        assertEquals(17, field(BE, S_BE, 3, 5, false));
        assertEquals(600, field(BE, S_BE, 8, 10, false));
        assertEquals(-3, field(BE, S_BE, 18, 4, true));
        assertEquals(0xa, field(BE, T_BE, 0, 4, false));
        assertEquals(0x55, field(BE, T_BE, 4, 7, false));
        assertEquals(19, field(BE, T_BE, 11, 5, false));
    }

    /** The other order's rule on the same bytes reads something else: the order matters for these layouts. */
    @Test
    void theOrderIsNotInterchangeable() {
        assertEquals(1, field(LE, S_BE, 0, 3, false)); // b1 & 7 = 1, not 5
        assertEquals(4, field(BE, S_LE, 0, 3, false)); // top three bits of 8d (1000 1101) are 100
    }

    /**
     * The shifts MemberGen emits after loading the bytes as one integer in the host's order (1, 2, 4 or 8 bytes): the
     * same numbers as the hand-written units above. Little-endian: the bit offset within the load. Big-endian: the bits
     * below the field in the loaded integer, e.g. a (3 bits at the top of a 1-byte load) shifts by 5, c (10 bits at the
     * top of a 2-byte load) by 6, d (4 bits, 2 from the top of byte 2) by 2, y (7 bits, 4 from the top of 2 bytes) by 5.
     */
    @Test
    void shiftsMemberGenEmits() {
        assertEquals(1, BitField.loadBytes(0, 3));
        assertEquals(2, BitField.loadBytes(0, 10));
        assertEquals(2, BitField.loadBytes(4, 7));
        assertEquals(4, BitField.loadBytes(7, 20));
        assertEquals(8, BitField.loadBytes(1, 40));
        assertEquals(0, BitField.rightShift(LE, 1, 0, 3));
        assertEquals(3, BitField.rightShift(LE, 1, 3, 5));
        assertEquals(0, BitField.rightShift(LE, 2, 0, 10));
        assertEquals(2, BitField.rightShift(LE, 1, 2, 4));
        assertEquals(4, BitField.rightShift(LE, 2, 4, 7));
        assertEquals(5, BitField.rightShift(BE, 1, 0, 3));
        assertEquals(0, BitField.rightShift(BE, 1, 3, 5));
        assertEquals(6, BitField.rightShift(BE, 2, 0, 10));
        assertEquals(2, BitField.rightShift(BE, 1, 2, 4));
        assertEquals(5, BitField.rightShift(BE, 2, 4, 7));
        assertEquals(0, BitField.rightShift(BE, 1, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> BitField.rightShift(BE, 1, 4, 7));
    }

    /** Bytes past the struct's end are not read: a field cut by the end reads its bits that are inside, on both orders. */
    @Test
    void neverReadsPastTheStruct() {
        byte[] b = bytes(0x80, 0xff);
        assertEquals(1, BitField.read(LE, b, 0, 7, 8, false, 1)); // bit 7 of byte 0 on LE; byte 1 is past the end
        assertEquals(0x7f, BitField.read(BE, bytes(0x7f, 0xff), 0, 1, 7, false, 1));
        assertEquals(0x7f << 1, BitField.read(BE, bytes(0x7f, 0xff), 0, 1, 8, false, 1)); // 8th bit is in byte 1: read as 0
    }
}
