package io.boxscope.probe.codegen;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.ast.AssignOp;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.sema.SType;

/**
 * Statements: assignments to scratch variables and maps, {@code if/else}, {@code unroll}, and the
 * calls that are statements ({@code printf}, {@code print}, {@code clear}, {@code zero},
 * {@code delete}, {@code exit}). Aggregations are in {@link AggGen}. Each statement's temporaries
 * are released when it ends.
 */
final class StmtGen {
    private final Gen g;
    private final Asm a;
    private final ExprGen x;
    private final AggGen agg;
    /** Enclosing while loops, innermost first: {condition label, end label}. */
    private final java.util.ArrayDeque<Label[]> loops = new java.util.ArrayDeque<>();

    StmtGen(Gen g, ExprGen x) {
        this.g = g;
        this.a = g.asm;
        this.x = x;
        this.agg = new AggGen(g, x);
    }

    /** Generates a block; true when it ends the probe (exit() or return: no code may follow, it would be unreachable). */
    boolean block(Block b) {
        for (Stmt s : b.statements()) {
            int mark = g.frame.mark();
            boolean ends = stmt(s);
            g.frame.release(mark);
            if (ends) {
                return true; // exit() returns from the probe in bpftrace 0.17: what follows never runs
            }
        }
        return false;
    }

    private boolean stmt(Stmt s) {
        switch (s) {
            case Stmt.ExprStmt e -> {
                exprStmt(e.expr());
                return e.expr() instanceof Expr.Call c && c.name().equals("exit");
            }
            case Stmt.Assign as -> assign(as);
            case Stmt.If i -> {
                Label no = a.newLabel(), end = a.newLabel();
                x.truth(i.condition());
                a.jmp(JmpOp.JEQ, Reg.R0, 0, no);
                boolean thenEnds = block(i.then());
                if (!thenEnds) {
                    a.ja(end);
                }
                a.bind(no);
                boolean elseEnds = i.orElse() != null && block(i.orElse());
                a.bind(end);
                if (thenEnds && elseEnds) {
                    throw new CodegenException(i.span(), "not supported by code generation yet: code after an if/else whose both branches exit");
                }
            }
            case Stmt.Unroll u -> {
                long n = u.count() instanceof Expr.IntLit l ? l.value() : 0;
                if (n <= 0) {
                    throw ExprGen.unsupported(u.count(), "unroll with a count that is not a literal");
                }
                for (long i = 0; i < n; i++) {
                    if (block(u.body())) {
                        return true;
                    }
                }
            }
            case Stmt.Return r -> {
                a.ja(g.exit);
                return true;
            }
            case Stmt.While w -> {
                // a bounded loop the verifier proves finite (Linux 5.3+), as bpftrace 0.17 emits it
                Label top = a.newLabel(), end = a.newLabel();
                a.bind(top);
                x.truth(w.condition());
                a.jmp(JmpOp.JEQ, Reg.R0, 0, end);
                loops.push(new Label[] {top, end});
                boolean ends = block(w.body());
                loops.pop();
                if (!ends) {
                    a.ja(top);
                }
                a.bind(end);
            }
            case Stmt.Break b -> {
                if (loops.isEmpty()) {
                    throw new CodegenException(b.span(), "break outside a while loop");
                }
                a.ja(loops.peek()[1]);
                return true;
            }
            case Stmt.Continue c -> {
                if (loops.isEmpty()) {
                    throw new CodegenException(c.span(), "continue outside a while loop");
                }
                a.ja(loops.peek()[0]);
                return true;
            }
        }
        return false;
    }

    private void exprStmt(Expr e) {
        switch (e) {
            case Expr.Call c -> call(c);
            case Expr.IncDec i -> compound(i.target(), i.increment() ? io.boxscope.probe.lang.ast.BinaryOp.ADD
                    : io.boxscope.probe.lang.ast.BinaryOp.SUB, null, e);
            default -> {
                if (x.type(e).isIntegerLike()) {
                    x.integer(e);
                }
            }
        }
    }

