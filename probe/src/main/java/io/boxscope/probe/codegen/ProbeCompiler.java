package io.boxscope.probe.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.collection.CollectionSpec;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Node;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.sema.Attach;
import io.boxscope.probe.lang.sema.CheckedProbe;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.MapInfo;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.lang.sema.SType;

/**
 * Code generation: a checked program to a {@link CompiledScript}. Each probe becomes one BPF program
 * per group of attach points that read {@code args} at the same offsets (usually one program for a
 * whole wildcard); the links of a group carry BPF cookies telling {@code probe} which attach point
 * fired. Without cookie support every attach point gets its own program, as bpftrace 0.17 does.
 */
public final class ProbeCompiler {
    /** The default ring buffer size ({@link io.boxscope.probe.lang.sema.CheckOptions#DEFAULT_RING_BYTES}). */
    public static final int RING_BYTES = io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES;
    /** The map counting failed map updates ({@link UpdateSite}): one slot whose value holds every site's counters. */
    public static final String UPDATES = "updates";

    /** Probe types code generation and the runtime handle. */
    static final java.util.Set<ProbeKind> RUNS = java.util.EnumSet.of(ProbeKind.BEGIN, ProbeKind.END, ProbeKind.TRACEPOINT,
            ProbeKind.RAWTRACEPOINT, ProbeKind.INTERVAL, ProbeKind.PROFILE, ProbeKind.UPROBE, ProbeKind.URETPROBE,
            ProbeKind.USDT, ProbeKind.SOFTWARE, ProbeKind.HARDWARE, ProbeKind.KPROBE, ProbeKind.KRETPROBE, ProbeKind.KFUNC,
            ProbeKind.KRETFUNC);

    private ProbeCompiler() {}

    /**
     * @param cookies whether links may carry BPF cookies (Features.cookie for tracepoints and perf events)
     */
    public static CompiledScript compile(CheckedProgram checked, boolean cookies) throws ProgramException {
        return compile(checked, cookies, null);
    }

    /**
     * @param regs where {@code struct pt_regs} keeps arguments and the return value (uprobe {@code arg0..},
     *             {@code retval}); null when kernel BTF is not readable
     */
    public static CompiledScript compile(CheckedProgram checked, boolean cookies, io.boxscope.bpf.btf.PtRegs regs)
            throws ProgramException {
        return compile(checked, cookies, regs, false);
    }

    /**
     * @param cgroupFilter every probe but BEGIN/END first checks {@code bpf_current_task_under_cgroup} against
     *                     the cgroup array {@code cgroup} (--container; the runtime fills it), descendants included
     */
    public static CompiledScript compile(CheckedProgram checked, boolean cookies, io.boxscope.bpf.btf.PtRegs regs,
                                         boolean cgroupFilter) throws ProgramException {
        return compile(checked, cookies ? java.util.EnumSet.of(ProbeKind.TRACEPOINT, ProbeKind.PROFILE)
                : java.util.EnumSet.noneOf(ProbeKind.class), regs, null, cgroupFilter);
    }

    /**
     * @param cookieKinds the probe types whose links carry BPF cookies on this kernel ({@code Features.cookie}):
     *                    attach points of those types that share a body share one program
     * @param btf         the kernel's BTF, for USDT arguments in registers named by their spec; null when not readable
     */
    public static CompiledScript compile(CheckedProgram checked, java.util.Set<ProbeKind> cookieKinds,
                                         io.boxscope.bpf.btf.PtRegs regs, io.boxscope.bpf.btf.Btf btf,
                                         boolean cgroupFilter) throws ProgramException {
        try {
            return build(checked, cookieKinds, regs, btf, cgroupFilter);
        } catch (CodegenException e) {
            throw new ProgramException(checked.source(), List.of(Diagnostic.error(e.span, e.getMessage(),
                    e.hints.toArray(String[]::new))));
        }
    }

