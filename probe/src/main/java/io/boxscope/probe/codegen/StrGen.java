package io.boxscope.probe.codegen;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.SType;

/**
 * Strings for {@link ExprGen}: literals, {@code comm}, {@code str()} of user or kernel pointers,
 * tracepoint {@code char[N]} and {@code __data_loc} fields, variables, map values and ternaries, written
 * into a zeroed place; and bpftrace's string {@code ==}.
 */
final class StrGen {
    private final Gen g;
    private final Asm a;
    private final ExprGen x;

    StrGen(Gen g, ExprGen x) {
        this.g = g;
        this.a = g.asm;
        this.x = x;
    }

    /** Byte-wise comparison up to the shorter string's size, stopping at a NUL (bpftrace's string ==). */
    void equal(Expr l, Expr r, boolean negate) {
        compare(l, r, Integer.MAX_VALUE, negate);
    }

    /** bpftrace's strncmp(a, b, n): 0 when the first n bytes match (or match up to a common NUL), else 1. */
    void strncmp(Expr l, Expr r, int n) {
        compare(l, r, n, true);
    }

    private void compare(Expr l, Expr r, int limit, boolean negate) {
        SType lt = x.type(l), rt = x.type(r);
        int n = (int) Math.min(limit, Math.min(lt.size(), rt.size()));
        int mark = g.frame.mark();
        int ls = g.frame.alloc(Layouts.size(lt), l.span()), rs = g.frame.alloc(Layouts.size(rt), r.span());
        g.zero(Reg.R10, ls, Layouts.size(lt));
        g.zero(Reg.R10, rs, Layouts.size(rt));
        x.store(l, lt, Reg.R10, ls);
        x.store(r, rt, Reg.R10, rs);
        Label ne = a.newLabel(), eq = a.newLabel(), end = a.newLabel();
        for (int i = 0; i < n; i++) {
            a.ldx(Size.B, Reg.R1, Reg.R10, ls + i);
            a.ldx(Size.B, Reg.R2, Reg.R10, rs + i);
            a.jmp(JmpOp.JNE, Reg.R1, Reg.R2, ne);
            a.jmp(JmpOp.JEQ, Reg.R1, 0, eq);
        }
        a.bind(eq);
        a.movImm(Reg.R0, negate ? 0 : 1);
        a.ja(end);
        a.bind(ne);
        a.movImm(Reg.R0, negate ? 1 : 0);
        a.bind(end);
        g.frame.release(mark);
    }

    /** A string into a zeroed place of {@code cap} bytes (at most cap - 1 characters and a NUL). */
    void string(Expr e, SType t, int cap, Reg base, int off) {
        switch (e) {
            case Expr.StrLit s -> literal(s.bytes(), cap, base, off);
            case Expr.Positional p -> literal(positionalText(p), cap, base, off);
            case Expr.Builtin b when b.name().equals("comm") -> {
                g.addr(Reg.R1, base, off);
                a.movImm(Reg.R2, Math.min(16, cap));
                a.call(Helper.GET_CURRENT_COMM);
            }
            case Expr.Call c when c.name().equals("str") -> str(c, cap, base, off);
            case Expr.Variable v -> g.copyValue(base, off, x.base(v), x.offset(v), Math.min(Layouts.size(t), Layouts.round(cap) & ~7), Reg.R0);
            case Expr.Field f -> fieldString(f, cap, base, off);
            case Expr.Index i when t instanceof SType.Str st -> x.members.charArray(i, st.bytes(), cap, base, off);
            case Expr.Ternary te -> {
                Label no = a.newLabel(), end = a.newLabel();
                x.truth(te.condition());
                a.jmp(JmpOp.JEQ, Reg.R0, 0, no);
                string(te.then(), x.type(te.then()), cap, base, off);
                a.ja(end);
                a.bind(no);
                string(te.orElse(), x.type(te.orElse()), cap, base, off);
                a.bind(end);
            }
            case Expr.MapRef m -> {
                int mark = g.frame.mark();
                int keep = g.frame.alloc(8, m.span());
                x.lookup(m);
                Label end = a.newLabel();
                a.jmp(JmpOp.JEQ, Reg.R0, 0, end);
                a.stx(Size.DW, Reg.R10, keep, Reg.R0);
                int bytes = Math.min(Layouts.size(t), cap / 8 * 8);
                a.mov(Reg.R2, Reg.R0);
                g.copy(base, off, Reg.R2, 0, bytes, Reg.R1);
                a.bind(end);
                g.frame.release(mark);
            }
            default -> throw ExprGen.unsupported(e, "a string from " + e.getClass().getSimpleName());
        }
    }