    private void call(Expr.Call c) {
        switch (c.name()) {
            case "printf" -> printf(c);
            case "exit" -> {
                g.emitAction(g.action(new Action.Exit()), c.span());
                a.ja(g.exit);
            }
            case "clear", "zero" -> {
                String map = ((Expr.MapRef) c.args().getFirst()).name();
                g.emitAction(g.action(c.name().equals("clear") ? new Action.Clear(map) : new Action.Zero(map)), c.span());
            }
            case "print" -> print(c);
            case "time" -> record(g.action(new Action.Time(c.args().isEmpty() ? null
                    : utf8(((Expr.StrLit) c.args().getFirst()).bytes()))), List.of(), List.of(), c);
            case "cat", "system" -> printf(c);
            case "signal" -> x.calls.signal(c);
            case "join" -> join(c);
            case "delete" -> {
                Expr.MapRef m = (Expr.MapRef) c.args().getFirst();
                MapLayout l = g.maps.get(m.name());
                if (l.isArray()) {
                    // an unkeyed count(): a one-slot per-CPU array, whose slot cannot be deleted. bpftrace 0.17 writes
                    // 0 to it from the program, which sets this CPU's count only: counts other CPUs made stay, and
                    // the map still prints (@c: 0 when this CPU made them all)
                    int key = g.frame.alloc(8, c.span()), val = g.frame.alloc(8, c.span());
                    a.st(Size.DW, Reg.R10, key, 0);
                    a.st(Size.DW, Reg.R10, val, 0);
                    update(l, new Place(Reg.R10, key), val, c.span());
                    return;
                }
                Place key = x.key(m, l);
                if (l.agg() == io.boxscope.probe.lang.sema.AggKind.HIST || l.agg() == io.boxscope.probe.lang.sema.AggKind.LHIST) {
                    deleteBuckets(l, key, c.span());
                    return;
                }
                a.ldMap(Reg.R1, l.kernelName());
                g.addr(Reg.R2, key.base(), key.off());
                a.call(Helper.MAP_DELETE_ELEM);
            }
            default -> {
                if (io.boxscope.probe.lang.sema.AggKind.of(c.name()) != null) {
                    throw ExprGen.unsupported(c, c.name() + "() outside an assignment to a map");
                }
                throw ExprGen.unsupported(c, c.name() + "()");
            }
        }
    }

    /**
     * delete(@h[k]) of a hist or lhist map: the kernel keys are (k, bucket), so every bucket the map can have is
     * deleted, in a bounded loop the verifier proves finite (Linux 5.3+). bpftrace 0.17 emits one delete of a key
     * without a bucket, which matches no entry: the histogram stays (its later versions keep a key's buckets in
     * one value, and delete it).
     */
    private void deleteBuckets(MapLayout l, Place key, io.boxscope.probe.lang.diag.Span where) {
        long buckets = l.agg() == io.boxscope.probe.lang.sema.AggKind.HIST ? AggGen.HIST_BUCKETS
                : (l.info().aggArgs().get(1) - l.info().aggArgs().get(0)) / l.info().aggArgs().get(2) + 2;
        Place bucket = key.plus(l.scriptKeySize());
        // the loop counter lives on the stack, whose spilled scalars the verifier tracks exactly; a counter read back
        // from a key in scratch space (a map value) is an unknown number to it, and the loop would never end for it
        int counter = g.frame.alloc(8, where);
        a.st(Size.DW, Reg.R10, counter, 0);
        Label top = a.newLabel();
        a.bind(top);
        a.ldx(Size.DW, Reg.R0, Reg.R10, counter);
        a.stx(Size.DW, bucket.base(), bucket.off(), Reg.R0);
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        a.call(Helper.MAP_DELETE_ELEM);
        a.ldx(Size.DW, Reg.R0, Reg.R10, counter);
        a.add(Reg.R0, 1);
        a.stx(Size.DW, Reg.R10, counter, Reg.R0);
        a.jmp(JmpOp.JLT, Reg.R0, (int) buckets, top);
    }