    private static CompiledScript build(CheckedProgram checked, java.util.Set<ProbeKind> cookieKinds,
                                        io.boxscope.bpf.btf.PtRegs regs, io.boxscope.bpf.btf.Btf btf, boolean cgroupFilter) {
        Map<String, MapLayout> maps = new LinkedHashMap<>();
        int i = 0;
        for (MapInfo m : checked.maps().values()) {
            if (m.value() instanceof SType.None) {
                throw new CodegenException(checked.program().span(), "map @" + m.name() + " is never assigned");
            }
            maps.put(m.name(), MapLayout.of(m, i++, checked.options().mapKeys()));
        }
        for (CheckedProbe p : checked.probes()) {
            collect(p.probe(), Stmt.Assign.class, a -> {
                if (a.target() instanceof Expr.MapRef m && a.value() instanceof Expr.Call c && c.name().equals("sum")
                        && checked.type(c.args().getFirst()) instanceof SType.Int t && t.signed()) {
                    maps.computeIfPresent(m.name(), (n, l) -> l.withSignedSum(true));
                }
            });
        }
        List<Action> actions = new ArrayList<>();
        List<UpdateSite> updateSites = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<ProgramSpec> programs = new ArrayList<>();
        List<CompiledScript.Unit> units = new ArrayList<>();
        List<MapSpec> scratch = new ArrayList<>();
        long start = System.nanoTime();
        int probeIndex = 0;
        for (CheckedProbe p : checked.probes()) {
            for (Attach at : p.attaches()) {
                if (!RUNS.contains(at.kind())) {
                    throw new CodegenException(p.probe().attachPoints().getFirst().span(),
                            "not supported by code generation yet: " + at.kind().label() + " probes",
                            "docs/probe.md lists the probe types that run today");
                }
            }
            Map<List<Object>, List<Attach>> groups = new LinkedHashMap<>();
            boolean readsProbe = readsProbe(p);
            for (Attach at : p.attaches()) {
                List<Object> sig = new ArrayList<>(layoutSignature(checked, p, at));
                if (at.kind() == ProbeKind.USDT) {
                    sig.add(usdtArgs(p, at)); // sites whose arguments sit in the same places share a program
                }
                if ((readsProbe && !cookieKinds.contains(at.kind())) || at.kind().isSpecial() || isFentry(at.kind())) {
                    // (an fentry/fexit program is loaded for one function: its BTF id is part of the program)
                    // one program per attach point: BEGIN/END run alone, and a kernel without cookies for this
                    // attach type (raw tracepoints take them from Linux 6.10) cannot tell attach points apart
                    sig.add(at);
                }
                groups.computeIfAbsent(sig, k -> new ArrayList<>()).add(at);
            }
            int group = 0;
            for (List<Attach> members : groups.values()) {
                List<CompiledScript.Target> targets = new ArrayList<>();
                for (Attach at : members) {
                    int id = names.indexOf(at.name());
                    if (id < 0) {
                        names.add(at.name());
                        id = names.size() - 1;
                    }
                    // a body that never reads `probe` needs no cookie to tell its attach points apart
                    targets.add(new CompiledScript.Target(at, readsProbe || members.size() == 1 ? id : 0));
                }
                long constId = targets.size() == 1 ? targets.getFirst().cookie() : -1;
                String name = "p" + probeIndex + "_" + group++;
                Attach rep = members.getFirst();
                int actionCount = actions.size(), siteCount = updateSites.size();
                Gen g = new Gen(checked, p, rep, maps, actions, updateSites, constId, start, regs);
                g.btf = btf;
                g.programName = name;
                try {
                    body(g, cgroupFilter && !rep.kind().isSpecial());
                } catch (CodegenException e) {
                    if (!e.stackFull) {
                        throw e;
                    }
                    // the stack ran out with keys, values and variables of up to 256 bytes on it: generate the probe
                    // again with keys and values over 64 bytes in scratch space, and its largest string, tuple and struct
                    // variables moved there, largest first, until the variables left on the stack take at most 64 bytes
                    // (Gen.scratchVariables; small ones can stay). What the first try added to the shared tables is
                    // dropped; a second overflow is the user's error.
                    actions.subList(actionCount, actions.size()).clear();
                    updateSites.subList(siteCount, updateSites.size()).clear();
                    g = new Gen(checked, p, rep, maps, actions, updateSites, constId, start, regs);
                    g.btf = btf;
                    g.programName = name;
                    g.stackShare = Gen.TIGHT_SHARE;
                    body(g, cgroupFilter && !rep.kind().isSpecial());
                }
                programs.add(isFentry(rep.kind()) ? fentry(name, rep, g, btf) : ProgramSpec.of(name, programType(rep.kind()), g.asm));
                if (g.scratchMap != null) {
                    scratch.add(MapSpec.of(g.scratchMap, MapType.PERCPU_ARRAY, 4, Math.max(8, g.scratchPeak()), 1));
                }
                units.add(new CompiledScript.Unit(name, rep.kind(), targets,
                        checked.source().line(p.probe().span().start()), p.probe().attachPoints().getFirst().text()));
            }
            probeIndex++;
        }
        List<MapSpec> specs = new ArrayList<>();
        maps.values().forEach(l -> specs.add(l.spec()));
        specs.addAll(scratch);
        specs.add(MapSpec.ringBuffer(Gen.RINGBUF, checked.options().ringBytes()));
        specs.add(MapSpec.of(Gen.LOST, MapType.ARRAY, 4, 8, 1));
        specs.add(MapSpec.of(Gen.CPID, MapType.ARRAY, 4, 8, 1));
        specs.add(MapSpec.of(Gen.STOP, MapType.ARRAY, 4, 8, 1));
        specs.add(MapSpec.of(Gen.UPDATES, MapType.ARRAY, 4, Math.max(8, updateSites.size() * UpdateSite.BYTES), 1));
        // Only the limits kstack or ustack use: a stack trace map preallocates every entry (131,072 x 1,016 bytes
        // at depth 127 by default, CheckOptions.DEFAULT_STACK_KEYS), ~0.1 s of kernel time to create at each start for
        // a program that never reads it.
        programs.stream().flatMap(ps -> ps.mapRefs().stream()).map(r -> r.map()).distinct().sorted().forEach(name ->
                StackMaps.depthOf(name).ifPresent(depth -> specs.add(MapSpec.stackTrace(name, depth, checked.options().stackKeys()))));
        if (cgroupFilter) {
            specs.add(MapSpec.of(Gen.CGROUP, MapType.CGROUP_ARRAY, 4, 4, 1));
        }
        return new CompiledScript(checked, new CollectionSpec(specs, programs), units, maps, actions, names, updateSites);
    }

