package io.boxscope.probe.codegen;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.sema.AggKind;

/**
 * {@code @m[k] = count() | sum(x) | min(x) | max(x) | avg(x) | stats(x) | hist(x) | lhist(x, min, max, step)}
 * on per-CPU maps: look the key up; if present update this CPU's slot in place (no other CPU writes
 * it, so no atomics are needed); else insert the first value. Slots: count, sum, max one u64; min
 * (value, seen); avg and stats (count, total); hist and lhist one counter per (key, bucket), the
 * bucket computed as bpftrace 0.17's code computes it ({@link io.boxscope.probe.output.Buckets}).
 */
final class AggGen {
    private final Gen g;
    private final Asm a;
    private final ExprGen x;

    AggGen(Gen g, ExprGen x) {
        this.g = g;
        this.a = g.asm;
        this.x = x;
    }

    void aggregate(Expr.MapRef m, MapLayout l, Expr.Call c) {
        AggKind kind = l.agg();
        int arg = g.frame.alloc(8, c.span());
        if (kind != AggKind.COUNT) {
            x.integer(c.args().getFirst());
            a.stx(Size.DW, Reg.R10, arg, Reg.R0);
        }
        Place key;
        if (l.isArray()) {
            key = new Place(Reg.R10, g.frame.alloc(8, c.span()));
            a.st(Size.DW, Reg.R10, key.off(), 0);
        } else {
            key = x.key(m, l);
        }
        if (kind == AggKind.HIST || kind == AggKind.LHIST) {
            a.ldx(Size.DW, Reg.R0, Reg.R10, arg);
            if (kind == AggKind.HIST) {
                histBucket();
            } else {
                List<Long> r = l.info().aggArgs();
                lhistBucket(r.get(0), r.get(1), r.get(2));
            }
            a.stx(Size.DW, key.base(), key.off() + l.scriptKeySize(), Reg.R0);
        }
        int val = g.frame.alloc(16, c.span());
        Label insert = a.newLabel(), done = a.newLabel();
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        a.call(Helper.MAP_LOOKUP_ELEM);
        a.jmp(JmpOp.JEQ, Reg.R0, 0, insert);
        a.ldx(Size.DW, Reg.R2, Reg.R10, arg);
        a.ldx(Size.DW, Reg.R1, Reg.R0, 0);
        switch (kind) {
            case COUNT, HIST, LHIST -> {
                a.add(Reg.R1, 1);
                a.stx(Size.DW, Reg.R0, 0, Reg.R1);
            }
            case SUM -> {
                a.add(Reg.R1, Reg.R2);
                a.stx(Size.DW, Reg.R0, 0, Reg.R1);
            }
            case MAX -> {
                a.jmp(JmpOp.JSGE, Reg.R1, Reg.R2, done);
                a.stx(Size.DW, Reg.R0, 0, Reg.R2);
            }
            case MIN -> {
                Label store = a.newLabel();
                a.ldx(Size.DW, Reg.R3, Reg.R0, 8);
                a.jmp(JmpOp.JEQ, Reg.R3, 0, store);
                a.jmp(JmpOp.JSLE, Reg.R1, Reg.R2, done);
                a.bind(store);
                a.stx(Size.DW, Reg.R0, 0, Reg.R2);
                a.st(Size.DW, Reg.R0, 8, 1);
            }
            case AVG, STATS -> {
                a.add(Reg.R1, 1);
                a.stx(Size.DW, Reg.R0, 0, Reg.R1);
                a.ldx(Size.DW, Reg.R1, Reg.R0, 8);
                a.add(Reg.R1, Reg.R2);
                a.stx(Size.DW, Reg.R0, 8, Reg.R1);
            }
        }
        a.ja(done);
        a.bind(insert);
        a.ldx(Size.DW, Reg.R2, Reg.R10, arg);
        switch (kind) {
            case COUNT, HIST, LHIST -> a.st(Size.DW, Reg.R10, val, 1);
            case SUM -> a.stx(Size.DW, Reg.R10, val, Reg.R2);
            case MAX -> {
                // bpftrace 0.17 compares with 0 when the key is absent (codegen_llvm.cpp, "max": the lookup of
                // a missing key reads 0, and it stores when value s>= old): max(-5) stores nothing, max(0) stores 0
                a.jmp(JmpOp.JSLT, Reg.R2, 0, done);
                a.stx(Size.DW, Reg.R10, val, Reg.R2);
            }
            case MIN -> {
                a.stx(Size.DW, Reg.R10, val, Reg.R2);
                a.st(Size.DW, Reg.R10, val + 8, 1);
            }
            case AVG, STATS -> {
                a.st(Size.DW, Reg.R10, val, 1);
                a.stx(Size.DW, Reg.R10, val + 8, Reg.R2);
            }
        }
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        g.addr(Reg.R3, Reg.R10, val);
        a.movImm(Reg.R4, 0);
        a.call(Helper.MAP_UPDATE_ELEM);
        g.checkUpdate(l, c.span());
        a.bind(done);
    }

    /** Buckets {@link #histBucket} can produce: 0 (negative), 1 (zero), 2 + log2 with log2 at most 31. */
    static final int HIST_BUCKETS = 34;

    /** R0 = hist bucket of the signed value in R0: 0 negative, 1 zero, else 2 + log2 (five shift steps, at most 31). */
    private void histBucket() {
        Label pos = a.newLabel(), end = a.newLabel(), zero = a.newLabel();
        a.jmp(JmpOp.JSGT, Reg.R0, 0, pos);
        a.jmp(JmpOp.JEQ, Reg.R0, 0, zero);
        a.movImm(Reg.R0, 0);
        a.ja(end);
        a.bind(zero);
        a.movImm(Reg.R0, 1);
        a.ja(end);
        a.bind(pos);
        a.movImm(Reg.R1, 2);
        for (int shift = 16; shift >= 1; shift /= 2) {
            Label skip = a.newLabel();
            a.jmp(JmpOp.JLT, Reg.R0, 1 << shift, skip);
            a.rsh(Reg.R0, shift);
            a.add(Reg.R1, shift);
            a.bind(skip);
        }
        a.mov(Reg.R0, Reg.R1);
        a.bind(end);
    }

    /** R0 = lhist bucket of the signed value in R0. */
    private void lhistBucket(long min, long max, long step) {
        Label below = a.newLabel(), above = a.newLabel(), end = a.newLabel();
        a.ldImm64(Reg.R1, min);
        a.jmp(JmpOp.JSLT, Reg.R0, Reg.R1, below);
        a.ldImm64(Reg.R1, max);
        a.jmp(JmpOp.JSGE, Reg.R0, Reg.R1, above);
        a.ldImm64(Reg.R1, min);
        a.sub(Reg.R0, Reg.R1);
        a.ldImm64(Reg.R1, step);
        a.alu64(AluOp.DIV, Reg.R0, Reg.R1);
        a.add(Reg.R0, 1);
        a.ja(end);
        a.bind(below);
        a.movImm(Reg.R0, 0);
        a.ja(end);
        a.bind(above);
        a.ldImm64(Reg.R0, (max - min) / step + 1);
        a.bind(end);
    }
}
