package io.boxscope.probe.list;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.FuncSignature;
import io.boxscope.bpf.elf.DebugFiles;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.ElfSymbol;
import io.boxscope.bpf.tracefs.EventField;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.Glob;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.bpf.tracefs.Tracefs;

/**
 * {@code bpftrace -l}: lists probes matching a pattern such as {@code tracepoint:syscalls:sys_enter_*},
 * {@code rawtracepoint:sched_*}, {@code uprobe:/lib/x86_64-linux-gnu/libc.so.6:mall*} or {@code software:*},
 * with the same names bpftrace prints. Sources: tracefs {@code available_events} (tracepoints), kernel BTF
 * typedefs {@code btf_trace_*} (raw tracepoints), ELF symbol tables plus the separate debug file (uprobes,
 * as bcc's bcc_elf_foreach_sym does for bpftrace), bpftrace's lists of perf software and hardware events, and kernel BTF functions (kfuncs, iterators).
 */
public final class ProbeLister {
    private final Path sysRoot;
    private final Path debugRoot;
    private final java.util.function.Function<io.boxscope.bpf.feature.AttachKind, io.boxscope.bpf.feature.Support> attach;
    private Btf btf;

    /** Lists against {@code sysRoot} (normally /sys; the host's /sys from inside a container) and /usr/lib/debug. */
    public ProbeLister(Path sysRoot) {
        this(sysRoot, DebugFiles.DEFAULT_ROOT);
    }

    public ProbeLister(Path sysRoot, Path debugRoot) {
        this(sysRoot, debugRoot, io.boxscope.bpf.feature.Features::attach);
    }

    /** As above, told by {@code fentry} whether the kernel takes fentry programs (tests; else the feature probe's answer). */
    ProbeLister(Path sysRoot, Path debugRoot, java.util.function.Supplier<io.boxscope.bpf.feature.Support> fentry) {
        this(sysRoot, debugRoot, k -> k == io.boxscope.bpf.feature.AttachKind.FENTRY ? fentry.get()
                : io.boxscope.bpf.feature.Features.attach(k));
    }

    /** As above, told by {@code attach} what the kernel attaches (fentry programs, hardware counters). */
    ProbeLister(Path sysRoot, Path debugRoot,
                java.util.function.Function<io.boxscope.bpf.feature.AttachKind, io.boxscope.bpf.feature.Support> attach) {
        this.sysRoot = sysRoot;
        this.debugRoot = debugRoot;
        this.attach = attach;
    }

    /** The kernel's BTF, read once per lister (the listing without a provider needs it for raw tracepoints and kfuncs). */
    private Btf btf(Path vmlinux) throws IOException {
        if (btf == null) {
            btf = Btf.read(vmlinux);
        }
        return btf;
    }

    /**
     * Lists probes matching {@code pattern} (null or empty: every tracepoint, raw tracepoint and software event, and
     * the kfuncs bpftrace 0.17's {@code -l} lists: {@link #kfuncsAsBpftraceLists}).
     */
    public Listing list(String pattern, boolean verbose) throws IOException, ProbeListException {
        TreeMap<String, ListedProbe> out = new TreeMap<>(); // String order = byte order for these ASCII names
        List<String> notices = new ArrayList<>();
        String p = pattern == null || pattern.isBlank() ? "*" : pattern.strip();
        int colon = p.indexOf(':');
        Optional<ProbeType> type = colon > 0 ? ProbeType.of(p.substring(0, colon)) : Optional.empty();
        if (type.isEmpty() && colon > 0 && p.substring(0, colon).chars().noneMatch(c -> c == '*' || c == '?')) {
            throw new ProbeListException("unknown probe type '" + p.substring(0, colon) + "': Boxscope lists "
                    + java.util.Arrays.stream(ProbeType.values()).map(ProbeType::label).toList()
                    + " (kprobe probes are not listed)");
        }
        if (type.isPresent()) {
            list(type.get(), p.substring(colon + 1), verbose, out, notices);
        } else {
            // No provider named: match the whole probe name across the providers that need no path.
            Glob g = Glob.of(p);
            TreeMap<String, ListedProbe> all = new TreeMap<>();
            for (ProbeType t : List.of(ProbeType.TRACEPOINT, ProbeType.RAWTRACEPOINT, ProbeType.SOFTWARE,
                    ProbeType.HARDWARE, ProbeType.ITER)) {
                list(t, "*", verbose, all, notices);
            }
            kernelFunctions(ProbeType.KFUNC, "*", verbose, true, all, notices);
            all.forEach((name, probe) -> {
                if (g.matches(name)) {
                    out.put(name, probe);
                }
            });
        }
        return new Listing(List.copyOf(out.values()), notices);
    }

