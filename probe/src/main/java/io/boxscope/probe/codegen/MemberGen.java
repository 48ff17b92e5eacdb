package io.boxscope.probe.codegen;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.ast.UnaryOp;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.lang.sema.SType;

/**
 * Memory reached through pointers, for {@link ExprGen}: {@code a->b}, {@code a.b} on an embedded record,
 * {@code a[i]}, {@code *p} and {@code &a->b}, with records typed from kernel BTF ({@code curtask->real_parent->pid},
 * {@code ((struct task_struct *)arg1)->se.on_rq}, {@code args->argv[0]}). The context record of a tracepoint
 * or raw tracepoint ({@code args}) is read with direct loads; everything else with
 * {@code bpf_probe_read_kernel}/{@code _user} into a stack temporary, so a bad pointer reads as zero (as in
 * bpftrace, whose generated code uses the same helpers).
 *
 * <p>The address space of a read follows the root of the pointer chain, as bpftrace 0.17 assigns it:
 * the arguments of {@code syscalls} tracepoints and of uprobes/USDT point into the traced process (user
 * memory); {@code curtask}, raw tracepoint and other tracepoint arguments into the kernel.
 */
final class MemberGen {
    private final Gen g;
    private final Asm a;
    private final ExprGen x;

    MemberGen(Gen g, ExprGen x) {
        this.g = g;
        this.a = g.asm;
        this.x = x;
    }

    /** Whether {@code e} is {@code args} of a tracepoint or raw tracepoint: the program's context is that record. */
    boolean isContextArgs(Expr e) {
        return e instanceof Expr.Builtin b && b.name().equals("args")
                && (g.kind() == ProbeKind.TRACEPOINT || g.kind() == ProbeKind.RAWTRACEPOINT || ProbeCompiler.isFentry(g.kind()));
    }

    /** Where {@code f} reads: the per-attach-point offset of {@code args->X}, or the checker's resolution. */
    FieldAccess access(Expr.Field f) {
        FieldAccess fa = g.program.field(f, g.representative);
        if (fa == null) {
            throw ExprGen.unsupported(f, "this field access");
        }
        return fa;
    }

    /** Whether the memory {@code e} points into (or lies in) belongs to the traced process. */
    boolean user(Expr e) {
        return switch (e) {
            case Expr.Field f when isTupleElement(f) -> false; // the tuple's bytes: the stack, scratch space, a map value
            case Expr.Field f -> user(f.base());
            case Expr.Index i -> user(i.base());
            case Expr.Unary u -> user(u.operand());
            case Expr.Cast c -> user(c.operand());
            case Expr.Binary b -> user(b.left());
            case Expr.Builtin b when b.name().equals("curtask") -> false;
            case Expr.Call c when c.name().equals("kptr") -> false;
            case Expr.Call c when c.name().equals("uptr") -> true;
            case Expr.Call c when !c.args().isEmpty() -> user(c.args().getFirst());
            case Expr.Variable v when x.type(v) instanceof SType.Record -> false; // a struct copied to the stack or scratch
            case Expr.MapRef m when x.type(m) instanceof SType.Record -> false; // a struct in a map value
            case Expr.Variable v -> variableSpaces().getOrDefault(v.name(), g.userPointers());
            default -> g.userPointers();
        };
    }

    private java.util.Map<String, Boolean> variableSpaces;

    /**
     * The address space of each scratch variable: that of the values assigned to it in this probe (kernel
     * if any assignment is kernel, so {@code $t = (struct task_struct *)curtask} reads kernel memory).
     */
    private java.util.Map<String, Boolean> variableSpaces() {
        if (variableSpaces == null) {
            variableSpaces = new java.util.HashMap<>();
            java.util.List<Stmt.Assign> assigns = new java.util.ArrayList<>();
            collect(g.probe.probe().body(), assigns);
            // two rounds: a variable assigned from another variable takes that one's space
            for (int round = 0; round < 2; round++) {
                for (Stmt.Assign as : assigns) {
                    if (as.target() instanceof Expr.Variable v) {
                        boolean u = user(as.value());
                        variableSpaces.merge(v.name(), u, Boolean::logicalAnd);
                    }
                }
            }
        }
        return variableSpaces;
    }

