package io.boxscope.bpf.asm;

/**
 * Atomic read-modify-write operations (BPF_STX | BPF_ATOMIC; the operation sits in imm). The FETCH
 * variants return the old value in the source register; CMPXCHG compares with R0 and returns in R0.
 */
public enum AtomicOp {
    ADD(0x00, "+=", "add"), OR(0x40, "|=", "or"), AND(0x50, "&=", "and"), XOR(0xa0, "^=", "xor"),
    FETCH_ADD(0x01, null, "fetch_add"), FETCH_OR(0x41, null, "fetch_or"), FETCH_AND(0x51, null, "fetch_and"),
    FETCH_XOR(0xa1, null, "fetch_xor"), XCHG(0xe1, null, "xchg"), CMPXCHG(0xf1, null, "cmpxchg");

    final int imm;
    final String symbol;
    final String word;

    AtomicOp(int imm, String symbol, String word) {
        this.imm = imm;
        this.symbol = symbol;
        this.word = word;
    }

    static AtomicOp of(int imm) {
        for (AtomicOp o : values()) {
            if (o.imm == imm) {
                return o;
            }
        }
        return null;
    }
}