    private void list(ProbeType type, String rest, boolean verbose, TreeMap<String, ListedProbe> out, List<String> notices)
            throws IOException, ProbeListException {
        switch (type) {
            case TRACEPOINT -> tracepoints(rest, verbose, out, notices);
            case RAWTRACEPOINT -> rawTracepoints(rest, verbose, out, notices);
            case UPROBE, URETPROBE -> uprobes(type, rest, out, notices);
            case USDT -> usdt(rest, out);
            case KFUNC, KRETFUNC -> kernelFunctions(type, rest, verbose, false, out, notices);
            case HARDWARE -> hardware(rest, out, notices);
            case ITER -> iters(rest, verbose, out, notices);
            case SOFTWARE -> {
                int c = rest.indexOf(':');
                Glob g = Glob.of(c < 0 ? rest : rest.substring(0, c));
                for (SoftwareEvent e : SoftwareEvent.ALL) {
                    if (g.matches(e.name()) || !e.alias().isEmpty() && g.matches(e.alias()) && !g.isWildcard()) {
                        String name = "software:" + e.name() + ":";
                        out.put(name, new ListedProbe(type, name, List.of()));
                    }
                }
            }
        }
    }

    private void tracepoints(String rest, boolean verbose, TreeMap<String, ListedProbe> out, List<String> notices)
            throws IOException {
        Tracefs tracefs = Tracefs.locateOrMount(sysRoot);
        for (TracepointId tp : tracefs.events(rest)) {
            List<String> args = List.of();
            if (verbose) {
                try {
                    EventFormat f = tracefs.format(tp);
                    args = f.argFields().stream().map(EventField::declaration).toList();
                    if (!f.problems().isEmpty()) {
                        notices.add(tp + ": " + f.problems().size() + " unreadable line(s) in its format file, first: "
                                + f.problems().getFirst());
                    }
                } catch (IOException e) {
                    notices.add(tp + ": arguments unknown: " + e.getMessage());
                }
            }
            String name = "tracepoint:" + tp;
            out.put(name, new ListedProbe(ProbeType.TRACEPOINT, name, args));
        }
    }

    private void rawTracepoints(String rest, boolean verbose, TreeMap<String, ListedProbe> out, List<String> notices)
            throws IOException {
        Glob g = Glob.of(rest);
        Path vmlinux = sysRoot.resolve("kernel/btf/vmlinux");
        if (Files.isReadable(vmlinux)) {
            Btf btf = btf(vmlinux);
            for (String tp : btf.rawTracepoints()) {
                if (g.matches(tp)) {
                    List<String> args = List.of();
                    if (verbose) {
                        FuncSignature s = btf.rawTracepointSignature(tp);
                        args = s.params().stream().map(FuncSignature.Arg::type).toList();
                    }
                    String name = "rawtracepoint:" + tp;
                    out.put(name, new ListedProbe(ProbeType.RAWTRACEPOINT, name, args));
                }
            }
            return;
        }
        // Without BTF: every tracefs event but the syscall wrappers is a raw tracepoint of the same name.
        notices.add("no kernel BTF at " + vmlinux + ": raw tracepoints listed from tracefs events instead (without arguments)");
        Tracefs tracefs = Tracefs.locateOrMount(sysRoot);
        TreeSet<String> names = new TreeSet<>();
        for (TracepointId tp : tracefs.events()) {
            if (!tp.system().equals("syscalls") && g.matches(tp.event())) {
                names.add(tp.event());
            }
        }
        for (String n : names) {
            out.put("rawtracepoint:" + n, new ListedProbe(ProbeType.RAWTRACEPOINT, "rawtracepoint:" + n, List.of()));
        }
    }