    static ProgramType programType(ProbeKind k) {
        return switch (k) {
            case TRACEPOINT -> ProgramType.TRACEPOINT;
            case BEGIN, END, RAWTRACEPOINT -> ProgramType.RAW_TRACEPOINT;
            case INTERVAL, PROFILE, SOFTWARE, HARDWARE -> ProgramType.PERF_EVENT;
            case UPROBE, URETPROBE, USDT, KPROBE, KRETPROBE -> ProgramType.KPROBE;
            case KFUNC, KRETFUNC -> ProgramType.TRACING;
            default -> throw new IllegalArgumentException(k.label() + " probes have no program type here");
        };
    }

    static boolean isFentry(ProbeKind k) {
        return k == ProbeKind.KFUNC || k == ProbeKind.KRETFUNC;
    }

    /**
     * A kfunc/kretfunc program: BPF_PROG_TYPE_TRACING with expected attach type BPF_TRACE_FENTRY or BPF_TRACE_FEXIT and
     * the BTF id of the function's FUNC as attach_btf_id, which the kernel checks at load time (the verifier types the
     * context from that prototype: kernel/bpf/verifier.c, bpf_check_attach_target), so one program a function.
     */
    private static ProgramSpec fentry(String name, Attach at, Gen g, io.boxscope.bpf.btf.Btf btf) {
        String fn = at.target().getFirst();
        if (btf == null) {
            throw new CodegenException(g.probe.probe().span(), at.kind().label() + ":" + fn
                    + " needs the kernel's BTF (the function's BTF id is part of the program), which is not readable");
        }
        int id;
        try {
            id = btf.findId(fn, io.boxscope.bpf.btf.BtfKind.FUNC).orElseThrow(() -> new CodegenException(g.probe.probe().span(),
                    "kfunc not found in the kernel's BTF: " + fn));
        } catch (io.boxscope.bpf.btf.BtfException e) {
            throw new CodegenException(g.probe.probe().span(), "cannot read the kernel's BTF for " + fn + ": " + e.getMessage());
        }
        return new ProgramSpec(name, ProgramType.TRACING, g.asm.build(), "GPL",
                at.kind() == ProbeKind.KFUNC ? io.boxscope.bpf.prog.AttachType.TRACE_FENTRY : io.boxscope.bpf.prog.AttachType.TRACE_FEXIT,
                id, g.asm.mapRefs());
    }

