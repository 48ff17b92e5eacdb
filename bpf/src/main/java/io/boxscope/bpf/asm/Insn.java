package io.boxscope.bpf.asm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * One 8-byte eBPF instruction slot: opcode, destination and source register nibbles, signed 16-bit
 * offset, signed 32-bit immediate (Documentation/bpf/standardization/instruction-set.rst). A 64-bit
 * immediate load takes two slots; the second has opcode 0 and carries the upper 32 bits in imm.
 */
public record Insn(int code, int dst, int src, short off, int imm) {
    // Classes.
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, JMP32 = 0x06,
            ALU64 = 0x07;
    // Modes.
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0;
    /** Source operand: immediate (K) or register (X). */
    public static final int K = 0x00, X = 0x08;
    public static final int JA = 0x00, CALL = 0x80, EXIT = 0x90;
    /** src_reg values of a 64-bit immediate load: plain, map fd, map value (fd + offset), BTF id. */
    public static final int PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2, PSEUDO_BTF_ID = 3;
    /** src_reg values of a call: helper (0), BPF-to-BPF call, kernel function. */
    public static final int PSEUDO_CALL = 1, PSEUDO_KFUNC_CALL = 2;

    public Insn {
        if ((code & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
            throw new IllegalArgumentException("instruction field out of range: code=" + code + " dst=" + dst + " src=" + src);
        }
    }

    public int cls() {
        return code & 0x07;
    }

    /** True for the first slot of a 64-bit immediate load (BPF_LD | BPF_DW | BPF_IMM). */
    public boolean isWideLoad() {
        return code == (LD | Size.DW.bits | IMM);
    }

    /**
     * The registers' nibbles follow the C bitfields {@code __u8 dst_reg:4; __u8 src_reg:4;} of struct bpf_insn
     * (include/uapi/linux/bpf.h), which a big-endian compiler (s390x) allocates from the high bits.
     */
    private static final boolean LITTLE = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** Writes instructions in the kernel's struct bpf_insn layout (little or native endian). */
    public static void encode(List<Insn> insns, MemorySegment out) {
        long o = 0;
        for (Insn i : insns) {
            out.set(ValueLayout.JAVA_BYTE, o, (byte) i.code);
            out.set(ValueLayout.JAVA_BYTE, o + 1, (byte) (LITTLE ? (i.src << 4) | i.dst : (i.dst << 4) | i.src));
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, o + 2, i.off);
            out.set(ValueLayout.JAVA_INT_UNALIGNED, o + 4, i.imm);
            o += 8;
        }
    }

    /** The byte form, 8 bytes per slot (native byte order, as the kernel expects). */
    public static byte[] toBytes(List<Insn> insns) {
        MemorySegment m = MemorySegment.ofArray(new byte[insns.size() * 8]);
        encode(insns, m);
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Decodes instructions, e.g. from a program dump. */
    public static List<Insn> decode(byte[] bytes) {
        MemorySegment m = MemorySegment.ofArray(bytes);
        Insn[] out = new Insn[bytes.length / 8];
        for (int k = 0; k < out.length; k++) {
            long o = k * 8L;
            int regs = m.get(ValueLayout.JAVA_BYTE, o + 1) & 0xff;
            out[k] = new Insn(m.get(ValueLayout.JAVA_BYTE, o) & 0xff, LITTLE ? regs & 0xf : regs >>> 4, LITTLE ? regs >>> 4 : regs & 0xf,
                    m.get(ValueLayout.JAVA_SHORT_UNALIGNED, o + 2), m.get(ValueLayout.JAVA_INT_UNALIGNED, o + 4));
        }
        return List.of(out);
    }
}