    private static void collect(Block b, java.util.List<Stmt.Assign> out) {
        if (b == null) {
            return;
        }
        for (Stmt s : b.statements()) {
            switch (s) {
                case Stmt.Assign as -> out.add(as);
                case Stmt.If i -> {
                    collect(i.then(), out);
                    collect(i.orElse(), out);
                }
                case Stmt.Unroll u -> collect(u.body(), out);
                case Stmt.While w -> collect(w.body(), out);
                case Stmt.ExprStmt e -> { }
                case Stmt.Return r -> { }
                case Stmt.Break br -> { }
                case Stmt.Continue c -> { }
            }
        }
    }

    /** R0 = the address of the bytes of {@code e} (a field, an array element, a dereferenced pointer). */
    void address(Expr e) {
        switch (e) {
            case Expr.Field f when isTupleElement(f) -> {
                // the tuple's place, then the element's offset in codegen's layout (Layouts)
                address(f.base());
                int off = Layouts.tupleOffset((SType.Tuple) x.type(f.base()), Integer.parseInt(f.field()));
                if (off != 0) {
                    a.add(Reg.R0, off);
                }
            }
            case Expr.Field f -> {
                FieldAccess fa = access(f);
                if (fa.layout() != FieldAccess.Layout.PLAIN && fa.layout() != FieldAccess.Layout.BITFIELD) {
                    throw ExprGen.unsupported(f, "the address of a " + fa.layout() + " field");
                }
                if (isContextArgs(f.base())) {
                    a.mov(Reg.R0, Gen.CTX);
                } else if (x.type(f.base()) instanceof SType.Ptr) {
                    x.integer(f.base());
                } else {
                    address(f.base());
                }
                if (fa.offset() != 0) {
                    a.add(Reg.R0, (int) fa.offset());
                }
            }
            case Expr.Index i -> {
                SType bt = x.type(i.base());
                long elem = switch (bt) {
                    case SType.Array arr -> arr.element().size();
                    case SType.Ptr p -> p.pointee() instanceof SType.None ? 1 : Math.max(1, p.pointee().size());
                    default -> throw ExprGen.unsupported(i, "indexing a value of type " + bt.display());
                };
                int mark = g.frame.mark();
                int tmp = g.frame.alloc(8, i.span());
                if (bt instanceof SType.Array) {
                    address(i.base());
                } else {
                    x.integer(i.base());
                }
                a.stx(Size.DW, Reg.R10, tmp, Reg.R0);
                x.integer(i.index());
                if (elem != 1) {
                    a.alu64(AluOp.MUL, Reg.R0, (int) elem);
                }
                a.ldx(Size.DW, Reg.R1, Reg.R10, tmp);
                a.add(Reg.R0, Reg.R1);
                g.frame.release(mark);
            }
            case Expr.Unary u when u.op() == UnaryOp.DEREF -> x.integer(u.operand());
            // a struct kept in a scratch variable ($t = *p; $t.field): its copy on the stack or in scratch space
            case Expr.Variable v when x.type(v) instanceof SType.Record || x.type(v) instanceof SType.Tuple ->
                    g.addr(Reg.R0, x.base(v), x.offset(v));
            case Expr.MapRef m when x.type(m) instanceof SType.Record || x.type(m) instanceof SType.Tuple -> {
                // a field of a struct map value (@m.f, @m[k].f): its bytes in the map. An absent key reads at
                // address 0 plus the offset, which bpf_probe_read_kernel refuses: the field reads 0, as in bpftrace
                x.lookup(m);
                io.boxscope.bpf.asm.Label found = a.newLabel();
                a.jmp(io.boxscope.bpf.asm.JmpOp.JNE, Reg.R0, 0, found);
                a.movImm(Reg.R0, 0);
                a.bind(found);
            }
            default -> throw ExprGen.unsupported(e, "the address of " + e.getClass().getSimpleName());
        }
    }

