package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.ast.Expr;

/**
 * Builtin functions and aggregations: argument counts and types with bpftrace 0.17's messages, the
 * {@code --unsafe} gate, the probe kinds each function works in, and printf-style format checks.
 */
final class CallTyper {
    static final List<String> FUNCTIONS = List.of("printf", "print", "time", "strftime", "str", "buf", "join", "ksym",
            "usym", "kaddr", "uaddr", "ntop", "pton", "strerror", "cgroup_path", "cgroupid", "exit", "cat", "system", "signal", "strncmp", "reg", "kptr", "uptr",
            "override", "bswap", "kstack", "ustack", "clear", "zero", "delete", "count", "sum", "avg", "min", "max", "stats",
            "hist", "lhist");

    private final ExprTyper t;
    /** lhist's constant arguments from the last aggregation typed. */
    List<Long> lastAggArgs = List.of();

    CallTyper(ExprTyper t) {
        this.t = t;
    }

    private SType err(Expr e, String message, String... hints) {
        return t.error(e.span(), message, hints);
    }

    /**
     * A warning for this expression, once: a probe with several attach points is typed once per attach point,
     * and bpftrace 0.17 warns once per place in the program.
     */
    private void warnOnce(Expr e, String message) {
        boolean seen = t.diags.all().stream().anyMatch(d -> d.severity() == io.boxscope.probe.lang.diag.Diagnostic.Severity.WARNING
                && d.span().equals(e.span()) && d.message().equals(message));
        if (!seen) {
            t.diags.warning(e.span(), message);
        }
    }

    /** Checks the argument count; returns false (after reporting) when wrong. */
    private boolean arity(Expr.Call c, int min, int max) {
        int n = c.args().size();
        if (n >= min && n <= max) {
            return true;
        }
        String want;
        if (min == max) {
            want = "requires " + (min == 0 ? "no arguments" : min == 1 ? "one argument" : min + " arguments");
        } else if (n > max) {
            want = "takes up to " + max + " argument" + (max == 1 ? "" : "s");
        } else {
            want = "requires at least " + min + " argument" + (min == 1 ? "" : "s");
        }
        err(c, c.name() + "() " + want + " (" + n + " provided)");
        return false;
    }

    private SType arg(Expr.Call c, int i) {
        return t.type(c.args().get(i));
    }

    private boolean intArg(Expr.Call c, int i) {
        SType a = arg(c, i);
        if (a == ExprTyper.ERROR) {
            return false;
        }
        if (!a.isIntegerLike()) {
            err(c.args().get(i), c.name() + "() expects an integer" + (i > 0 ? " as argument " + (i + 1) : "")
                    + " (" + a.display() + " provided)");
            return false;
        }
        return true;
    }

    private String stringLiteral(Expr.Call c, int i) {
        Expr a = c.args().get(i);
        SType at = t.type(a);
        if (a instanceof Expr.StrLit s) {
            return s.value();
        }
        if (at != ExprTyper.ERROR) {
            err(c, c.name() + "() expects a string literal (" + kindOf(at) + " provided)");
        }
        return null;
    }

    private static String kindOf(SType s) {
        return s instanceof SType.Int ? "integer" : s instanceof SType.Str ? "string" : s.display();
    }

    private Long intLiteral(Expr.Call c, int i, String what) {
        Expr a = c.args().get(i);
        t.type(a);
        if (a instanceof Expr.IntLit l) {
            return l.value();
        }
        if (a instanceof Expr.Unary u && u.op() == io.boxscope.probe.lang.ast.UnaryOp.NEG && u.operand() instanceof Expr.IntLit l) {
            return -l.value();
        }
        if (a instanceof Expr.Positional p && t.type(p) instanceof SType.Int) {
            return PositionalParams.value(t.options.positionals(), p.index());
        }
        err(a, c.name() + "() expects an integer literal" + (what.isEmpty() ? "" : " for " + what));
        return null;
    }

    private boolean unsafe(Expr.Call c) {
        if (!t.options.unsafe()) {
            err(c, c.name() + "() is an unsafe function being used in safe mode", "run with --unsafe to allow it");
            return false;
        }
        return true;
    }