    /**
     * {@code kfunc:[MODULE:]PATTERN} (and {@code kretfunc:}), and the kfuncs of a listing without a provider
     * ({@code all}), in one form, as bpftrace 0.17 prints both: {@code kfunc:vmlinux:NAME} (its probe_matcher matches
     * {@code MODULE:FUNCTION} entries of BTF::get_all_funcs; a pattern without a module is {@code *:PATTERN}, its
     * kfunc_parser). Kept, as 0.17 keeps them, only functions whose parameters all fit the architecture's argument
     * registers (its {@code btf_vlen > max_arg + 1} rule) and, where {@code tracing/available_filter_functions} can be
     * read, only those it lists (its is_traceable_func). Where it cannot be read (this machine: EPERM even for root),
     * 0.17 aborts a {@code kfunc:} listing and lists no kfunc without a provider; here a {@code kfunc:} listing lists
     * every BTF function with a notice, and one without a provider lists none, with a notice, as 0.17. Likewise where the
     * kernel refuses fentry ({@code Features.attach}: 0.17's has_kfunc): a notice, and none without a provider. Verbose
     * mode adds the parameters ({@code TYPE NAME}) and, for kretfunc, {@code RETURN_TYPE retval}. Only vmlinux's BTF is
     * read, not modules' (0.17's {@code kfunc:MODULE:NAME}); kretfunc is left out without a provider, as 0.17 leaves out
     * return probes there.
     */
    private void kernelFunctions(ProbeType type, String rest, boolean verbose, boolean all, TreeMap<String, ListedProbe> out,
                                 List<String> notices) throws IOException {
        String what = all ? "kfunc probes not listed: " : "";
        Path vmlinux = sysRoot.resolve("kernel/btf/vmlinux");
        if (!Files.isReadable(vmlinux)) {
            notices.add(all ? what + "no kernel BTF at " + vmlinux
                    : "no kernel BTF at " + vmlinux + ": " + type.label() + " probes need it, so none are listed");
            return;
        }
        java.util.Set<String> traceable = null;
        Path filter = sysRoot.resolve(FILTER_FUNCTIONS);
        try {
            traceable = traceable(filter);
        } catch (IOException e) {
            if (all) {
                notices.add("kfunc probes not listed, as bpftrace lists none: cannot read " + filter + " (" + why(e)
                        + "), which says what ftrace can trace; probe -l 'kfunc:*' lists every function of the kernel's BTF");
                return;
            }
            notices.add("cannot read " + filter + " (" + why(e) + "): every function of the kernel's BTF is listed, some of which ftrace may not trace");
        }
        if (attach.apply(io.boxscope.bpf.feature.AttachKind.FENTRY) instanceof io.boxscope.bpf.feature.Support.Unsupported u) {
            if (all) {
                notices.add(what + "this kernel refuses fentry programs (" + u.reason() + ")");
                return;
            }
            notices.add("this kernel refuses fentry programs, so none of these attach here: " + u.reason());
        }
        Btf btf = btf(vmlinux);
        int registers;
        try {
            registers = io.boxscope.bpf.btf.PtRegs.of(btf, io.boxscope.bpf.sys.Arch.current()).args().size();
        } catch (io.boxscope.bpf.btf.BtfException e) {
            notices.add(what + e.getMessage());
            return;
        }
        int c = rest.lastIndexOf(':');
        Glob module = Glob.of(c < 0 ? "*" : rest.substring(0, c));
        Glob g = Glob.of(c < 0 ? rest : rest.substring(c + 1));
        if (!module.matches("vmlinux")) {
            return;
        }
        for (int id : btf.idsWithPrefix(io.boxscope.bpf.btf.BtfKind.FUNC, "")) {
            String fn = btf.name(id);
            String name = type.label() + ":vmlinux:" + fn;
            if (!g.matches(fn) || out.containsKey(name) || traceable != null && !traceable.contains(fn)
                    || btf.signature(id).params().size() > registers) {
                continue;
            }
            out.put(name, new ListedProbe(type, name, verbose ? params(btf, id, type) : List.of()));
        }
    }

