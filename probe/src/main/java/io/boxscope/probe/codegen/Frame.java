package io.boxscope.probe.codegen;

import io.boxscope.probe.lang.diag.Span;

/**
 * The BPF stack of one program (512 bytes below R10), handed out by a bump allocator: scratch
 * variables keep their slots for the whole program; temporaries are released in LIFO order with
 * {@link #mark}/{@link #release}. Offsets are negative and 8-byte aligned. The program's per-CPU scratch value
 * ({@link Gen#SCRATCH}) is handed out the same way, and one mark covers both: a temporary built in scratch space
 * (a map key over the stack's size) is released with the stack temporaries of its statement.
 */
final class Frame {
    static final int STACK = 512;
    /** A mark holds the stack's bytes in its low bits (at most 512, so 10 bits) and scratch bytes above. */
    private static final int MARK_SHIFT = 10;
    private int used;
    private int peak;
    private int scratchUsed;
    private int scratchPeak;

    /** A slot of {@code bytes} (rounded up to 8); fails with a diagnostic at {@code where} beyond 512 bytes. */
    int alloc(int bytes, Span where) {
        used += Layouts.round(Math.max(bytes, 8));
        if (used > STACK) {
            throw new CodegenException(true, where, "this probe needs more than the 512 bytes of BPF stack ("
                    + used + " bytes at this point)", "use fewer or shorter strings, tuples and struct values in one statement; a struct over the stack's size can be printed"
                    + " (print(*p) copies it into the ring buffer, not the stack) or read a field at a time (p->field)");
        }
        peak = Math.max(peak, used);
        return -used;
    }

    int mark() {
        return used | scratchUsed << MARK_SHIFT;
    }

    void release(int mark) {
        used = mark & ((1 << MARK_SHIFT) - 1);
        scratchUsed = mark >>> MARK_SHIFT;
    }

    /** A place of {@code bytes} (rounded up to 8) in scratch space: its offset there; the caller checks the total. */
    int allocScratch(int bytes) {
        int at = scratchUsed;
        scratchUsed += Layouts.round(Math.max(bytes, 8));
        scratchPeak = Math.max(scratchPeak, scratchUsed);
        return at;
    }

    int scratchUsed() {
        return scratchUsed;
    }

    int scratchPeak() {
        return scratchPeak;
    }

    int peak() {
        return peak;
    }
}
