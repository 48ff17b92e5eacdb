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
 * as bcc's bcc_elf_foreach_sym does for bpftrace), and bpftrace's list of perf software events.
 */
public final class ProbeLister {
    private final Path sysRoot;
    private final Path debugRoot;
    private final java.util.function.Supplier<io.boxscope.bpf.feature.Support> fentry;
    private Btf btf;

    /** Lists against {@code sysRoot} (normally /sys; the host's /sys from inside a container) and /usr/lib/debug. */
    public ProbeLister(Path sysRoot) {
        this(sysRoot, DebugFiles.DEFAULT_ROOT);
    }

    public ProbeLister(Path sysRoot, Path debugRoot) {
        this(sysRoot, debugRoot, () -> io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.FENTRY));
    }

    /** As above, told by {@code fentry} whether the kernel takes fentry programs (tests; else the feature probe's answer). */
    ProbeLister(Path sysRoot, Path debugRoot, java.util.function.Supplier<io.boxscope.bpf.feature.Support> fentry) {
        this.sysRoot = sysRoot;
        this.debugRoot = debugRoot;
        this.fentry = fentry;
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
                    + " (kprobe and hardware probes are not listed)");
        }
        if (type.isPresent()) {
            list(type.get(), p.substring(colon + 1), verbose, out, notices);
        } else {
            // No provider named: match the whole probe name across the providers that need no path.
            Glob g = Glob.of(p);
            TreeMap<String, ListedProbe> all = new TreeMap<>();
            for (ProbeType t : List.of(ProbeType.TRACEPOINT, ProbeType.RAWTRACEPOINT, ProbeType.SOFTWARE)) {
                list(t, "*", verbose, all, notices);
            }
            kfuncsAsBpftraceLists(verbose, all, notices);
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
            case KFUNC, KRETFUNC -> kernelFunctions(type, rest, verbose, out, notices);
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
     * {@code kfunc:PATTERN} (and {@code kretfunc:}): the functions of the kernel's BTF (kind FUNC), as bpftrace -l
     * lists them, restricted, as bpftrace restricts them, to the functions ftrace can trace
     * ({@code tracing/available_filter_functions}) when that file can be read; when it cannot (this machine: EPERM even
     * for root), every BTF function is listed and a notice says that some may not be traceable. A second notice says
     * when the kernel refuses fentry altogether ({@code Features.attach}: a do-nothing fentry program loaded for real).
     * Verbose mode adds the parameters ({@code TYPE NAME}) and, for kretfunc, {@code RETURN_TYPE retval}.
     */
    private void kernelFunctions(ProbeType type, String rest, boolean verbose, TreeMap<String, ListedProbe> out,
                                 List<String> notices) throws IOException {
        Path vmlinux = sysRoot.resolve("kernel/btf/vmlinux");
        if (!Files.isReadable(vmlinux)) {
            notices.add("no kernel BTF at " + vmlinux + ": " + type.label() + " probes need it, so none are listed");
            return;
        }
        Btf btf = btf(vmlinux);
        java.util.Set<String> traceable = null;
        Path filter = sysRoot.resolve(FILTER_FUNCTIONS);
        try {
            traceable = traceable(filter);
        } catch (IOException e) {
            notices.add("cannot read " + filter + " (" + why(e) + "): every function of the kernel's BTF is listed, some of which ftrace may not trace");
        }
        if (fentry.get() instanceof io.boxscope.bpf.feature.Support.Unsupported u) {
            notices.add("this kernel refuses fentry programs, so none of these attach here: " + u.reason());
        }
        Glob g = Glob.of(rest);
        for (int id : btf.idsWithPrefix(io.boxscope.bpf.btf.BtfKind.FUNC, "")) {
            String fn = btf.name(id);
            String name = type.label() + ":" + fn;
            if (!g.matches(fn) || out.containsKey(name) || traceable != null && !traceable.contains(fn)) {
                continue;
            }
            out.put(name, new ListedProbe(type, name, verbose ? params(btf, id, type) : List.of()));
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
     * The kfuncs of a listing without a provider, as bpftrace 0.17's {@code -l} (its search {@code *:*}) lists them:
     * {@code kfunc:vmlinux:NAME} (its probe_matcher prints the BTF object's name before the function's), only when the
     * kernel takes fentry programs (its has_kfunc; here the feature probe) and only for the functions
     * {@code tracing/available_filter_functions} lists (its is_traceable_func, which lists none when the file cannot
     * be read) whose parameters all fit the architecture's argument registers (its {@code btf_vlen > max_arg + 1}
     * rule). kretfunc is left out, as 0.17 leaves out return probes there. Each reason for listing none is a notice.
     * Functions of modules' BTF (0.17's {@code kfunc:MODULE:NAME}) are not read: vmlinux only.
     */
    private void kfuncsAsBpftraceLists(boolean verbose, TreeMap<String, ListedProbe> out, List<String> notices) throws IOException {
        Path vmlinux = sysRoot.resolve("kernel/btf/vmlinux");
        if (!Files.isReadable(vmlinux)) {
            notices.add("kfunc probes not listed: no kernel BTF at " + vmlinux);
            return;
        }
        Path filter = sysRoot.resolve(FILTER_FUNCTIONS);
        java.util.Set<String> traceable;
        try {
            traceable = traceable(filter);
        } catch (IOException e) {
            notices.add("kfunc probes not listed, as bpftrace lists none: cannot read " + filter + " (" + why(e)
                    + "), which says what ftrace can trace; probe -l 'kfunc:*' lists every function of the kernel's BTF");
            return;
        }
        if (fentry.get() instanceof io.boxscope.bpf.feature.Support.Unsupported u) {
            notices.add("kfunc probes not listed: this kernel refuses fentry programs (" + u.reason() + ")");
            return;
        }
        Btf btf = btf(vmlinux);
        int registers;
        try {
            registers = io.boxscope.bpf.btf.PtRegs.of(btf, io.boxscope.bpf.sys.Arch.current()).args().size();
        } catch (io.boxscope.bpf.btf.BtfException e) {
            notices.add("kfunc probes not listed: " + e.getMessage());
            return;
        }
        for (int id : btf.idsWithPrefix(io.boxscope.bpf.btf.BtfKind.FUNC, "")) {
            String fn = btf.name(id);
            if (traceable.contains(fn) && btf.signature(id).params().size() <= registers) {
                String name = "kfunc:vmlinux:" + fn;
                out.put(name, new ListedProbe(ProbeType.KFUNC, name, verbose ? params(btf, id, ProbeType.KFUNC) : List.of()));
            }
        }
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