    /**
     * {@code hardware:PATTERN}: bpftrace's hardware events (HW_PROBE_LIST, {@code HardwareEvent}), one line each,
     * {@code hardware:NAME:}, as {@code software:} is listed, where the kernel opens a hardware counter
     * ({@code Features.attach(PERF_EVENT_HARDWARE)}); where it does not (virtual machines without a PMU, this one),
     * none, with a notice saying why. bpftrace 0.17 prints the pattern back instead ({@code hardware:*:}) whatever the
     * kernel can count.
     */
    private void hardware(String rest, TreeMap<String, ListedProbe> out, List<String> notices) {
        if (attach.apply(io.boxscope.bpf.feature.AttachKind.PERF_EVENT_HARDWARE) instanceof io.boxscope.bpf.feature.Support.Unsupported u) {
            notices.add("hardware probes not listed: this machine has no usable hardware counters (" + u.reason() + ")");
            return;
        }
        int c = rest.indexOf(':');
        Glob g = Glob.of(c < 0 ? rest : rest.substring(0, c));
        for (HardwareEvent e : HardwareEvent.ALL) {
            if (g.matches(e.name()) || !e.alias().isEmpty() && g.matches(e.alias()) && !g.isWildcard()) {
                String name = "hardware:" + e.name() + ":";
                out.put(name, new ListedProbe(ProbeType.HARDWARE, name, List.of()));
            }
        }
    }

    /** The iterators bpftrace 0.17 attaches (its get_iter_symbols), each listed where the kernel's BTF has it. */
    private static final List<String> ITERATORS = List.of("task", "task_file");

    /**
     * {@code iter:PATTERN}: bpftrace 0.17's iterators, {@code iter:task} and {@code iter:task_file}, each where the
     * running kernel defines it: its BTF has the function {@code bpf_iter_NAME} that DEFINE_BPF_ITER_FUNC declares
     * (kernel/bpf/task_iter.c, Linux 5.8+). Verbose mode prints the iterator's context, the function's parameters after
     * {@code struct bpf_iter_meta *meta}, as 0.17's {@code -lv} prints them. Without kernel BTF, none, with a notice.
     */
    private void iters(String rest, boolean verbose, TreeMap<String, ListedProbe> out, List<String> notices) throws IOException {
        Path vmlinux = sysRoot.resolve("kernel/btf/vmlinux");
        if (!Files.isReadable(vmlinux)) {
            notices.add("iter probes not listed: no kernel BTF at " + vmlinux);
            return;
        }
        Btf btf = btf(vmlinux);
        Glob g = Glob.of(rest);
        for (String it : ITERATORS) {
            java.util.OptionalInt id = btf.findId("bpf_iter_" + it, io.boxscope.bpf.btf.BtfKind.FUNC);
            if (g.matches(it) && id.isPresent()) {
                List<String> args = List.of();
                if (verbose) {
                    List<FuncSignature.Arg> ps = btf.signature(id.getAsInt()).params();
                    args = ps.subList(Math.min(1, ps.size()), ps.size()).stream().map(p -> p.type() + " " + p.name()).toList();
                }
                out.put("iter:" + it, new ListedProbe(ProbeType.ITER, "iter:" + it, args));
            }
        }
    }

    /** Where ftrace lists the functions it can trace, under the sys root. */
    private static final String FILTER_FUNCTIONS = "kernel/tracing/available_filter_functions";

    /**
     * The function names of an available_filter_functions file ("name" or "name [module]" a line), also what kprobe
     * wildcards are matched against ({@code probe.lang.sema.LiveKernel}). The placeholders ftrace lists for call sites
     * it could not map to a function ({@code __ftrace_invalid_address___N}, kernel/trace/ftrace.c) are left out.
     */
    public static java.util.Set<String> traceable(Path filter) throws IOException {
        java.util.Set<String> traceable = new java.util.HashSet<>();
        for (String line : Files.readAllLines(filter)) {
            int sp = line.indexOf(' ');
            String name = sp < 0 ? line.strip() : line.substring(0, sp);
            if (!name.isEmpty() && !name.startsWith("__ftrace_invalid_address__")) {
                traceable.add(name);
            }
        }
        return traceable;
    }

    private static String why(IOException e) {
        return e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
    }

    /** {@code -lv}'s lines of a kernel function: {@code TYPE NAME} per parameter, and for kretfunc {@code RETURN_TYPE retval}. */
    private static List<String> params(Btf btf, int id, ProbeType type) throws IOException {
        FuncSignature s = btf.signature(id);
        List<String> a = new ArrayList<>();
        s.params().forEach(p -> a.add(p.type() + " " + p.name()));
        if (type == ProbeType.KRETFUNC) {
            a.add(s.returnType() + " retval");
        }
        return List.copyOf(a);
    }