    private boolean notIn(Expr.Call c, ProbeKind... kinds) {
        for (ProbeKind k : kinds) {
            if (t.scope.kinds.contains(k)) {
                err(c, c.name() + " can not be used with \"" + k.label() + "\" probes");
                return false;
            }
        }
        return true;
    }

    /** Types a call; {@code assigned} is true when it is the whole right-hand side of a map assignment. */
    SType call(Expr.Call c, boolean assigned) {
        AggKind agg = AggKind.of(c.name());
        if (agg != null) {
            if (!assigned) {
                c.args().forEach(t::type);
                return err(c, c.name() + "() should be directly assigned to a map", "@name = " + c.name() + "(...)");
            }
            return aggregate(c, agg);
        }
        return switch (c.name()) {
            case "printf", "system", "cat" -> format(c);
            case "print" -> print(c);
            case "clear", "zero", "delete" -> mapOp(c);
            case "time" -> {
                if (arity(c, 0, 1) && c.args().size() == 1) {
                    stringLiteral(c, 0);
                }
                yield new SType.None();
            }
            case "strftime" -> arity(c, 2, 2) && stringLiteral(c, 0) != null && intArg(c, 1)
                    ? new SType.Special(SpecialKind.TIMESTAMP) : ExprTyper.ERROR;
            case "str" -> str(c);
            case "buf" -> buf(c);
            case "join" -> {
                if (arity(c, 1, 2) && intArg(c, 0) && c.args().size() == 2) {
                    stringLiteral(c, 1);
                }
                yield new SType.None();
            }
            case "ksym", "usym" -> arity(c, 1, 1) && intArg(c, 0)
                    ? new SType.Special(c.name().equals("ksym") ? SpecialKind.KSYM : SpecialKind.USYM) : ExprTyper.ERROR;
            case "kaddr" -> arity(c, 1, 1) && stringLiteral(c, 0) != null ? SType.Int.U64 : ExprTyper.ERROR;
            case "kptr", "uptr" -> {
                // the argument's type, read from kernel (kptr) or user (uptr) memory where dereferenced (bpftrace 0.17's
                // SetAS; codegen's MemberGen.user decides the helper from the call)
                if (!arity(c, 1, 1)) {
                    yield ExprTyper.ERROR;
                }
                SType a = arg(c, 0);
                if (a == ExprTyper.ERROR || a instanceof SType.Int || a instanceof SType.Ptr) {
                    yield a;
                }
                yield err(c, c.name() + "() only supports integer or pointer arguments (" + a.display() + " provided)");
            }
            case "uaddr" -> {
                if (!arity(c, 1, 1) || stringLiteral(c, 0) == null) {
                    yield ExprTyper.ERROR;
                }
                if (!t.scope.all(k -> k == ProbeKind.UPROBE || k == ProbeKind.URETPROBE || k == ProbeKind.USDT)) {
                    yield err(c, "uaddr can not be used with \"" + t.scope.kind().label() + "\" probes");
                }
                yield uaddr(c);
            }
            case "ntop" -> ntop(c);
            case "pton" -> pton(c);
            case "strerror" -> arity(c, 1, 1) && intArg(c, 0) ? new SType.Special(SpecialKind.STRERROR) : ExprTyper.ERROR;
            case "cgroup_path" -> {
                if (!arity(c, 1, 2) || !intArg(c, 0) || c.args().size() == 2 && stringLiteral(c, 1) == null) {
                    yield ExprTyper.ERROR;
                }
                yield new SType.Special(SpecialKind.CGROUP_PATH);
            }
            case "cgroupid" -> arity(c, 1, 1) && stringLiteral(c, 0) != null ? SType.Int.U64 : ExprTyper.ERROR;
            case "exit" -> arity(c, 0, 0) ? new SType.None() : ExprTyper.ERROR;
            case "signal" -> signal(c);
            case "strncmp" -> strncmp(c);
            case "reg" -> reg(c);
            case "override" -> {
                boolean ok = unsafe(c) & arity(c, 1, 1);
                if (ok && intArg(c, 0) && !t.scope.all(k -> k == ProbeKind.KPROBE)) {
                    yield err(c, "override can only be used with kprobes");
                }
                yield ok ? new SType.None() : ExprTyper.ERROR;
            }
            case "kstack", "ustack" -> stack(c);
            case "bswap" -> {
                if (!arity(c, 1, 1) || !intArg(c, 0)) {
                    yield ExprTyper.ERROR;
                }
                yield t.types.get(c.args().getFirst()) instanceof SType.Int i ? i : SType.Int.U64;
            }
            default -> {
                c.args().forEach(t::type);
                List<String> near = EditDistance.closest(c.name(), FUNCTIONS, 2);
                yield err(c, "Unknown function: " + c.name(), near.isEmpty() ? "" : "did you mean " + ProbeResolver.quoteAll(near) + "?");
            }
        };
    }