    /** Constant bytes into a zeroed place of {@code cap} bytes (at most cap - 1 of them, then the NUL already there). */
    private void literal(byte[] b, int cap, Reg base, int off) {
        int n = Math.min(b.length, cap - 1);
        for (int i = 0; i < n; i++) {
            a.st(Size.B, base, off + i, b[i]);
        }
    }

    /** A positional parameter's text as the user typed it ("" when there are fewer parameters). */
    private byte[] positionalText(Expr.Positional p) {
        java.util.List<String> ps = g.program.options().positionals();
        return p.index() <= ps.size() ? ps.get(p.index() - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0];
    }

    private void str(Expr.Call c, int cap, Reg base, int off) {
        Expr arg = c.args().getFirst();
        if (arg instanceof Expr.Positional p) {
            // str($N) is the parameter's text, also when it looks like a number (bpftrace 0.17's positional
            // parameter pass reads a parameter inside str() as a string literal: `str($1)` with $1 = -5 is "-5");
            // str($N, LEN) keeps its first LEN characters
            int n = cap;
            if (c.args().size() == 2) {
                long len = switch (c.args().get(1)) {
                    case Expr.IntLit l -> l.value();
                    case Expr.Positional q -> io.boxscope.probe.lang.sema.PositionalParams.value(g.program.options().positionals(), q.index());
                    default -> throw ExprGen.unsupported(c.args().get(1), "a length that is not a literal for str($N, LEN)");
                };
                n = (int) Math.max(1, Math.min(cap, len + 1));
            }
            literal(positionalText(p), n, base, off);
            return;
        }
        SType at = x.type(arg);
        if (at instanceof SType.Str) {
            string(arg, at, cap, base, off);
            return;
        }
        int n = Math.min(g.program.options().strlen(), cap);
        if (c.args().size() == 2 && !(c.args().get(1) instanceof Expr.IntLit)) {
            // str(p, $n): $n characters and the NUL, at most the string's size (bpftrace 0.17 takes the smaller,
            // unsigned), decided at run time; the verifier sees the bound through the clamp
            int mark = g.frame.mark();
            int len = g.frame.alloc(8, c.span());
            x.integer(c.args().get(1));
            a.add(Reg.R0, 1);
            a.stx(Size.DW, Reg.R10, len, Reg.R0);
            x.integer(arg);
            a.mov(Reg.R3, Reg.R0);
            g.addr(Reg.R1, base, off);
            a.ldx(Size.DW, Reg.R2, Reg.R10, len);
            io.boxscope.bpf.asm.Label ok = a.newLabel();
            a.jmp(io.boxscope.bpf.asm.JmpOp.JLE, Reg.R2, n, ok);
            a.movImm(Reg.R2, n);
            a.bind(ok);
            a.call(x.members.user(arg) ? Helper.PROBE_READ_USER_STR : Helper.PROBE_READ_KERNEL_STR);
            g.frame.release(mark);
            return;
        }
        if (c.args().size() == 2 && c.args().get(1) instanceof Expr.IntLit len) {
            n = (int) Math.max(1, Math.min(n, len.value() + 1));
        }
        x.integer(arg);
        a.mov(Reg.R3, Reg.R0);
        g.addr(Reg.R1, base, off);
        a.movImm(Reg.R2, n);
        a.call(x.members.user(arg) ? Helper.PROBE_READ_USER_STR : Helper.PROBE_READ_KERNEL_STR);
    }

    /** args->FIELD as a string: a char array in the record, or a __data_loc string after it. */
    private void fieldString(Expr.Field f, int cap, Reg base, int off) {
        FieldAccess fa = x.members.access(f);
        if (!(fa.type() instanceof SType.Str st)) {
            throw ExprGen.unsupported(f, "a string from a field of type " + fa.type().display());
        }
        if (!x.members.isContextArgs(f.base())) {
            x.members.charArray(f, st.bytes(), cap, base, off);
            return;
        }
        switch (fa.layout()) {
            case PLAIN -> {
                g.addr(Reg.R1, base, off);
                a.movImm(Reg.R2, Math.min(st.bytes(), cap - 1));
                g.addr(Reg.R3, Gen.CTX, (int) fa.offset());
                a.call(Helper.PROBE_READ_KERNEL);
            }
            case DATA_LOC, REL_LOC -> {
                a.ldx(Size.W, Reg.R3, Gen.CTX, (int) fa.offset());
                a.alu64(AluOp.AND, Reg.R3, 0xffff);
                if (fa.layout() == FieldAccess.Layout.REL_LOC) {
                    a.add(Reg.R3, (int) fa.offset() + 4);
                }
                a.add(Reg.R3, Gen.CTX);
                g.addr(Reg.R1, base, off);
                a.movImm(Reg.R2, Math.min(64, cap));
                a.call(Helper.PROBE_READ_KERNEL_STR);
            }
            default -> throw ExprGen.unsupported(f, "a " + fa.layout() + " field");
        }
    }
}
