package io.boxscope.probe.codegen;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.ast.BinaryOp;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.lang.sema.SpecialKind;

/**
 * Expressions: {@link #integer} leaves an integer-like value in R0 (64 bits, sign- or zero-extended
 * from its type, as bpftrace's LLVM code holds it); {@link #store} writes any value's bytes to a place
 * (R10 + off on the stack, R9 + off in a ring-buffer record). Arithmetic follows bpftrace 0.17:
 * comparisons are signed only when both sides are signed; division, modulo and {@code >>} are unsigned.
 */
final class ExprGen {
    private final Gen g;
    private final Asm a;

    private final StrGen strings;
    final MemberGen members;
    final CallGen calls;

    ExprGen(Gen g) {
        this.g = g;
        this.a = g.asm;
        this.strings = new StrGen(g, this);
        this.members = new MemberGen(g, this);
        this.calls = new CallGen(g, this, strings);
    }

    SType type(Expr e) {
        return g.program.type(e);
    }

    /** Evaluates an integer, pointer, probe id or boolean into R0. */
    void integer(Expr e) {
        switch (e) {
            case Expr.IntLit i -> a.ldImm64(Reg.R0, i.value());
            case Expr.Builtin b -> builtin(b);
            case Expr.Identifier id -> a.ldImm64(Reg.R0, g.program.constant(id));
            case Expr.Positional p -> a.ldImm64(Reg.R0, positional(p));
            case Expr.PositionalCount p -> a.ldImm64(Reg.R0, g.program.options().positionals().size());
            case Expr.Variable v -> a.ldx(Size.DW, Reg.R0, Reg.R10, slot(v));
            case Expr.MapRef m -> mapInt(m);
            case Expr.Binary b -> binary(b);
            case Expr.Unary u -> unary(u);
            case Expr.Ternary t -> {
                Label no = a.newLabel(), end = a.newLabel();
                truth(t.condition());
                a.jmp(JmpOp.JEQ, Reg.R0, 0, no);
                integer(t.then());
                a.ja(end);
                a.bind(no);
                integer(t.orElse());
                a.bind(end);
            }
            case Expr.Field f -> members.integer(f);
            case Expr.Cast c -> {
                integer(c.operand());
                if (type(c) instanceof SType.Int t) {
                    // bpftrace 0.17 widens by the target's signedness, not the operand's (codegen_llvm.cpp, visit(Cast):
                    // CreateIntCast(value, target, target.IsSigned())): (uint64)(int32)-7 is 4294967289, (int64)(uint32)
                    // 4294967295 is -1, where C would give 2^64-7 and 4294967295 (difffuzz seed 31)
                    if (type(c.operand()) instanceof SType.Int from && from.bytes() < t.bytes()) {
                        extend(from.bytes(), t.signed());
                    }
                    extend(t.bytes(), t.signed());
                }
            }
            case Expr.SizeofExpr s -> a.ldImm64(Reg.R0, type(s.operand()).size());
            case Expr.SizeofType s -> a.ldImm64(Reg.R0, g.program.constant(s));
            case Expr.Call c -> calls.integer(c);
            case Expr.StrLit s -> throw unsupported(e, "a string where an integer is expected");
            case Expr.IncDec i -> calls.incDec(i);
            case Expr.Index i -> members.integer(i);
            case Expr.Offsetof o -> a.ldImm64(Reg.R0, g.program.constant(o));
            case Expr.Tuple t -> throw unsupported(e, "a tuple where an integer is expected");
        }
    }

    static CodegenException unsupported(Expr e, String what) {
        return new CodegenException(e.span(), "not supported by code generation yet: " + what,
                "docs/probe.md lists what runs today");
    }

    private long positional(Expr.Positional p) {
        return io.boxscope.probe.lang.sema.PositionalParams.value(g.program.options().positionals(), p.index());
    }

    /** The register a scratch variable's bytes are addressed from: R10 (the stack) or {@link Gen#SCRATCH}. */
    Reg base(Expr.Variable v) {
        return g.scratchVariables.containsKey(v.name()) ? Gen.SCRATCH : Reg.R10;
    }

    /** A scratch variable's offset from {@link #base}. */
    int offset(Expr.Variable v) {
        Integer s = g.scratchVariables.get(v.name());
        return s != null ? s : slot(v);
    }