    private static void body(Gen g, boolean cgroupFilter) {
        ExprGen x = new ExprGen(g);
        StmtGen s = new StmtGen(g, x);
        g.asm.mov(Gen.CTX, Reg.R1);
        if (!g.kind().isSpecial()) {
            g.asm.ldMapValue(Reg.R0, Gen.STOP, 0);
            g.asm.ldx(io.boxscope.bpf.asm.Size.DW, Reg.R0, Reg.R0, 0);
            g.asm.jmp(io.boxscope.bpf.asm.JmpOp.JNE, Reg.R0, 0, g.exit);
        }
        if (cgroupFilter) {
            g.asm.ldMap(Reg.R1, Gen.CGROUP);
            g.asm.movImm(Reg.R2, 0);
            g.asm.call(io.boxscope.bpf.asm.Helper.CURRENT_TASK_UNDER_CGROUP);
            g.asm.jmp(io.boxscope.bpf.asm.JmpOp.JNE, Reg.R0, 1, g.exit);
        }
        if (needsScratch(g)) {
            scratchPrologue(g);
        }
        java.util.Set<String> inScratch = g.scratchVariables(g.probe.variables());
        // a variable that does not fit is reported at its first assignment, not at the whole probe
        Map<String, io.boxscope.probe.lang.diag.Span> firstAssigned = new java.util.HashMap<>();
        collect(g.probe.probe(), Stmt.Assign.class, as -> {
            if (as.target() instanceof Expr.Variable var) {
                firstAssigned.merge(var.name(), as.span(), (a, b) -> a.start() <= b.start() ? a : b);
            }
        });
        for (Map.Entry<String, SType> v : g.probe.variables().entrySet()) {
            io.boxscope.probe.lang.diag.Span where = firstAssigned.getOrDefault(v.getKey(), g.probe.probe().span());
            if (inScratch.contains(v.getKey())) {
                int at = g.scratchAlloc(Layouts.size(v.getValue()), where);
                g.scratchVariables.put(v.getKey(), at);
                // the slot still holds this CPU's previous run
                g.zero(new Place(Gen.SCRATCH, at), Layouts.size(v.getValue()));
                continue;
            }
            int slot = g.frame.alloc(Layouts.size(v.getValue()), where);
            g.variables.put(v.getKey(), slot);
            g.zero(Reg.R10, slot, Layouts.size(v.getValue()));
        }
        if (g.probe.probe().predicate() != null) {
            x.truth(g.probe.probe().predicate());
            g.asm.jmp(io.boxscope.bpf.asm.JmpOp.JEQ, Reg.R0, 0, g.exit);
        }
        s.block(g.probe.probe().body());
        g.asm.bind(g.exit);
        g.asm.movImm(Reg.R0, 0);
        g.asm.exit();
    }