    /** Whether {@code f} is an element of a tuple ({@code $t.0}, {@code @m[k].1}), not a struct member. */
    boolean isTupleElement(Expr.Field f) {
        return !f.arrow() && x.type(f.base()) instanceof SType.Tuple;
    }

    /** The expression a chain of tuple elements starts from ({@code $t} of {@code $t.1.0}). */
    private Expr tupleRoot(Expr.Field f) {
        Expr b = f.base();
        return b instanceof Expr.Field inner && isTupleElement(inner) ? tupleRoot(inner) : b;
    }

    /** The offset of a chain of tuple elements from its root's first byte, in codegen's layout ({@link Layouts}). */
    private int elementOffset(Expr.Field f) {
        int off = Layouts.tupleOffset((SType.Tuple) x.type(f.base()), Integer.parseInt(f.field()));
        return f.base() instanceof Expr.Field inner && isTupleElement(inner) ? elementOffset(inner) + off : off;
    }

    /** {@code e} (a field, element or dereference of integer or pointer type) as an integer in R0. */
    void integer(Expr e) {
        SType t = x.type(e);
        if (e instanceof Expr.Field f && isContextArgs(f.base())) {
            contextField(f);
            return;
        }
        if (e instanceof Expr.Index i && i.base() instanceof Expr.Field f && isContextArgs(f.base())
                && x.type(f) instanceof SType.Array arr && (t instanceof SType.Int || t instanceof SType.Ptr)) {
            contextElement(i, f, arr, t);
            return;
        }
        if (e instanceof Expr.Field f && isTupleElement(f) && tupleRoot(f) instanceof Expr.Variable v) {
            // an element of a tuple variable: one load from its slot (the stack or scratch space); kept as 64 bits
            a.ldx(Size.DW, Reg.R0, x.base(v), x.offset(v) + elementOffset(f));
            return;
        }
        FieldAccess fa = e instanceof Expr.Field f ? access(f) : null;
        if (fa != null && fa.layout() == FieldAccess.Layout.BITFIELD) {
            bitfield((Expr.Field) e, fa);
            return;
        }
        int bytes = switch (t) {
            case SType.Int i when fa != null && fa.layout() == FieldAccess.Layout.TUPLE_ELEMENT -> 8; // kept as 64 bits
            case SType.Int i -> i.bytes();
            case SType.Ptr p -> 8;
            case SType.None n -> 8; // *(void *)p: bpftrace reads a u64
            default -> throw ExprGen.unsupported(e, "a value of type " + t.display() + " where an integer is expected");
        };
        address(e);
        read(Reg.R0, bytes, user(e), e);
        if (t instanceof SType.Int i && i.signed()) {
            x.extend(bytes, true);
        }
    }

    /** The load width of an integer of {@code bytes} bytes. */
    static Size loadSize(int bytes) {
        return switch (bytes) {
            case 1 -> Size.B;
            case 2 -> Size.H;
            case 4 -> Size.W;
            default -> Size.DW;
        };
    }

