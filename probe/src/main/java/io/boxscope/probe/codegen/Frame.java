package io.boxscope.probe.codegen;

import io.boxscope.probe.lang.diag.Span;

/**
 * The BPF stack of one program (512 bytes below R10), handed out by a bump allocator: scratch
 * variables keep their slots for the whole program; temporaries are released in LIFO order with
 * {@link #mark}/{@link #release}. Offsets are negative and 8-byte aligned.
 */
final class Frame {
    static final int STACK = 512;
    private int used;
    private int peak;

    /** A slot of {@code bytes} (rounded up to 8); fails with a diagnostic at {@code where} beyond 512 bytes. */
    int alloc(int bytes, Span where) {
        used += Layouts.round(Math.max(bytes, 8));
        if (used > STACK) {
            throw new CodegenException(where, "this probe needs more than the 512 bytes of BPF stack ("
                    + used + " bytes at this point)", "use fewer or shorter strings, tuples and struct values in one statement; a struct over the stack's size can be printed"
                    + " (print(*p) copies it into the ring buffer, not the stack) or read a field at a time (p->field)");
        }
        peak = Math.max(peak, used);
        return -used;
    }

    int mark() {
        return used;
    }

    void release(int mark) {
        used = mark;
    }

    int peak() {
        return peak;
    }
}