    int slot(Expr.Variable v) {
        Integer s = g.variables.get(v.name());
        if (s == null) {
            throw new CodegenException(v.span(), "variable $" + v.name() + " has no slot");
        }
        return s;
    }

    /** Truncates R0 to {@code bytes} and extends it back to 64 bits by {@code signed}. */
    void extend(int bytes, boolean signed) {
        if (bytes >= 8) {
            return;
        }
        int shift = 64 - bytes * 8;
        a.lsh(Reg.R0, shift);
        a.alu64(signed ? AluOp.ARSH : AluOp.RSH, Reg.R0, shift);
    }

    private void builtin(Expr.Builtin b) {
        switch (b.name()) {
            case "pid" -> {
                a.call(Helper.GET_CURRENT_PID_TGID);
                a.rsh(Reg.R0, 32);
            }
            case "tid" -> {
                a.call(Helper.GET_CURRENT_PID_TGID);
                a.alu32(AluOp.MOV, Reg.R0, Reg.R0);
            }
            case "uid", "username" -> {
                a.call(Helper.GET_CURRENT_UID_GID);
                a.alu32(AluOp.MOV, Reg.R0, Reg.R0);
            }
            case "gid" -> {
                a.call(Helper.GET_CURRENT_UID_GID);
                a.rsh(Reg.R0, 32);
            }
            case "nsecs" -> a.call(Helper.KTIME_GET_NS);
            case "elapsed" -> {
                a.call(Helper.KTIME_GET_NS);
                a.ldImm64(Reg.R1, g.startNanos);
                a.sub(Reg.R0, Reg.R1);
            }
            case "cpu" -> a.call(Helper.GET_SMP_PROCESSOR_ID);
            case "cgroup", "container" -> a.call(Helper.GET_CURRENT_CGROUP_ID);
            case "rand" -> a.call(Helper.GET_PRANDOM_U32);
            case "cpid" -> {
                a.ldMapValue(Reg.R0, Gen.CPID, 0);
                a.ldx(Size.DW, Reg.R0, Reg.R0, 0);
            }
            case "probe" -> {
                if (g.probeId >= 0) {
                    a.ldImm64(Reg.R0, g.probeId);
                } else {
                    a.mov(Reg.R1, Gen.CTX);
                    a.call(Helper.GET_ATTACH_COOKIE);
                }
            }
            case "curtask" -> a.call(Helper.GET_CURRENT_TASK);
            case "func" -> {
                // a kprobe's function (ksym prints its name): bpf_get_func_ip (Linux 5.15+; kretprobes 5.19+) gives
                // the probed function's address whether the kprobe sits on an int3 or an ftrace call site, where the
                // saved instruction pointer would be off by the instruction's size
                // (and a kfunc/kretfunc's: the traced function's address from the trampoline, Linux 5.15+)
                if (g.kind() != io.boxscope.probe.lang.sema.ProbeKind.KPROBE && g.kind() != io.boxscope.probe.lang.sema.ProbeKind.KRETPROBE
                        && !ProbeCompiler.isFentry(g.kind())) {
                    throw unsupported(b, "func in " + g.kind().label() + " probes");
                }
                a.mov(Reg.R1, Gen.CTX);
                a.call(Helper.GET_FUNC_IP);
            }
            case "retval" -> {
                if (g.kind() == io.boxscope.probe.lang.sema.ProbeKind.KRETFUNC) {
                    // fexit's context is the arguments' u64 slots, then the return value (kernel/bpf/trampoline.c,
                    // arch_prepare_bpf_trampoline: the return value is stored after the arguments' slots)
                    long[] slots = fentrySlots(b);
                    a.ldx(Size.DW, Reg.R0, Gen.CTX, (int) slots[slots.length - 1]);
                } else {
                    a.ldx(Size.DW, Reg.R0, Gen.CTX, regs(b).ret());
                }
            }
            default -> {
                if (b.name().matches("arg[0-9]+")) {
                    // kfunc/kretfunc never get here: the semantic pass refuses argN there, as bpftrace 0.17 does (their
                    // parameters are args.NAME, read by the args path)
                    int i = Integer.parseInt(b.name().substring(3));
                    if (g.kind() == io.boxscope.probe.lang.sema.ProbeKind.RAWTRACEPOINT) {
                        // the context is the tracepoint's arguments as u64 args[] (include/linux/trace_events.h, bpf_raw_tracepoint_args)
                        a.ldx(Size.DW, Reg.R0, Gen.CTX, 8 * i);
                        return;
                    }
                    if (g.kind() == io.boxscope.probe.lang.sema.ProbeKind.USDT) {
                        UsdtArgGen.load(g, b, i);
                        return;
                    }
                    try {
                        a.ldx(Size.DW, Reg.R0, Gen.CTX, regs(b).arg(i));
                    } catch (IllegalArgumentException e) {
                        throw new CodegenException(b.span(), e.getMessage());
                    }
                    return;
                }
                throw unsupported(b, "the builtin " + b.name());
            }
        }
    }