    private SType aggregate(Expr.Call c, AggKind agg) {
        lastAggArgs = List.of();
        if (!arity(c, agg.argCount(), agg.argCount())) {
            return ExprTyper.ERROR;
        }
        if (agg == AggKind.COUNT) {
            return new SType.Agg(agg);
        }
        SType v = arg(c, 0);
        if (v == ExprTyper.ERROR) {
            return ExprTyper.ERROR;
        }
        if (!v.isIntegerLike()) {
            return err(c, c.name() + "() only supports integer arguments (" + kindOf(v) + " provided)");
        }
        if (agg == AggKind.LHIST) {
            Long min = intLiteral(c, 1, "min");
            Long max = intLiteral(c, 2, "max");
            Long step = intLiteral(c, 3, "step");
            if (min == null || max == null || step == null) {
                return ExprTyper.ERROR;
            }
            if (min < 0) {
                return err(c, "lhist() min must be non-negative (provided min " + min + ")");
            }
            if (min > max) {
                return err(c, "lhist() min must be less than max (provided min " + min + " and max " + max + ")");
            }
            if (step <= 0) {
                return err(c, "lhist() step must be >= 1 (" + step + " provided)");
            }
            if ((max - min) / step > 1000) {
                return err(c, "lhist() too many buckets, must be <= 1000 (would need " + (max - min) / step + ")");
            }
            lastAggArgs = List.of(min, max, step);
        }
        return new SType.Agg(agg);
    }

    private SType format(Expr.Call c) {
        if (c.name().equals("system") && !unsafe(c)) {
            c.args().forEach(t::type);
            return ExprTyper.ERROR;
        }
        if (!arity(c, 1, 65)) {
            return ExprTyper.ERROR;
        }
        String fmt = stringLiteral(c, 0);
        List<SType> args = new ArrayList<>();
        for (int i = 1; i < c.args().size(); i++) {
            args.add(arg(c, i));
        }
        if (fmt == null || args.contains(ExprTyper.ERROR)) {
            return ExprTyper.ERROR;
        }
        Object parsed = FormatCheck.parse(fmt);
        if (parsed instanceof String msg) {
            return err(c.args().getFirst(), msg.replace("printf:", c.name() + ":"));
        }
        @SuppressWarnings("unchecked")
        List<FormatCheck.Spec> specs = (List<FormatCheck.Spec>) parsed;
        if (specs.size() > args.size()) {
            return err(c, c.name() + ": Not enough arguments for format string (" + args.size() + " supplied, "
                    + specs.size() + " expected)");
        }
        if (specs.size() < args.size()) {
            return err(c, c.name() + ": Too many arguments for format string (" + args.size() + " supplied, "
                    + specs.size() + " expected)");
        }
        for (int i = 0; i < specs.size(); i++) {
            String m = FormatCheck.check(c.name(), specs.get(i), args.get(i));
            if (m != null) {
                return err(c, m);
            }
        }
        return new SType.None();
    }