    /**
     * {@code usdt:PATH[:PATTERN]}: the file's {@code .note.stapsdt} probes as bpftrace -l prints them
     * ({@code usdt:PATH:PROVIDER:NAME}, each once however many sites it has); PATTERN matches
     * {@code PROVIDER:NAME}, or NAME alone when it has no colon.
     */
    private void usdt(String rest, TreeMap<String, ListedProbe> out) throws IOException, ProbeListException {
        int c = rest.indexOf(':');
        Path file = UprobeTargets.resolve(c < 0 ? rest : rest.substring(0, c));
        String pattern = c < 0 ? "*" : rest.substring(c + 1);
        Glob g = Glob.of(pattern);
        for (io.boxscope.bpf.elf.UsdtNote n : io.boxscope.bpf.elf.UsdtNote.of(ElfFile.read(file))) {
            if (g.matches(pattern.contains(":") ? n.id() : n.name()) || pattern.equals("*")) {
                String name = "usdt:" + file + ":" + n.id();
                out.put(name, new ListedProbe(ProbeType.USDT, name, List.of()));
            }
        }
    }

    private void uprobes(ProbeType type, String rest, TreeMap<String, ListedProbe> out, List<String> notices)
            throws IOException, ProbeListException {
        int c = rest.lastIndexOf(':');
        String target = c < 0 ? rest : rest.substring(0, c);
        Glob g = Glob.of(c < 0 ? "*" : rest.substring(c + 1));
        for (Path file : UprobeTargets.resolveAll(target)) {
            uprobes(type, file, g, out, notices);
        }
    }

    private void uprobes(ProbeType type, Path file, Glob g, TreeMap<String, ListedProbe> out, List<String> notices)
            throws IOException {
        ElfFile elf = ElfFile.read(file);
        TreeSet<String> names = new TreeSet<>();
        addFunctionNames(elf, names);
        Optional<Path> debug = DebugFiles.find(elf, file, debugRoot);
        if (debug.isPresent()) {
            try {
                addFunctionNames(ElfFile.read(debug.get()), names);
            } catch (IOException e) {
                notices.add("debug file " + debug.get() + " of " + file + " could not be read, its local functions are missing: "
                        + e.getMessage());
            }
        } else if (!elf.hasSymtab()) {
            notices.add(file + " is stripped and has no debug file under " + debugRoot
                    + ": only its exported (.dynsym) functions are listed");
        }
        for (String n : names) {
            if (g.matches(n)) {
                String name = type.label() + ":" + file + ":" + n;
                out.put(name, new ListedProbe(type, name, List.of()));
            }
        }
    }

    /**
     * The functions a uprobe wildcard on {@code file} expands to, as {@code -l} lists them: both symbol tables of
     * the file and of its separate debug file (found by build id or .gnu_debuglink under /usr/lib/debug), so
     * {@code uprobe:libc:clos*} matches the local functions bpftrace 0.17 attaches to as well.
     */
    public static java.util.List<String> uprobeFunctions(Path file) throws IOException {
        ElfFile elf = ElfFile.read(file);
        TreeSet<String> names = new TreeSet<>();
        addFunctionNames(elf, names);
        Optional<Path> debug = DebugFiles.find(elf, file, DebugFiles.DEFAULT_ROOT);
        if (debug.isPresent()) {
            addFunctionNames(ElfFile.read(debug.get()), names);
        }
        return java.util.List.copyOf(names);
    }

    /**
     * bpftrace's rule (bcc_elf_foreach_sym with STT_FUNC|STT_GNU_IFUNC): named, nonzero address, both tables;
     * minus GCC's partial-inlining fragments ({@code foo.part.0}), which are not whole functions and which
     * bpftrace does not list either (checked against bpftrace 0.17 on libc, libm, ld.so and libjvm).
     */
    private static void addFunctionNames(ElfFile elf, TreeSet<String> names) throws IOException {
        for (ElfSymbol s : elf.symbols()) {
            if (s.isFunction() && s.value() != 0 && !s.name().isEmpty() && !s.name().contains(".part.")) {
                names.add(s.name());
            }
        }
    }
}
