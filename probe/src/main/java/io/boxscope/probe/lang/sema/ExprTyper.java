package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.probe.lang.ast.BinaryOp;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.UnaryOp;
import io.boxscope.probe.lang.diag.Span;

/**
 * Types expressions (C's rules as bpftrace applies them: arithmetic is 64-bit, signed only if both
 * operands are; comparisons give int64; strings compare with {@code ==}/{@code !=} only) and records the
 * type of every node. An operand that already failed has type {@link #ERROR}, which silences errors
 * that would only repeat it.
 */
final class ExprTyper {
    static final SType ERROR = new SType.None();

    final Diags diags;
    final TypeFactory factory;
    final KernelInfo kernel;
    final MapTable maps;
    final CheckOptions options;
    final IdentityHashMap<Expr, SType> types = new IdentityHashMap<>();
    final IdentityHashMap<Expr.Field, FieldAccess> fields = new IdentityHashMap<>();
    /** For {@code args.X} in a probe with several attach points: where X is in each one's record. */
    final IdentityHashMap<Expr.Field, java.util.Map<Attach, FieldAccess>> argsFields = new IdentityHashMap<>();
    /** Values known when checking: enumerators and header constants, sizeof, offsetof. */
    final IdentityHashMap<Expr, Long> constants = new IdentityHashMap<>();
    Constants knownConstants;
    final CallTyper calls;
    final MemberTyper members;
    Scope scope;

    ExprTyper(Diags diags, TypeFactory factory, KernelInfo kernel, MapTable maps, CheckOptions options) {
        this.diags = diags;
        this.factory = factory;
        this.kernel = kernel;
        this.maps = maps;
        this.options = options;
        this.calls = new CallTyper(this);
        this.members = new MemberTyper(this);
    }

    SType type(Expr e) {
        SType t = compute(e);
        types.put(e, t);
        return t;
    }

    SType error(Span span, String message, String... hints) {
        diags.error(span, message, hints);
        return ERROR;
    }