    /** {@link io.boxscope.probe.lang.sema.FentrySlots#of} of the function a kfunc/kretfunc program traces. */
    private long[] fentrySlots(Expr.Builtin b) {
        String fn = g.representative.target().getFirst();
        try {
            if (g.btf == null) {
                throw new io.boxscope.bpf.btf.BtfException("the kernel's BTF is not readable");
            }
            int id = g.btf.findId(fn, io.boxscope.bpf.btf.BtfKind.FUNC).orElseThrow(
                    () -> new io.boxscope.bpf.btf.BtfException("no function " + fn + " in the kernel's BTF"));
            return io.boxscope.probe.lang.sema.FentrySlots.of(g.btf, g.btf.signature(id));
        } catch (io.boxscope.bpf.btf.BtfException e) {
            throw new CodegenException(b.span(), b.name() + " of " + fn + ": " + e.getMessage());
        }
    }

    private io.boxscope.bpf.btf.PtRegs regs(Expr.Builtin b) {
        if (g.regs == null) {
            throw new CodegenException(b.span(), b.name() + " needs the layout of struct pt_regs from kernel BTF, which is not readable");
        }
        return g.regs;
    }

    /**
     * R0 = bpf_get_stackid(ctx, stacks_N, flags): the id of the current kernel or user stack's first N frames in the
     * map of the stack's limit ({@link StackMaps}), negative on failure.
     */
    private void stack(SType.Stack st) {
        a.mov(Reg.R1, Gen.CTX);
        a.ldMap(Reg.R2, StackMaps.name(st.limit()));
        a.movImm(Reg.R3, st.user() ? 1 << 8 : 0); // BPF_F_USER_STACK
        a.call(Helper.GET_STACKID);
    }

    /** A map read as an integer: the value, or 0 when the key is absent. */
    private void mapInt(Expr.MapRef m) {
        lookup(m);
        Label end = a.newLabel();
        a.jmp(JmpOp.JEQ, Reg.R0, 0, end);
        a.ldx(Size.DW, Reg.R0, Reg.R0, 0);
        a.bind(end);
    }

    /** R0 = bpf_map_lookup_elem(@m, key) (null when absent). */
    void lookup(Expr.MapRef m) {
        MapLayout l = g.maps.get(m.name());
        int mark = g.frame.mark();
        Place key = key(m, l);
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        a.call(Helper.MAP_LOOKUP_ELEM);
        g.frame.release(mark);
    }

    /**
     * Builds the kernel key of {@code @m[...]} (zeroed first: padding is part of a hash key): on the stack, or in the
     * program's per-CPU scratch space when it is larger than {@link Gen#STACK_KEY_MAX} bytes (several long strings,
     * a struct; the prologue looked the scratch value up, {@code ProbeCompiler.needsScratch}). Released with the
     * caller's frame mark either way.
     */
    Place key(Expr.MapRef m, MapLayout l) {
        int bytes = Layouts.round(l.keySize());
        Place key = g.keyInScratch(l) ? new Place(Gen.SCRATCH, g.scratchAlloc(bytes, m.span()))
                : new Place(Reg.R10, g.frame.alloc(bytes, m.span()));
        g.zero(key, bytes);
        SType kt = l.info().key();
        if (m.keys().size() == 1) {
            store(m.keys().getFirst(), kt, key.base(), key.off());
        } else if (m.keys().size() > 1) {
            SType.Tuple t = (SType.Tuple) kt;
            for (int i = 0; i < m.keys().size(); i++) {
                store(m.keys().get(i), t.elements().get(i), key.base(), key.off() + Layouts.tupleOffset(t, i));
            }
        }
        return key;
    }