    /** bpftrace 0.17's join() limits: 16 arguments of up to 1024 bytes each (bpftrace.h, join_argnum_/join_argsize_). */
    static final int JOIN_ARGS = 16, JOIN_ARG_SIZE = 1024;

    /**
     * join(argv [, delimiter]): reads up to {@link #JOIN_ARGS} pointers from the array and the strings they
     * point to straight into a ring-buffer record (too big for the stack); the first NULL pointer ends it.
     */
    private void join(Expr.Call c) {
        Expr arr = c.args().getFirst();
        String delim = c.args().size() > 1 ? utf8(((Expr.StrLit) c.args().get(1)).bytes()) : " ";
        int id = g.action(new Action.Join(delim, JOIN_ARGS, JOIN_ARG_SIZE));
        boolean user = x.members.user(arr);
        int mark = g.frame.mark();
        int ptr = g.frame.alloc(8, c.span());
        // 16 KiB is too much to zero instruction by instruction: each slot is written by a _str read, which
        // NUL-terminates (or zeroes the slot on failure), and the count at offset 8 says how many were read
        ringRecord(id, 16 + JOIN_ARGS * JOIN_ARG_SIZE, false, () -> {
            Label done = a.newLabel();
            a.st(Size.DW, Gen.RECORD, 8, 0);
            for (int i = 0; i < JOIN_ARGS; i++) {
                x.integer(arr);
                if (i > 0) {
                    a.add(Reg.R0, 8 * i);
                }
                a.st(Size.DW, Reg.R10, ptr, 0);
                a.mov(Reg.R3, Reg.R0);
                g.addr(Reg.R1, Reg.R10, ptr);
                a.movImm(Reg.R2, 8);
                a.call(user ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
                a.ldx(Size.DW, Reg.R3, Reg.R10, ptr);
                a.jmp(JmpOp.JEQ, Reg.R3, 0, done);
                g.addr(Reg.R1, Gen.RECORD, 16 + i * JOIN_ARG_SIZE);
                a.movImm(Reg.R2, JOIN_ARG_SIZE);
                a.call(user ? Helper.PROBE_READ_USER_STR : Helper.PROBE_READ_KERNEL_STR);
                a.st(Size.DW, Gen.RECORD, 8, i + 1);
            }
            a.bind(done);
        });
        g.frame.release(mark);
    }

    private void print(Expr.Call c) {
        Expr first = c.args().getFirst();
        if (first instanceof Expr.MapRef m && m.keys().isEmpty()) {
            long top = c.args().size() > 1 ? literal(c.args().get(1)) : 0;
            long div = c.args().size() > 2 ? literal(c.args().get(2)) : 0;
            g.emitAction(g.action(new Action.PrintMap(m.name(), top, div)), c.span());
            return;
        }
        SType t = x.type(first);
        record(g.action(new Action.PrintValue(t)), List.of(first), List.of(t), c);
    }

    private static long literal(Expr e) {
        if (e instanceof Expr.IntLit l) {
            return l.value();
        }
        throw ExprGen.unsupported(e, "print() with a top or div that is not an integer literal");
    }

    private void printf(Expr.Call c) {
        String format = utf8(((Expr.StrLit) c.args().getFirst()).bytes());
        List<Expr> args = c.args().subList(1, c.args().size());
        List<SType> types = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int off = 8;
        for (Expr e : args) {
            SType t = x.type(e);
            types.add(t);
            offsets.add(off);
            off += Layouts.size(t);
        }
        Action action = switch (c.name()) {
            case "cat" -> new Action.Cat(format, types, offsets);
            case "system" -> new Action.System(format, types, offsets);
            default -> new Action.Printf(format, types, offsets, off);
        };
        record(g.action(action), args, types, c);
    }

    /** A literal's bytes as the text bpftrace writes (UTF-8 source stays UTF-8). */
    static String utf8(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A ring-buffer record: reserve, zero, action number, each value at 8 + its offset, submit. A full
     * ring buffer counts the record as lost instead.
     */
    private void record(int id, List<Expr> values, List<SType> types, Expr.Call where) {
        int size = 8;
        for (SType t : types) {
            size += Layouts.size(t);
        }
        ringRecord(id, size, true, () -> {
            int off = 8;
            for (int i = 0; i < values.size(); i++) {
                x.store(values.get(i), types.get(i), Gen.RECORD, off);
                off += Layouts.size(types.get(i));
            }
        });
    }

    /**
     * Reserves a ring-buffer record of {@code size} bytes in R9 (zeroed first when {@code zero}), writes the
     * action number at offset 0, lets {@code fill} write the rest, and submits it; a full ring buffer counts
     * a lost record instead.
     */
    private void ringRecord(int id, int size, boolean zero, Runnable fill) {
        Label full = a.newLabel(), done = a.newLabel();
        a.ldMap(Reg.R1, Gen.RINGBUF);
        a.movImm(Reg.R2, size);
        a.movImm(Reg.R3, 0);
        a.call(Helper.RINGBUF_RESERVE);
        a.jmp(JmpOp.JEQ, Reg.R0, 0, full);
        a.mov(Gen.RECORD, Reg.R0);
        if (zero) {
            g.zero(Gen.RECORD, 0, size);
        }
        a.ldImm64(Reg.R1, id);
        a.stx(Size.DW, Gen.RECORD, 0, Reg.R1);
        fill.run();
        a.mov(Reg.R1, Gen.RECORD);
        a.movImm(Reg.R2, 0);
        a.call(Helper.RINGBUF_SUBMIT);
        a.ja(done);
        a.bind(full);
        g.countLost();
        a.bind(done);
    }

    private void assign(Stmt.Assign s) {
        if (s.op() != AssignOp.ASSIGN) {
            compound(s.target(), s.op().binary(), s.value(), s.value());
            return;
        }
        if (s.target() instanceof Expr.Variable v) {
            SType vt = g.probe.variables().get(v.name());
            int slot = x.offset(v);
            Reg base = x.base(v);
            boolean wide = vt instanceof SType.Str || vt instanceof SType.Tuple || vt instanceof SType.Record;
            if (wide && ProbeCompiler.readsVariable(s.value(), v.name())) {
                selfAssign(v, vt, s);
                return;
            }
            if (vt instanceof SType.Str || vt instanceof SType.Tuple) {
                // strings stop at their NUL and tuples are written element by element; a struct is written whole
                // (ExprGen.store zeroes it for a map read under an absent key, as bpftrace 0.17 reads it)
                g.zero(new Place(base, slot), Layouts.size(vt)); // one helper call for a tuple in scratch space
            }
            x.store(s.value(), vt, base, slot);
            return;
        }
        Expr.MapRef m = (Expr.MapRef) s.target();
        MapLayout l = g.maps.get(m.name());
        if (s.value() instanceof Expr.Call c && io.boxscope.probe.lang.sema.AggKind.of(c.name()) != null) {
            agg.aggregate(m, l, c);
            return;
        }
        Place key = x.key(m, l);
        if (g.valueInScratch(l)) {
            // a struct value, or long strings, over the stack's share for a value are built in this program's scratch
            // space, then copied by the update
            int mark = g.scratchMark();
            int val = g.scratchAlloc(l.valueSize(), s.span());
            if (!(l.info().value() instanceof SType.Record)) {
                g.zero(new Place(Gen.SCRATCH, val), Layouts.round(l.valueSize())); // strings stop at their NUL
            }
            x.store(s.value(), l.info().value(), Gen.SCRATCH, val);
            update(l, key, Gen.SCRATCH, val, s.span());
            g.scratchRelease(mark);
            return;
        }
        int val = g.frame.alloc(l.valueSize(), s.span());
        g.zero(Reg.R10, val, Layouts.round(l.valueSize()));
        x.store(s.value(), l.info().value(), Reg.R10, val);
        update(l, key, val, s.span());
    }

    /**
     * A string, tuple or struct variable assigned a value that reads the variable itself ({@code $t = ($t.1, $t.0)},
     * {@code $t = ($t.0 + 1, "x")}, {@code $s = c ? $s : "x"}, {@code $c = @m[$c.weight]}: a struct copied through a
     * map and back): the variable's place is zeroed before a string, tuple or struct from a map is written into it
     * (strings stop at their NUL, an absent map key leaves zeros), and the value's elements are written one by one, so
     * building the value there would read zeros or half-written elements. It is built in a zeroed temporary of the
     * variable's size instead (on the stack, or in scratch space when the variable lives there) and then copied
     * over the whole variable, as bpftrace 0.17 does (a tuple literal or string is built in a stack buffer of its own,
     * which the assignment copies into the variable: codegen_llvm.cpp, AssignVarStatement).
     */
    private void selfAssign(Expr.Variable v, SType vt, Stmt.Assign s) {
        int size = Layouts.size(vt);
        Reg base = x.base(v);
        Place tmp = base == Gen.SCRATCH ? new Place(Gen.SCRATCH, g.scratchAlloc(size, s.span()))
                : new Place(Reg.R10, g.frame.alloc(size, s.span()));
        g.zero(tmp, size);
        x.store(s.value(), vt, tmp.base(), tmp.off());
        g.copyValue(base, x.offset(v), tmp.base(), tmp.off(), size, Reg.R0);
    }

    /** bpf_map_update_elem(map, key, fp + val, BPF_ANY), a failure counted against {@code where}. */
    void update(MapLayout l, Place key, int val, io.boxscope.probe.lang.diag.Span where) {
        update(l, key, Reg.R10, val, where);
    }

    /** bpf_map_update_elem(map, key, valBase + val, BPF_ANY), a failure counted against {@code where}. */
    private void update(MapLayout l, Place key, Reg valBase, int val, io.boxscope.probe.lang.diag.Span where) {
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        g.addr(Reg.R3, valBase, val);
        a.movImm(Reg.R4, 0);
        a.call(Helper.MAP_UPDATE_ELEM);
        g.checkUpdate(l, where);
    }

    /** {@code target OP= value} and {@code target++}: read, apply, write back (value null means 1). */
    private void compound(Expr target, io.boxscope.probe.lang.ast.BinaryOp op, Expr value, Expr where) {
        boolean signed = ExprGen.signed(x.type(target)) && (value == null || ExprGen.signed(x.type(value)));
        int mark = g.frame.mark();
        int tmp = g.frame.alloc(8, where.span());
        x.integer(target);
        a.stx(Size.DW, Reg.R10, tmp, Reg.R0);
        if (value == null) {
            a.movImm(Reg.R0, 1);
        } else {
            x.integer(value);
        }
        a.mov(Reg.R1, Reg.R0);
        a.ldx(Size.DW, Reg.R0, Reg.R10, tmp);
        x.apply(op, signed);
        if (target instanceof Expr.Variable v) {
            a.stx(Size.DW, Reg.R10, x.slot(v), Reg.R0);
        } else {
            Expr.MapRef m = (Expr.MapRef) target;
            MapLayout l = g.maps.get(m.name());
            a.stx(Size.DW, Reg.R10, tmp, Reg.R0);
            Place key = x.key(m, l);
            update(l, key, tmp, where.span());
        }
        g.frame.release(mark);
    }
}