    private SType print(Expr.Call c) {
        if (!arity(c, 1, 3)) {
            return ExprTyper.ERROR;
        }
        Expr first = c.args().getFirst();
        if (first instanceof Expr.MapRef m && !m.keys().isEmpty()) {
            m.keys().forEach(t::type);
            return err(c, "The map passed to print() should not be indexed by a key",
                    "print the whole map (print(" + m.display() + ")), or the value with printf");
        }
        if (first instanceof Expr.MapRef m) {
            if (!t.maps.known(m.name())) {
                return t.collecting() ? ExprTyper.ERROR : t.undefinedMap(m);
            }
            t.types.put(m, t.maps.value(m.name()));
        } else {
            SType v = t.type(first);
            if (v == ExprTyper.ERROR) {
                return v;
            }
            if (v instanceof SType.Record r && t.recordValue(first, r) == ExprTyper.ERROR) {
                return ExprTyper.ERROR;
            }
            if (c.args().size() > 1) {
                return err(c, "print() takes the top and div arguments only with a whole map (print(@m, 10))");
            }
        }
        for (int i = 1; i < c.args().size(); i++) {
            intLiteral(c, i, i == 1 ? "top" : "div");
        }
        return new SType.None();
    }

    private SType mapOp(Expr.Call c) {
        if (!arity(c, 1, 1)) {
            return ExprTyper.ERROR;
        }
        Expr a = c.args().getFirst();
        if (!(a instanceof Expr.MapRef m)) {
            t.type(a);
            return err(c, c.name() + "() expects a map to be provided");
        }
        if (!t.maps.known(m.name())) {
            return t.collecting() ? ExprTyper.ERROR : t.undefinedMap(m);
        }
        if (c.name().equals("delete")) {
            SType key = t.keyType(m);
            if (key != ExprTyper.ERROR) {
                t.keyCheck(m, key);
            }
        } else if (!m.keys().isEmpty()) {
            return err(c, c.name() + "() expects a whole map, without keys");
        }
        t.types.put(m, t.maps.value(m.name()));
        return new SType.None();
    }

    private SType str(Expr.Call c) {
        if (!arity(c, 1, 2)) {
            return ExprTyper.ERROR;
        }
        Expr e = c.args().getFirst();
        SType a = e instanceof Expr.Positional p ? t.positionalText(p) : arg(c, 0);
        if (a == ExprTyper.ERROR) {
            return a;
        }
        boolean dataLoc = e instanceof Expr.Field f && t.fields.get(f) != null
                && t.fields.get(f).layout() != FieldAccess.Layout.PLAIN && t.fields.get(f).layout() != FieldAccess.Layout.BITFIELD;
        boolean stringOk = a instanceof SType.Str && (e instanceof Expr.Positional || dataLoc);
        if (!a.isIntegerLike() && !stringOk && !(a instanceof SType.Array)) {
            return err(c, "str() expects an integer or a pointer type as first argument (" + a.display() + " provided)");
        }
        if (c.args().size() == 2 && !intArg(c, 1)) {
            return ExprTyper.ERROR;
        }
        return new SType.Str(t.options.strlen());
    }

    private SType buf(Expr.Call c) {
        if (!arity(c, 1, 2)) {
            return ExprTyper.ERROR;
        }
        SType a = arg(c, 0);
        if (a == ExprTyper.ERROR) {
            return a;
        }
        if (c.args().size() == 1) {
            if (a instanceof SType.Array arr) {
                return new SType.Buffer((int) Math.min(t.options.strlen(), arr.size()));
            }
            return err(c, "buf() needs a length unless its argument is an array: buf(ptr, LENGTH)");
        }
        boolean literal = c.args().getFirst() instanceof Expr.StrLit;
        if (!a.isIntegerLike() && !(a instanceof SType.Array) && !literal) {
            return err(c, "buf() expects an integer or a pointer type as first argument (" + a.display() + " provided)");
        }
        Expr len = c.args().get(1);
        SType lt = t.type(len);
        if (len instanceof Expr.IntLit l) {
            if (l.value() <= 0) {
                return err(len, "buf() length must be 1 to " + t.options.strlen() + " (" + l.text()
                        + " provided)", "BPFTRACE_STRLEN sets the limit (64 by default, up to 200)");
            }
            if (l.value() > t.options.strlen()) {
                // bpftrace 0.17 (semantic_analyser.cpp, visit(Call) for "buf") shortens a longer one to
                // BPFTRACE_STRLEN and warns in these words; the program still runs
                warnOnce(c, "buf() length is too long and will be shortened to " + t.options.strlen()
                        + " bytes (see BPFTRACE_STRLEN)");
                return new SType.Buffer(t.options.strlen());
            }
            return new SType.Buffer((int) l.value());
        }
        if (!(lt instanceof SType.Int)) {
            return err(len, "buf() length must be an integer");
        }
        return new SType.Buffer(t.options.strlen());
    }