    private SType compute(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> i.unsigned64() ? SType.Int.U64 : SType.Int.I64;
            case Expr.StrLit s -> new SType.Str(s.value().length() + 1);
            case Expr.Builtin b -> builtin(b);
            case Expr.Identifier i -> identifier(i);
            case Expr.Positional p -> positional(p);
            case Expr.PositionalCount p -> SType.Int.I64;
            case Expr.Variable v -> variable(v);
            case Expr.MapRef m -> mapRead(m);
            case Expr.Call c -> calls.call(c, false);
            case Expr.Binary b -> binary(b);
            case Expr.Unary u -> unary(u);
            case Expr.IncDec i -> incDec(i);
            case Expr.Ternary t -> ternary(t);
            case Expr.Field f -> members.field(f);
            case Expr.Index i -> members.index(i);
            case Expr.Cast c -> cast(c);
            case Expr.SizeofType s -> {
                SType t = resolve(s.type());
                constants.put(s, t.size());
                yield t == ERROR ? ERROR : SType.Int.U64;
            }
            case Expr.SizeofExpr s -> {
                SType t = type(s.operand());
                constants.put(s, t.size());
                yield t == ERROR ? ERROR : SType.Int.U64;
            }
            case Expr.Offsetof o -> offsetof(o);
            case Expr.Tuple t -> tuple(t);
        };
    }

    /** An enumerator from BTF or a constant of an included header; else bpftrace's "Unknown identifier". */
    private SType identifier(Expr.Identifier i) {
        Long v = knownConstants.value(i.name());
        if (v == null) {
            return error(i.span(), "Unknown identifier: '" + i.name() + "'",
                    knownConstants.fromHeader(i.name()) != null ? "it comes from <" + knownConstants.fromHeader(i.name())
                            + ">: add #include <" + knownConstants.fromHeader(i.name()) + ">" : "");
        }
        constants.put(i, v);
        return SType.Int.I64;
    }

    /**
     * {@code $N} outside {@code str()} is a number (bpftrace 0.17: "$1 used numerically but given ..."; inside
     * {@code str()} it is the parameter's text, typed by {@link CallTyper}); {@link PositionalParams} reads it.
     */
    SType positional(Expr.Positional p) {
        if (PositionalParams.number(options.positionals(), p.index()).isEmpty()) {
            return error(p.span(), "$" + p.index() + " used numerically but given \"" + options.positionals().get(p.index() - 1)
                    + "\". Try using str($" + p.index() + ").");
        }
        return SType.Int.I64;
    }

    /** {@code $N} inside {@code str()}: its text as a string literal ("" past the last parameter). */
    SType positionalText(Expr.Positional p) {
        int n = p.index() <= options.positionals().size()
                ? options.positionals().get(p.index() - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
        SType t = new SType.Str(n + 1);
        types.put(p, t);
        return t;
    }

    private SType variable(Expr.Variable v) {
        SType t = scope.variables.get(v.name());
        if (t == null) {
            return error(v.span(), "Undefined or undeclared variable: $" + v.name(),
                    "assign it first in this probe ($" + v.name() + " = ...); scratch variables do not outlive their probe");
        }
        return t;
    }

    /** A map read as a value. */
    SType mapRead(Expr.MapRef m) {
        SType key = keyType(m);
        if (key == ERROR) {
            return ERROR;
        }
        if (!maps.exists(m.name()) || maps.value(m.name()) == null) {
            if (collecting() && m.name().equals(assigning)) {
                // @m[k] = @m[k] + x as the map's first assignment: bpftrace 0.17 reads an absent key as 0 (int64)
                return SType.Int.I64;
            }
            if (collecting()) {
                return ERROR;
            }
            return undefinedMap(m);
        }
        keyCheck(m, key);
        // an aggregation's value is its own type: bpftrace 0.17 rejects it in arithmetic and comparisons
        // ("Type mismatch for '>': comparing 'count' with 'int64'"); print/clear/zero/delete take it
        SType v = maps.value(m.name());
        return v;
    }

    /** bpftrace's "Undefined map", with the nearest defined map's name as a hint. */
    SType undefinedMap(Expr.MapRef m) {
        List<String> near = EditDistance.closest(m.name(), maps.names(), 2);
        return error(m.span(), "Undefined map: " + m.display(), near.isEmpty()
                ? "assign it somewhere (" + m.display() + " = ...)"
                : "did you mean " + ProbeResolver.quoteAll(near.stream().map(n -> "@" + n).toList()) + "?");
    }

    /** The map whose plain assignment is being checked (its own reads on the right may precede its type). */
    String assigning;

    /** True during the first pass, which only gathers map types (reads of maps defined later are fine then). */
    boolean collecting;

    boolean collecting() {
        return collecting;
    }

    /** The key type of an access: None, the one key's type, or a tuple of several. */
    SType keyType(Expr.MapRef m) {
        if (m.keys().isEmpty()) {
            return new SType.None();
        }
        List<SType> ks = new ArrayList<>();
        for (Expr k : m.keys()) {
            SType t = type(k);
            if (t == ERROR) {
                return ERROR;
            }
            if (t instanceof SType.Record r) {
                t = recordValue(k, r); // a struct key, printed {.a=1,.b=2} as bpftrace 0.17
                if (t == ERROR) {
                    return ERROR;
                }
            }
            if (!storable(t)) {
                return error(k.span(), "a value of type '" + t.display() + "' cannot be a map key");
            }
            ks.add(t);
        }
        return ks.size() == 1 ? ks.getFirst() : new SType.Tuple(ks);
    }

    void keyCheck(Expr.MapRef m, SType key) {
        String err = maps.useKey(m, key);
        if (err != null) {
            diags.error(m.span(), err);
        }
    }

    /**
     * A struct used as a value (stored, printed): its type with the members listed ({@link TypeFactory#valueRecord}),
     * also recorded as the expression's type; an error saying why when it cannot be a value.
     */
    SType recordValue(Expr e, SType.Record r) {
        Object v;
        try {
            v = factory.btf() == null && r.btfId() > 0 ? "no kernel BTF" : factory.valueRecord(r);
        } catch (IOException e2) {
            v = e2.getMessage();
        }
        if (v instanceof String why) {
            return error(e.span(), "a value of type '" + r.display() + "' cannot be stored here: " + why,
                    "store a pointer to it, or one of its fields");
        }
        types.put(e, (SType) v);
        return (SType) v;
    }

    static boolean storable(SType t) {
        return !(t instanceof SType.None) && !(t instanceof SType.Agg)
                && !(t instanceof SType.Special s && s.kind() == SpecialKind.STACK_MODE)
                && !(t instanceof SType.Record r && r.fields().isEmpty()); // a struct only with its members listed
    }

    private SType builtin(Expr.Builtin b) {
        String n = b.name();
        if (n.startsWith("arg") && !n.equals("args")) {
            if (!scope.all(ProbeKind::hasArgN)) {
                return error(b.span(), "The " + n + " builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes",
                        scope.kinds.contains(ProbeKind.TRACEPOINT) || scope.kinds.contains(ProbeKind.RAWTRACEPOINT)
                                ? "use args->NAME (boxscope probe -lv lists a tracepoint's args)" : "");
            }
            return SType.Int.U64;
        }
        if (n.startsWith("sarg")) {
            if (!scope.all(k -> k == ProbeKind.UPROBE || k == ProbeKind.KPROBE)) {
                return error(b.span(), "The " + n + " builtin can only be used with 'kprobes' and 'uprobes' probes");
            }
            return SType.Int.U64;
        }
        return switch (n) {
            case "pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "cgroup", "rand", "numaid", "cpid" -> SType.Int.U64;
            case "comm" -> new SType.Str(16);
            case "kstack" -> new SType.Stack(false, StackMode.BPFTRACE, 127);
            case "ustack" -> new SType.Stack(true, StackMode.BPFTRACE, 127);
            case "probe" -> new SType.Special(SpecialKind.PROBE);
            case "username" -> new SType.Special(SpecialKind.USERNAME);
            case "container" -> new SType.Special(SpecialKind.CONTAINER);
            case "ctx" -> new SType.Ptr(new SType.None());
            case "curtask" -> curtask();
            case "func" -> {
                if (!scope.all(ProbeKind::hasFunc)) {
                    yield error(b.span(), "The func builtin can not be used with '" + scope.kind().label() + "' probes");
                }
                yield new SType.Special(scope.all(k -> k == ProbeKind.UPROBE || k == ProbeKind.URETPROBE)
                        ? SpecialKind.USYM : SpecialKind.KSYM);
            }
            case "retval" -> {
                if (!scope.all(ProbeKind::hasRetval)) {
                    yield error(b.span(), "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes",
                            scope.kinds.contains(ProbeKind.TRACEPOINT) ? "use args->ret on sys_exit_* tracepoints" : "");
                }
                yield SType.Int.I64;
            }
            case "args" -> args(b);
            default -> error(b.span(), "Unknown builtin: " + n);
        };
    }

    private SType curtask() {
        try {
            SType.Record r = factory.btf() == null ? null : factory.record("struct task_struct");
            return r == null ? SType.Int.U64 : new SType.Ptr(r);
        } catch (IOException e) {
            return SType.Int.U64;
        }
    }

    /** {@code args}: a pointer to the tracepoint's (raw tracepoint's, kfunc's) argument record. */
    private SType args(Expr.Builtin b) {
        if (!scope.all(ProbeKind::hasArgs)) {
            return error(b.span(), "The args builtin can only be used with tracepoint, rawtracepoint and kfunc probes",
                    scope.all(ProbeKind::hasArgN) ? "use arg0, arg1, ... in " + scope.kind().label() + " probes" : "");
        }
        if (scope.args == null) {
            scope.args = new ArrayList<>();
            try {
                for (Attach a : scope.attaches) {
                    scope.args.add(argsRecord(a));
                }
            } catch (java.nio.file.AccessDeniedException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (IOException e) {
                return error(b.span(), "cannot read the arguments of " + scope.attaches.getFirst().name() + ": " + e.getMessage());
            }
        }
        if (scope.args.isEmpty()) {
            return ERROR;
        }
        return new SType.Ptr(scope.args.getFirst());
    }

    private SType.Record argsRecord(Attach a) throws IOException {
        return switch (a.kind()) {
            case TRACEPOINT -> factory.tracepointArgs(a.target().get(0), a.target().get(1),
                    kernel.format(new TracepointId(a.target().get(0), a.target().get(1))));
            case RAWTRACEPOINT, KFUNC, KRETFUNC -> new ArgsFromBtf(factory).record(a);
            default -> throw new IOException(a.kind().label() + " probes have no args");
        };
    }

    private static boolean isContainer(SType t) {
        return t instanceof SType.Special s && s.kind() == SpecialKind.CONTAINER;
    }

    private SType binary(Expr.Binary b) {
        SType l = type(b.left());
        SType r = type(b.right());
        if (l == ERROR || r == ERROR) {
            return ERROR;
        }
        BinaryOp op = b.op();
        if ((op == BinaryOp.EQ || op == BinaryOp.NE) && (l instanceof SType.Str && r instanceof SType.Str
                || l instanceof SType.Special && l.equals(r))) {
            return SType.Int.I64;
        }
        boolean li = l.isIntegerLike() || l instanceof SType.Special s && s.kind() == SpecialKind.CONTAINER;
        boolean ri = r.isIntegerLike() || r instanceof SType.Special s2 && s2.kind() == SpecialKind.CONTAINER;
        if (isContainer(l) && r instanceof SType.Str || l instanceof SType.Str && isContainer(r)) {
            // the name exists only in user space (a scan of the container runtimes when the value is printed):
            // the kernel holds the cgroup id, so say what to filter on instead of a bare type mismatch
            return error(b.span(), "cannot compare 'container' with '" + (isContainer(l) ? r : l).display()
                    + "': container is a cgroup id, named only when printed; filter with --container NAME or cgroup == cgroupid(\"/sys/fs/cgroup/...\")");
        }
        if (!li || !ri) {
            String hint = l instanceof SType.Str && r instanceof SType.Str ? "strings compare only with == and != (or strncmp())" : "";
            return error(b.span(), "Type mismatch for '" + op.symbol() + "': comparing '" + l.display() + "' with '"
                    + r.display() + "'", hint);
        }
        if (op.isComparison() || op.isLogical()) {
            return SType.Int.I64;
        }
        if ((op == BinaryOp.ADD || op == BinaryOp.SUB) && l instanceof SType.Ptr && r instanceof SType.Int) {
            return l;
        }
        boolean signed = signed(l) && signed(r);
        return new SType.Int(8, signed);
    }

    private static boolean signed(SType t) {
        return t instanceof SType.Int i && i.signed();
    }

    private SType unary(Expr.Unary u) {
        SType t = type(u.operand());
        if (t == ERROR) {
            return ERROR;
        }
        return switch (u.op()) {
            case NOT -> t instanceof SType.Int i ? new SType.Int(8, i.signed()) : t instanceof SType.Ptr ? SType.Int.U64 : badUnary(u, t);
            case BNOT -> t instanceof SType.Int i ? new SType.Int(8, i.signed()) : badUnary(u, t);
            case NEG -> t instanceof SType.Int i ? new SType.Int(8, i.signed()) : badUnary(u, t);
            case DEREF -> t instanceof SType.Ptr p ? (p.pointee() instanceof SType.None ? SType.Int.U64 : p.pointee())
                    : t instanceof SType.Int ? SType.Int.U64 : badUnary(u, t);
            case ADDR -> u.operand() instanceof Expr.Field ? new SType.Ptr(t)
                    : error(u.span(), "'&' can only take the address of a struct field (&$task->comm)");
        };
    }

    private SType badUnary(Expr.Unary u, SType t) {
        return error(u.span(), "Type mismatch for '" + u.op().symbol() + "': cannot apply to a value of type '" + t.display() + "'");
    }

    private SType incDec(Expr.IncDec i) {
        String op = i.increment() ? "++" : "--";
        if (i.target() instanceof Expr.Variable v) {
            SType t = scope.variables.get(v.name());
            if (t == null) {
                return type(v);
            }
            types.put(v, t);
            return t instanceof SType.Int ? t : error(i.span(), "The " + op + " operator can not be used on expressions of type '"
                    + t.display() + "'");
        }
        Expr.MapRef m = (Expr.MapRef) i.target();
        SType key = keyType(m);
        if (key == ERROR) {
            return ERROR;
        }
        keyCheck(m, key);
        SType v = maps.value(m.name());
        if (v == null) {
            maps.assign(m, SType.Int.I64, List.of());
            v = SType.Int.I64;
        }
        types.put(m, v);
        return v instanceof SType.Int ? v : error(i.span(), "The " + op + " operator can not be used on expressions of type '"
                + v.display() + "'");
    }

    private SType ternary(Expr.Ternary t) {
        SType c = type(t.condition());
        SType a = type(t.then());
        SType b = type(t.orElse());
        if (c == ERROR || a == ERROR || b == ERROR) {
            return ERROR;
        }
        if (!c.isIntegerLike()) {
            return error(t.condition().span(), "Invalid condition in ternary: " + c.display());
        }
        SType u = MapTable.unify(MapTable.widen(a), MapTable.widen(b));
        if (u == null) {
            return error(t.span(), "Ternary operator must return the same type: have '" + a.display() + "' and '"
                    + b.display() + "'");
        }
        String refused = ternaryRefused(u);
        if (refused != null) {
            return error(t.span(), "Ternary return type unsupported " + refused);
        }
        return u;
    }

    /**
     * bpftrace 0.17's name for a ternary's type that it refuses and that has no code here either (struct and tuple
     * values, buffers, usym, inet, timestamps: their bytes would have to be copied from either branch); null when
     * the type is taken. bpftrace 0.17 takes only integers and strings (its answer to each of these types, run on a
     * Debian build); pointers, ksym, probe, username and stacks run here as an extension.
     */
    private static String ternaryRefused(SType u) {
        if (u instanceof SType.Record) {
            return "record";
        }
        if (u instanceof SType.Tuple) {
            return "tuple";
        }
        if (u instanceof SType.Buffer) {
            return "buffer";
        }
        if (u instanceof SType.Special s && (s.kind() == SpecialKind.USYM || s.kind() == SpecialKind.INET
                || s.kind() == SpecialKind.TIMESTAMP)) {
            return s.kind().label();
        }
        return null;
    }

    SType resolve(io.boxscope.probe.lang.ast.TypeName tn) {
        try {
            SType t = factory.fromTypeName(tn);
            if (t == null) {
                return error(tn.span(), tn.isRecord() ? "Unknown struct/union: '" + tn.name() + "'" : "Unknown type: '" + tn.name() + "'",
                        tn.isRecord() ? "the kernel's BTF has no such type; check the spelling (no headers are needed)" : "");
            }
            return t;
        } catch (IOException e) {
            return error(tn.span(), "cannot read type " + tn.text() + ": " + e.getMessage());
        }
    }

    private SType cast(Expr.Cast c) {
        SType to = resolve(c.type());
        SType from = type(c.operand());
        if (to == ERROR || from == ERROR) {
            return ERROR;
        }
        if (to instanceof SType.Record) {
            return error(c.span(), "Cannot cast to \"" + to.display() + "\"", "cast to a pointer: (" + to.display() + " *)");
        }
        if (to instanceof SType.Array || to instanceof SType.Str) {
            return error(c.span(), "Cannot cast to an array type \"" + c.type().text() + "\"");
        }
        if (!from.isIntegerLike()) {
            return error(c.span(), "Cannot cast from \"" + from.display() + "\" to \"" + to.display() + "\"");
        }
        return to;
    }

    private SType offsetof(Expr.Offsetof o) {
        SType t = resolve(o.type());
        if (t == ERROR) {
            return ERROR;
        }
        SType cur = t;
        long offset = 0;
        for (String f : o.fieldPath()) {
            if (!(cur instanceof SType.Record r)) {
                return error(o.span(), "offsetof: '" + cur.display() + "' is not a struct or union");
            }
            try {
                FieldAccess fa = factory.field(r, f);
                if (fa == null) {
                    return error(o.span(), "Struct/union of type '" + r.name() + "' does not contain a field named '" + f + "'");
                }
                cur = fa.type();
                offset += fa.offset();
            } catch (IOException e) {
                return error(o.span(), e.getMessage());
            }
        }
        constants.put(o, offset);
        return SType.Int.U64;
    }

    private SType tuple(Expr.Tuple t) {
        List<SType> el = new ArrayList<>();
        for (Expr e : t.elements()) {
            SType x = type(e);
            if (x == ERROR) {
                return ERROR;
            }
            if (!storable(x)) {
                return error(e.span(), "a value of type '" + x.display() + "' cannot be part of a tuple");
            }
            el.add(x);
        }
        return new SType.Tuple(el);
    }
}
