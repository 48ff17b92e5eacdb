package io.boxscope.probe.codegen;

import io.boxscope.bpf.asm.Reg;

/**
 * Where a value is built: {@code base + off}, with base R10 (the stack, negative offsets), {@link Gen#SCRATCH}
 * (the program's per-CPU scratch value) or {@link Gen#RECORD} (a ring-buffer record). A map key that does not fit
 * the 512-byte stack is built in scratch space, so every helper call that takes a key addresses it through this.
 */
record Place(Reg base, int off) {
    Place plus(int delta) {
        return new Place(base, off + delta);
    }
}
