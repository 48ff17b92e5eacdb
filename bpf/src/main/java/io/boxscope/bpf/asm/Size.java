package io.boxscope.bpf.asm;

/** Load/store access sizes and their opcode bits (BPF_W, BPF_H, BPF_B, BPF_DW). */
public enum Size {
    W(0x00, 4, "u32"), H(0x08, 2, "u16"), B(0x10, 1, "u8"), DW(0x18, 8, "u64");

    final int bits;
    private final int bytes;
    final String cType;

    Size(int bits, int bytes, String cType) {
        this.bits = bits;
        this.bytes = bytes;
        this.cType = cType;
    }

    public int bytes() {
        return bytes;
    }

    static Size ofBits(int bits) {
        for (Size s : values()) {
            if (s.bits == bits) {
                return s;
            }
        }
        throw new IllegalArgumentException("size bits " + bits);
    }
}