    /** R0 = 0 or 1: whether the value is true (non-zero integer). */
    void truth(Expr e) {
        integer(e);
    }

    private void binary(Expr.Binary b) {
        SType lt = type(b.left()), rt = type(b.right());
        if (lt instanceof SType.Str || rt instanceof SType.Str) {
            if (b.op() != BinaryOp.EQ && b.op() != BinaryOp.NE) {
                throw unsupported(b, "operator " + b.op().symbol() + " on strings");
            }
            strings.equal(b.left(), b.right(), b.op() == BinaryOp.NE);
            return;
        }
        if (b.op() == BinaryOp.LAND || b.op() == BinaryOp.LOR) {
            Label shortcut = a.newLabel(), end = a.newLabel();
            integer(b.left());
            a.jmp(b.op() == BinaryOp.LAND ? JmpOp.JEQ : JmpOp.JNE, Reg.R0, 0, shortcut);
            integer(b.right());
            a.jmp(JmpOp.JEQ, Reg.R0, 0, end);
            a.movImm(Reg.R0, 1);
            a.ja(end);
            a.bind(shortcut);
            a.movImm(Reg.R0, b.op() == BinaryOp.LAND ? 0 : 1);
            a.bind(end);
            return;
        }
        boolean signed = signed(lt) && signed(rt);
        int mark = g.frame.mark();
        int tmp = g.frame.alloc(8, b.span());
        integer(b.left());
        a.stx(Size.DW, Reg.R10, tmp, Reg.R0);
        integer(b.right());
        a.mov(Reg.R1, Reg.R0);
        a.ldx(Size.DW, Reg.R0, Reg.R10, tmp);
        g.frame.release(mark);
        apply(b.op(), signed);
    }

    static boolean signed(SType t) {
        return t instanceof SType.Int i && i.signed();
    }

    /** R0 = R0 op R1. */
    void apply(BinaryOp op, boolean signed) {
        switch (op) {
            case ADD -> a.add(Reg.R0, Reg.R1);
            case SUB -> a.sub(Reg.R0, Reg.R1);
            case MUL -> a.alu64(AluOp.MUL, Reg.R0, Reg.R1);
            case DIV -> a.alu64(AluOp.DIV, Reg.R0, Reg.R1);
            case MOD -> a.alu64(AluOp.MOD, Reg.R0, Reg.R1);
            case BAND -> a.alu64(AluOp.AND, Reg.R0, Reg.R1);
            case BOR -> a.alu64(AluOp.OR, Reg.R0, Reg.R1);
            case BXOR -> a.alu64(AluOp.XOR, Reg.R0, Reg.R1);
            case SHL -> a.alu64(AluOp.LSH, Reg.R0, Reg.R1);
            case SHR -> a.alu64(AluOp.RSH, Reg.R0, Reg.R1);
            case EQ -> compare(JmpOp.JEQ);
            case NE -> compare(JmpOp.JNE);
            case LT -> compare(signed ? JmpOp.JSLT : JmpOp.JLT);
            case LE -> compare(signed ? JmpOp.JSLE : JmpOp.JLE);
            case GT -> compare(signed ? JmpOp.JSGT : JmpOp.JGT);
            case GE -> compare(signed ? JmpOp.JSGE : JmpOp.JGE);
            case LAND, LOR -> throw new IllegalStateException("short-circuit operators are generated in binary()");
        }
    }

    private void compare(JmpOp op) {
        Label yes = a.newLabel(), end = a.newLabel();
        a.jmp(op, Reg.R0, Reg.R1, yes);
        a.movImm(Reg.R0, 0);
        a.ja(end);
        a.bind(yes);
        a.movImm(Reg.R0, 1);
        a.bind(end);
    }

    private void unary(Expr.Unary u) {
        if (u.op() == io.boxscope.probe.lang.ast.UnaryOp.DEREF) {
            members.integer(u);
            return;
        }
        if (u.op() == io.boxscope.probe.lang.ast.UnaryOp.ADDR) {
            members.address(u.operand());
            return;
        }
        integer(u.operand());
        switch (u.op()) {
            case NOT -> {
                a.mov(Reg.R1, Reg.R0);
                a.movImm(Reg.R0, 0);
                compareZero();
            }
            case BNOT -> a.alu64(AluOp.XOR, Reg.R0, -1);
            case NEG -> a.neg(Reg.R0);
            default -> throw unsupported(u, "the unary operator " + u.op().symbol());
        }
    }

