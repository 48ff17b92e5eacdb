package io.boxscope.probe.lang.sema;

import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.btf.FuncSignature;

/** The layout of a kfunc/kretfunc (fentry/fexit) program's context: shared by args (sema) and retval (codegen). */
public final class FentrySlots {
    private FentrySlots() {}

    /**
     * Where each parameter of a function sits in a fentry/fexit program's context, in bytes, then (last element) the
     * end of the arguments, where fexit finds the return value. The trampoline saves each argument in
     * ceil(size / 8) u64 slots: a struct of 9 to 16 bytes passed by value takes two (Linux 6.1+,
     * arch/x86/net/bpf_jit_comp.c save_args and kernel/bpf/btf.c btf_distill_func_proto, which refuses larger ones).
     */
    public static long[] of(Btf btf, FuncSignature sig) throws BtfException {
        long[] at = new long[sig.params().size() + 1];
        long off = 0;
        for (int i = 0; i < sig.params().size(); i++) {
            at[i] = off;
            off += 8 * Math.max(1, (btf.sizeOf(sig.params().get(i).typeId()) + 7) / 8);
        }
        at[sig.params().size()] = off;
        return at;
    }
}