    /**
     * pton("1.2.3.4") / pton("fe80::1"): the address in network byte order as {@code int8[4]} or {@code int8[16]}, as
     * bpftrace 0.17 types it (the text is parsed here, when compiling, as inet_pton(3) would).
     */
    private SType pton(Expr.Call c) {
        if (!arity(c, 1, 1)) {
            return ExprTyper.ERROR;
        }
        String text = stringLiteral(c, 0);
        if (text == null) {
            return ExprTyper.ERROR;
        }
        // bpftrace 0.17 takes a text with a dot for IPv4, so it refuses "::ffff:10.0.0.1" (inet_pton would not)
        byte[] addr = text.contains(".") && text.contains(":") ? null : io.boxscope.proc.InetText.parse(text);
        if (addr == null) {
            return err(c, "pton() expects a valid IPv4/IPv6 address, got " + text);
        }
        return new SType.Array(new SType.Int(1, true), addr.length);
    }

    /**
     * uaddr("symbol"): the data symbol's address in the probe's file, resolved when compiling as bpftrace 0.17 does:
     * the symbol table's value, which is the run-time address in a non-PIE executable and an offset from the load
     * address in a shared library or PIE (0.17 prints that too). Every attach point of the probe must have it.
     */
    private SType uaddr(Expr.Call c) {
        String name = ((Expr.StrLit) c.args().getFirst()).value();
        Long value = null;
        for (Attach at : t.scope.attaches) {
            java.nio.file.Path file = java.nio.file.Path.of(at.target().getFirst());
            java.util.Optional<Long> v;
            try {
                v = t.kernel.objectSymbol(file, name);
            } catch (java.io.IOException e) {
                v = java.util.Optional.empty();
            }
            if (v.isEmpty() || value != null && !value.equals(v.get())) {
                return err(c, "Could not resolve symbol: " + file + ":" + name,
                        "uaddr() takes a data symbol (an object such as a global variable) of the probed file");
            }
            value = v.get();
        }
        if (value != null) {
            t.constants.put(c, value);
        }
        return SType.Int.U64;
    }

    private SType ntop(Expr.Call c) {
        if (!arity(c, 1, 2)) {
            return ExprTyper.ERROR;
        }
        int addr = c.args().size() - 1;
        if (addr == 1 && !intArg(c, 0)) {
            return ExprTyper.ERROR;
        }
        SType a = arg(c, addr);
        if (a == ExprTyper.ERROR) {
            return a;
        }
        if (!(a instanceof SType.Int) && !(a instanceof SType.Array arr && arr.size() <= 16)) {
            return err(c, "ntop() expects an integer or an array of 4 or 16 bytes (" + a.display() + " provided)");
        }
        return new SType.Special(SpecialKind.INET);
    }