    /**
     * Whether a probe keeps a struct or tuple over {@link Gen#SCRATCH_MIN} bytes in a scratch variable, assigns a value over
     * the stack's share to a map, or uses a map whose key is larger than {@link Gen#STACK_KEY_MAX} bytes: then its
     * program looks its per-CPU scratch value up first.
     */
    private static boolean needsScratch(Gen g) {
        if (!g.scratchVariables(g.probe.variables()).isEmpty()) {
            return true;
        }
        boolean[] found = {false};
        collect(g.probe.probe(), Stmt.Assign.class, as -> {
            if (as.target() instanceof Expr.MapRef m && g.maps.get(m.name()) instanceof MapLayout l
                    && g.valueInScratch(l)) {
                found[0] = true;
            }
        });
        collect(g.probe.probe(), Expr.MapRef.class, m -> {
            if (g.maps.get(m.name()) instanceof MapLayout l && g.keyInScratch(l)) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /**
     * R8 = this program's per-CPU scratch value (a one-slot per-CPU array of its own, sized once the body is
     * generated); the lookup of index 0 of an array cannot fail, but the verifier needs the null check.
     */
    private static void scratchPrologue(Gen g) {
        g.scratchMap = "s_" + g.programName;
        int mark = g.frame.mark();
        int key = g.frame.alloc(8, g.probe.probe().span());
        g.asm.st(io.boxscope.bpf.asm.Size.DW, Reg.R10, key, 0);
        g.asm.ldMap(Reg.R1, g.scratchMap);
        g.addr(Reg.R2, Reg.R10, key);
        g.asm.call(io.boxscope.bpf.asm.Helper.MAP_LOOKUP_ELEM);
        g.asm.jmp(io.boxscope.bpf.asm.JmpOp.JEQ, Reg.R0, 0, g.exit);
        g.asm.mov(Gen.SCRATCH, Reg.R0);
        g.frame.release(mark);
    }

    /** Probe types whose compiled form depends only on the kernel (tracefs, BTF), not on files a script names. */
    private static final java.util.Set<ProbeKind> KERNEL_ONLY = java.util.EnumSet.of(ProbeKind.BEGIN, ProbeKind.END,
            ProbeKind.TRACEPOINT, ProbeKind.RAWTRACEPOINT, ProbeKind.INTERVAL, ProbeKind.PROFILE, ProbeKind.SOFTWARE,
            ProbeKind.HARDWARE);
    /**
     * Functions resolved to constants from the file system when compiling ({@code cgroupid}: a cgroup's inode;
     * {@code uaddr}: a binary's symbol; {@code kaddr}: /proc/kallsyms, whose module addresses change when a module is
     * unloaded and loaded again within a boot).
     */
    private static final java.util.Set<String> RESOLVED_FROM_FILES = java.util.Set.of("cgroupid", "uaddr", "kaddr");

    /**
     * Whether {@code s} may be kept in the compile cache ({@code io.boxscope.probe.runtime.CompileCache}) for the rest
     * of the boot: compiled here (not decoded), without warnings, attached only to points whose code depends on the
     * kernel alone (no uprobes, USDT or kprobes, whose code follows a binary that may be replaced), and calling no
     * function that reads a file when compiling ({@code cgroupid}, {@code uaddr}, {@code kaddr}): their constants may change in a boot.
     */
    public static boolean cacheable(CompiledScript s) {
        if (s.checked() == null || !s.checked().warnings().isEmpty()) {
            return false;
        }
        for (CheckedProbe p : s.checked().probes()) {
            for (Attach a : p.attaches()) {
                if (!KERNEL_ONLY.contains(a.kind())) {
                    return false;
                }
            }
            boolean[] reads = {false};
            collect(p.probe(), Expr.Call.class, c -> reads[0] |= RESOLVED_FROM_FILES.contains(c.name()));
            if (reads[0]) {
                return false;
            }
        }
        return true;
    }

    /** Whether expression {@code e} reads scratch variable {@code $name} anywhere in it (a tuple element, a ternary's branch, a map key). */
    static boolean readsVariable(Expr e, String name) {
        boolean[] found = {false};
        walk(e, n -> found[0] |= n instanceof Expr.Variable v && v.name().equals(name));
        return found[0];
    }

    /**
     * Whether the probe's body reads the {@code probe} builtin: only then must attach points sharing the body
     * tell which one fired (a BPF cookie, or one program each where the kernel has no cookies).
     */
    public static boolean readsProbe(CheckedProbe p) {
        boolean[] found = {false};
        collect(p.probe(), Expr.Builtin.class, b -> found[0] |= b.name().equals("probe"));
        return found[0];
    }

    /** A USDT site's argument spec, or the site itself when it cannot be read (the error comes with codegen). */
    private static Object usdtArgs(CheckedProbe p, Attach at) {
        try {
            return UsdtSites.site(at).args();
        } catch (java.io.IOException e) {
            return at;
        }
    }

    /** The offsets {@code args->FIELD} reads at for one attach point: attach points that agree share a program. */
    private static List<FieldAccess> layoutSignature(CheckedProgram checked, CheckedProbe p, Attach at) {
        List<FieldAccess> out = new ArrayList<>();
        collect(p.probe(), Expr.Field.class, f -> {
            if (f.base() instanceof Expr.Builtin b && b.name().equals("args")) {
                out.add(checked.field(f, at));
            }
        });
        return out;
    }

    /**
     * Every node of class {@code kind} in a probe (its predicate and body), in source order. An explicit walk
     * over the sealed AST, not reflection over record components: each accessor's first reflective call costs
     * a cold JVM a method handle, and this runs for every attach point at start-up.
     */
    private static <T> void collect(io.boxscope.probe.lang.ast.Probe probe, Class<T> kind, java.util.function.Consumer<T> out) {
        java.util.function.Consumer<Node> visit = n -> {
            if (kind.isInstance(n)) {
                out.accept(kind.cast(n));
            }
        };
        visit.accept(probe);
        if (probe.predicate() != null) {
            walk(probe.predicate(), visit);
        }
        walk(probe.body(), visit);
    }

    private static void walk(io.boxscope.probe.lang.ast.Block b, java.util.function.Consumer<Node> visit) {
        if (b == null) {
            return;
        }
        visit.accept(b);
        for (Stmt s : b.statements()) {
            walk(s, visit);
        }
    }

    private static void walk(Stmt s, java.util.function.Consumer<Node> visit) {
        visit.accept(s);
        switch (s) {
            case Stmt.ExprStmt e -> walk(e.expr(), visit);
            case Stmt.Assign a -> {
                walk(a.target(), visit);
                walk(a.value(), visit);
            }
            case Stmt.If i -> {
                walk(i.condition(), visit);
                walk(i.then(), visit);
                walk(i.orElse(), visit);
            }
            case Stmt.Unroll u -> {
                walk(u.count(), visit);
                walk(u.body(), visit);
            }
            case Stmt.While w -> {
                walk(w.condition(), visit);
                walk(w.body(), visit);
            }
            case Stmt.Return r -> { }
            case Stmt.Break r -> { }
            case Stmt.Continue r -> { }
        }
    }

    private static void walk(Expr e, java.util.function.Consumer<Node> visit) {
        if (e == null) {
            return;
        }
        visit.accept(e);
        switch (e) {
            case Expr.IntLit x -> { }
            case Expr.StrLit x -> { }
            case Expr.Builtin x -> { }
            case Expr.Identifier x -> { }
            case Expr.Positional x -> { }
            case Expr.PositionalCount x -> { }
            case Expr.Variable x -> { }
            case Expr.SizeofType x -> { }
            case Expr.Offsetof x -> { }
            case Expr.MapRef m -> m.keys().forEach(k -> walk(k, visit));
            case Expr.Call c -> c.args().forEach(x -> walk(x, visit));
            case Expr.Binary b -> {
                walk(b.left(), visit);
                walk(b.right(), visit);
            }
            case Expr.Unary u -> walk(u.operand(), visit);
            case Expr.IncDec i -> walk(i.target(), visit);
            case Expr.Ternary t -> {
                walk(t.condition(), visit);
                walk(t.then(), visit);
                walk(t.orElse(), visit);
            }
            case Expr.Field f -> walk(f.base(), visit);
            case Expr.Index i -> {
                walk(i.base(), visit);
                walk(i.index(), visit);
            }
            case Expr.Cast c -> walk(c.operand(), visit);
            case Expr.SizeofExpr x -> walk(x.operand(), visit);
            case Expr.Tuple t -> t.elements().forEach(x -> walk(x, visit));
        }
    }
}
