package io.boxscope.probe.codegen;

import java.io.IOException;
import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.elf.ElfException;
import io.boxscope.bpf.elf.UsdtArg;
import io.boxscope.probe.lang.ast.Expr;

/**
 * {@code argN} of a {@code usdt:} probe: where the site's argument spec says the value is (a register of
 * {@code struct pt_regs}, user memory at a register plus an offset, or a constant), read at the spec's size and
 * sign-extended when the size is negative (signed), as bpftrace's USDT arguments are. Register offsets come
 * from the kernel's BTF (no architecture's layout is typed in here).
 */
final class UsdtArgGen {
    private UsdtArgGen() {}

    /** R0 = argument {@code index} of the program's USDT site. */
    static void load(Gen g, Expr.Builtin b, int index) {
        List<UsdtArg> args;
        try {
            args = UsdtSites.site(g.representative).arguments();
        } catch (ElfException e) {
            throw new CodegenException(b.span(), "cannot read the arguments of " + g.representative.name() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CodegenException(b.span(), "cannot read " + g.representative.target().getFirst() + ": " + e.getMessage());
        }
        if (index >= args.size()) {
            throw new CodegenException(b.span(), g.representative.name() + " has " + args.size() + " argument"
                    + (args.size() == 1 ? " (arg0)" : args.isEmpty() ? "s" : "s (arg0-arg" + (args.size() - 1) + ")")
                    + ": " + b.name() + " does not exist");
        }
        UsdtArg arg = args.get(index);
        var a = g.asm;
        switch (arg.where()) {
            case CONSTANT -> {
                a.ldImm64(Reg.R0, arg.value());
                return;
            }
            case REGISTER -> a.ldx(Size.DW, Reg.R0, Gen.CTX, register(g, b, arg));
            case MEMORY -> {
                int mark = g.frame.mark();
                int slot = g.frame.alloc(8, b.span());
                a.st(Size.DW, Reg.R10, slot, 0);
                a.ldx(Size.DW, Reg.R3, Gen.CTX, register(g, b, arg));
                if (arg.value() != 0) {
                    a.ldImm64(Reg.R1, arg.value());
                    a.add(Reg.R3, Reg.R1);
                }
                g.addr(Reg.R1, Reg.R10, slot);
                a.movImm(Reg.R2, arg.size());
                a.call(Helper.PROBE_READ_USER);
                a.ldx(Size.DW, Reg.R0, Reg.R10, slot);
                g.frame.release(mark);
            }
        }
        if (arg.size() < 8) {
            int shift = 64 - arg.size() * 8;
            a.lsh(Reg.R0, shift);
            if (arg.signed()) {
                a.alu64(AluOp.ARSH, Reg.R0, shift);
            } else {
                a.rsh(Reg.R0, shift);
            }
        }
    }

    private static int register(Gen g, Expr.Builtin b, UsdtArg arg) {
        if (g.btf == null) {
            throw new CodegenException(b.span(), b.name() + " of a usdt probe needs struct pt_regs from the kernel's BTF, which is not readable");
        }
        try {
            return io.boxscope.bpf.btf.PtRegs.member(g.btf, arg.register());
        } catch (BtfException e) {
            throw new CodegenException(b.span(), "cannot place USDT register " + arg.register() + ": " + e.getMessage());
        }
    }
}