    /** R0 = (R1 == 0). */
    private void compareZero() {
        Label end = a.newLabel();
        a.jmp(JmpOp.JNE, Reg.R1, 0, end);
        a.movImm(Reg.R0, 1);
        a.bind(end);
    }

    /**
     * Writes the value of {@code e}, as {@code target} (its size decides the bytes written), at base + off.
     * The place must be zeroed when {@code target} is a string or tuple (strings stop at their NUL).
     */
    void store(Expr e, SType target, Reg base, int off) {
        SType t = type(e);
        if (target instanceof SType.Str ts) {
            strings.string(e, t, ts.bytes(), base, off);
        } else if (target instanceof SType.Tuple tt && e instanceof Expr.Tuple te) {
            for (int i = 0; i < te.elements().size(); i++) {
                store(te.elements().get(i), tt.elements().get(i), base, off + Layouts.tupleOffset(tt, i));
            }
        } else if (target instanceof SType.Tuple tt && e instanceof Expr.Variable v) {
            // from the stack or, over SCRATCH_MIN bytes, from scratch space (one bpf_probe_read_kernel)
            g.copyValue(base, off, base(v), offset(v), Layouts.size(tt), Reg.R0);
        } else if (e instanceof Expr.Field f && members.isTupleElement(f) && !t.isIntegerLike()) {
            // $t.1, @m[k].0: the element's bytes copied from the tuple's place (a stack slot, scratch space, a map
            // value); an absent map key reads from address 0, which fails and leaves zeros
            members.address(f);
            a.mov(Reg.R3, Reg.R0);
            g.addr(Reg.R1, base, off);
            a.movImm(Reg.R2, Math.min(Layouts.size(t), Layouts.size(target)));
            a.call(Helper.PROBE_READ_KERNEL);
        } else if (target instanceof SType.Record rt && !(e instanceof Expr.Variable) && !(e instanceof Expr.MapRef)) {
            // a whole struct (*p, p->embedded): its bytes read from where it lives, kernel or user memory as its root
            members.address(e);
            a.mov(Reg.R3, Reg.R0);
            g.addr(Reg.R1, base, off);
            a.movImm(Reg.R2, (int) rt.size());
            a.call(members.user(e) ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
        } else if (e instanceof Expr.Variable v && (Layouts.size(t) > 8 || t instanceof SType.Record)) {
            g.copyValue(base, off, base(v), offset(v), Layouts.size(t), Reg.R0);
        } else if (e instanceof Expr.MapRef m && (Layouts.size(t) > 8 || t instanceof SType.Record)) {
            // a wide value (usym, inet, ustack, a struct...) copied out of its map; an absent key zeroes the place, as
            // bpftrace 0.17 reads it: callers do not all zero it first (a struct map value built in scratch space, when
            // the probe is compiled with the tight stack share, still held the previous statement's value)
            int mark = g.frame.mark();
            lookup(m);
            int bytes = Math.min(Layouts.size(t), Layouts.size(target));
            if (bytes > Gen.SCRATCH_MIN) {
                // one bpf_probe_read_kernel, also for an absent key: reading from null fails and zeroes the place,
                // which may be scratch space still holding a previous run's value
                a.mov(Reg.R2, Reg.R0);
                g.copyValue(base, off, Reg.R2, 0, bytes, Reg.R1);
            } else {
                Label absent = a.newLabel(), end = a.newLabel();
                a.jmp(JmpOp.JEQ, Reg.R0, 0, absent);
                a.mov(Reg.R2, Reg.R0);
                g.copy(base, off, Reg.R2, 0, bytes, Reg.R1);
                a.ja(end);
                a.bind(absent);
                g.zero(base, off, bytes);
                a.bind(end);
            }
            g.frame.release(mark);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.USYM && e instanceof Expr.Call c) {
            // (address, pid): the address is symbolized in user space with that process's mappings
            integer(c.args().getFirst());
            a.stx(Size.DW, base, off, Reg.R0);
            a.call(Helper.GET_CURRENT_PID_TGID);
            a.rsh(Reg.R0, 32);
            a.stx(Size.DW, base, off + 8, Reg.R0);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.INET && e instanceof Expr.Call c
                && type(c.args().getLast()) instanceof SType.Int) {
            // (address family, 16 address bytes); an integer address is IPv4 in network byte order, as ntop(int)
            if (c.args().size() == 2) {
                integer(c.args().getFirst());
            } else {
                a.movImm(Reg.R0, 2); // AF_INET
            }
            a.stx(Size.DW, base, off, Reg.R0);
            integer(c.args().getLast());
            a.stx(Size.W, base, off + 8, Reg.R0);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.USYM && e instanceof Expr.Builtin b
                && b.name().equals("func")) {
            // the saved instruction pointer, as bpftrace 0.17 reads it: a uprobe fires at the function's first
            // instruction (its address); a uretprobe at the return address, in the caller
            if (g.kind() != io.boxscope.probe.lang.sema.ProbeKind.UPROBE && g.kind() != io.boxscope.probe.lang.sema.ProbeKind.URETPROBE) {
                throw unsupported(e, "func in " + g.kind().label() + " probes");
            }
            a.ldx(Size.DW, Reg.R0, Gen.CTX, regs(b).ip());
            a.stx(Size.DW, base, off, Reg.R0);
            a.call(Helper.GET_CURRENT_PID_TGID);
            a.rsh(Reg.R0, 32);
            a.stx(Size.DW, base, off + 8, Reg.R0);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.TIMESTAMP && e instanceof Expr.Call c) {
            // (format's number in the action table, nsecs): user space formats it against the wall clock
            a.ldImm64(Reg.R0, g.action(new Action.StrftimeFormat(
                    StmtGen.utf8(((Expr.StrLit) c.args().getFirst()).bytes()))));
            a.stx(Size.DW, base, off, Reg.R0);
            integer(c.args().get(1));
            a.stx(Size.DW, base, off + 8, Reg.R0);
        } else if (t instanceof SType.Array && e instanceof Expr.Call c && c.name().equals("pton")) {
            calls.pton(c, base, off);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.CGROUP_PATH && e instanceof Expr.Call c) {
            calls.cgroupPath(c, base, off);
        } else if (t instanceof SType.Buffer bt && e instanceof Expr.Call c && c.name().equals("buf")) {
            calls.buf(c, bt, base, off);
        } else if (t instanceof SType.Special s && s.kind() == SpecialKind.INET && e instanceof Expr.Call c
                && type(c.args().getLast()) instanceof SType.Array arr) {
            calls.ntopArray(c, arr, base, off);
        } else if (t instanceof SType.Stack st && e instanceof Expr.Variable v) {
            g.copy(base, off, Reg.R10, slot(v), Layouts.size(t), Reg.R0);
        } else if (t instanceof SType.Stack st && e instanceof Expr.MapRef m) {
            // A stack kept in a map (offcputime keeps the stack a thread left the CPU with): copy the
            // stored id (and pid), not the stack of the task running now; an absent entry is id -1,
            // which reads back as an empty stack.
            int mark = g.frame.mark();
            lookup(m);
            Label absent = a.newLabel(), end = a.newLabel();
            a.jmp(JmpOp.JEQ, Reg.R0, 0, absent);
            a.mov(Reg.R2, Reg.R0);
            g.copy(base, off, Reg.R2, 0, Layouts.size(t), Reg.R1);
            a.ja(end);
            a.bind(absent);
            a.st(Size.DW, base, off, -1);
            if (st.user()) {
                a.st(Size.DW, base, off + 8, 0);
            }
            a.bind(end);
            g.frame.release(mark);
        } else if (t instanceof SType.Stack st) {
            stack(st);
            a.stx(Size.DW, base, off, Reg.R0);
            if (st.user()) {
                a.call(Helper.GET_CURRENT_PID_TGID);
                a.rsh(Reg.R0, 32);
                a.stx(Size.DW, base, off + 8, Reg.R0);
            }
        } else if (t.isIntegerLike() || t instanceof SType.Agg || t instanceof SType.Special s && (s.kind() == SpecialKind.PROBE
                || s.kind() == SpecialKind.USERNAME || s.kind() == SpecialKind.KSYM || s.kind() == SpecialKind.CONTAINER
                || s.kind() == SpecialKind.STRERROR)) {
            integer(e);
            a.stx(Size.DW, base, off, Reg.R0);
        } else {
            throw unsupported(e, "a value of type " + t.display());
        }
    }

}