    /**
     * reg("name"): a register saved in the probe's {@code struct pt_regs}, by its member name there (x86-64:
     * ip, sp, ax, di...; what bpftrace accepts); the offset comes from kernel BTF and is kept as the call's
     * constant.
     */
    private SType reg(Expr.Call c) {
        if (!arity(c, 1, 1)) {
            return ExprTyper.ERROR;
        }
        String name = stringLiteral(c, 0);
        if (name == null || !notIn(c, ProbeKind.BEGIN, ProbeKind.END)) {
            return ExprTyper.ERROR;
        }
        if (!t.scope.all(k -> k == ProbeKind.KPROBE || k == ProbeKind.KRETPROBE || k == ProbeKind.UPROBE
                || k == ProbeKind.URETPROBE || k == ProbeKind.USDT)) {
            return err(c, "reg can not be used with \"" + t.scope.kind().label() + "\" probes",
                    "registers are saved for kprobes, uprobes and usdt probes");
        }
        io.boxscope.bpf.btf.Btf btf = t.factory.btf();
        if (btf == null) {
            return err(c, "reg() needs the layout of struct pt_regs from kernel BTF, which this kernel lacks");
        }
        int regs;
        try {
            regs = btf.findId("pt_regs", io.boxscope.bpf.btf.BtfKind.STRUCT).orElseThrow();
        } catch (java.io.IOException | java.util.NoSuchElementException e) {
            return err(c, "reg() needs struct pt_regs in kernel BTF, which this kernel's BTF lacks");
        }
        try {
            t.constants.put(c, btf.member(regs, name).byteOffset());
        } catch (java.io.IOException e) {
            List<String> near = EditDistance.closest(name,
                    t.factory.fieldNames(new SType.Record("struct pt_regs", 0, regs, List.of())), 2);
            return err(c, "'" + name + "' is not a valid register on this architecture ("
                    + io.boxscope.bpf.sys.Arch.current().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    near.isEmpty() ? "the names are those of struct pt_regs' members" : "did you mean " + ProbeResolver.quoteAll(near) + "?");
        }
        return SType.Int.U64;
    }

    private SType signal(Expr.Call c) {
        boolean ok = unsafe(c);
        ok &= arity(c, 1, 1);
        ok &= notIn(c, ProbeKind.BEGIN, ProbeKind.END);
        if (ok) {
            SType a = arg(c, 0);
            if (!(a instanceof SType.Int) && !(c.args().getFirst() instanceof Expr.StrLit)) {
                return err(c, "signal() expects a signal number or a literal name (\"KILL\", \"SIGUSR1\")");
            }
            // a name, in any case, with or without SIG (bpftrace 0.17 takes "kill" and refuses "9"): bpf's one table
            if (c.args().getFirst() instanceof Expr.StrLit s && (s.value().isEmpty() || s.value().chars().allMatch(Character::isDigit)
                    || !s.value().equals(s.value().trim()) || io.boxscope.bpf.Signals.parse(s.value()) == null)) {
                return err(c, s.value() + " is not a valid signal");
            }
        }
        return ok ? new SType.None() : ExprTyper.ERROR;
    }

    private SType strncmp(Expr.Call c) {
        if (!arity(c, 3, 3)) {
            return ExprTyper.ERROR;
        }
        SType a = arg(c, 0);
        SType b = arg(c, 1);
        if (a == ExprTyper.ERROR || b == ExprTyper.ERROR) {
            return ExprTyper.ERROR;
        }
        if (!(a instanceof SType.Str) || !(b instanceof SType.Str)) {
            return err(c, "strncmp() expects two strings (" + a.display() + " and " + b.display() + " provided)");
        }
        Long n = intLiteral(c, 2, "the length");
        return n == null ? ExprTyper.ERROR : SType.Int.U64;
    }

    private SType stack(Expr.Call c) {
        if (!arity(c, 0, 2)) {
            return ExprTyper.ERROR;
        }
        StackMode mode = StackMode.BPFTRACE;
        int limit = 127;
        for (int i = 0; i < c.args().size(); i++) {
            Expr a = c.args().get(i);
            if (i == 0 && a instanceof Expr.Identifier id) {
                mode = StackMode.of(id.name());
                if (mode == null) {
                    return err(a, "Unknown stack mode: '" + id.name() + "'", "modes are bpftrace, perf and raw");
                }
                t.types.put(a, new SType.Special(SpecialKind.STACK_MODE));
                continue;
            }
            Long n = intLiteral(c, i, "the frame limit");
            if (n == null) {
                return ExprTyper.ERROR;
            }
            if (n < 1 || n > 1024) {
                return err(a, c.name() + "() limit must be 1 to 1024 (" + n + " provided)");
            }
            limit = n.intValue();
        }
        return new SType.Stack(c.name().equals("ustack"), mode, limit);
    }
}