    /** R0 = the {@code bytes} (1, 2, 4 or 8) at the address in {@code from}, zero-extended; 0 if unreadable. */
    private void read(Reg from, int bytes, boolean user, Expr where) {
        int mark = g.frame.mark();
        int tmp = g.frame.alloc(8, where.span());
        a.st(Size.DW, Reg.R10, tmp, 0);
        a.mov(Reg.R3, from);
        g.addr(Reg.R1, Reg.R10, tmp);
        a.movImm(Reg.R2, bytes);
        a.call(user ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
        Size s = loadSize(bytes);
        a.ldx(s, Reg.R0, Reg.R10, tmp);
        g.frame.release(mark);
    }

    /**
     * A bit-field: the bytes that hold it, loaded as one integer in the host's order (kernel memory and the kernel's
     * BTF are in it), shifted down as {@link BitField#rightShift} says for that order, and masked.
     */
    private void bitfield(Expr.Field f, FieldAccess fa) {
        int bytes = BitField.loadBytes(fa.bitOffset(), fa.bitSize());
        if (isContextArgs(f.base())) {
            throw ExprGen.unsupported(f, "a bit-field in a tracepoint record");
        }
        address(f);
        read(Reg.R0, bytes, user(f), f);
        int shift = BitField.rightShift(java.nio.ByteOrder.nativeOrder(), bytes, fa.bitOffset(),
                Math.min(fa.bitSize(), 8 * bytes - fa.bitOffset()));
        if (shift != 0) {
            a.rsh(Reg.R0, shift);
        }
        if (fa.bitSize() < 64) {
            if (fa.bitSize() < 32) {
                a.alu64(AluOp.AND, Reg.R0, (int) ((1L << fa.bitSize()) - 1));
            } else {
                a.ldImm64(Reg.R1, (1L << fa.bitSize()) - 1);
                a.alu64(AluOp.AND, Reg.R0, Reg.R1);
            }
        }
    }

    /**
     * {@code args->ARRAY[N]} of a tracepoint record ({@code raw_syscalls:sys_enter}'s {@code args[6]}): a direct
     * load at a constant offset. The verifier forbids a variable offset from the context pointer, so the index
     * must be a literal here (bpftrace 0.17 requires literal indices everywhere).
     */
    private void contextElement(Expr.Index i, Expr.Field f, SType.Array arr, SType t) {
        if (!(i.index() instanceof Expr.IntLit lit)) {
            throw new CodegenException(i.index().span(), "an index into a tracepoint's record must be an integer literal",
                    "copy the element you need first, e.g. $a = " + "args->" + f.field() + "[0]");
        }
        FieldAccess fa = access(f);
        int bytes = t instanceof SType.Int n ? n.bytes() : 8;
        Size s = loadSize(bytes);
        a.ldx(s, Reg.R0, Gen.CTX, (int) (fa.offset() + lit.value() * arr.element().size()));
        if (t instanceof SType.Int n && n.signed()) {
            x.extend(bytes, true);
        }
    }

    /** args->FIELD as an integer: a load from the tracepoint record (or raw tracepoint u64 slots) the context points at. */
    private void contextField(Expr.Field f) {
        FieldAccess fa = access(f);
        if (fa.layout() != FieldAccess.Layout.PLAIN) {
            throw ExprGen.unsupported(f, "a " + fa.layout() + " field as an integer");
        }
        SType t = fa.type();
        if (!(t instanceof SType.Int || t instanceof SType.Ptr)) {
            throw ExprGen.unsupported(f, "a field of type " + t.display() + " where an integer is expected");
        }
        int bytes = t instanceof SType.Int i ? i.bytes() : 8;
        Size s = loadSize(bytes);
        if (g.kind() == ProbeKind.RAWTRACEPOINT || ProbeCompiler.isFentry(g.kind())) {
            // a raw tracepoint's (and fentry's) context is u64 args[]: the verifier takes only 8-byte loads
            a.ldx(Size.DW, Reg.R0, Gen.CTX, (int) fa.offset());
            if (bytes < 8) {
                x.extend(bytes, t instanceof SType.Int i && i.signed());
            }
            return;
        }
        a.ldx(s, Reg.R0, Gen.CTX, (int) fa.offset());
        if (t instanceof SType.Int i && i.signed()) {
            x.extend(bytes, true);
        }
    }

    /**
     * A {@code char[N]} member reached through a pointer (not the tracepoint record) into a zeroed place of
     * {@code cap} bytes: at most cap - 1 bytes are read, so the string always ends in a NUL.
     */
    void charArray(Expr e, int n, int cap, Reg base, int off) {
        address(e);
        a.mov(Reg.R3, Reg.R0);
        g.addr(Reg.R1, base, off);
        a.movImm(Reg.R2, Math.max(1, Math.min(n, cap - 1)));
        a.call(user(e) ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
    }
}
