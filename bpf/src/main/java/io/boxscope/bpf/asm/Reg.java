package io.boxscope.bpf.asm;

/**
 * The eBPF registers (Documentation/bpf/standardization/instruction-set.rst): R0 return value,
 * R1–R5 arguments (clobbered by calls), R6–R9 callee-saved, R10 read-only frame pointer.
 */
public enum Reg {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    public int number() {
        return ordinal();
    }

    public static Reg of(int n) {
        return values()[n];
    }
}
