package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.Glob;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.probe.lang.ast.AttachPoint;
import io.boxscope.probe.list.SoftwareEvent;

/**
 * Turns attach points as written into concrete {@link Attach}es: aliases to canonical names, wildcards
 * expanded against the kernel's lists (tracefs events, BTF raw tracepoints and functions, the functions kprobe
 * wildcards match: {@link KernelInfo#kprobeFunctions}, ELF symbols),
 * units and periods checked. Errors use bpftrace's wording ("tracepoint not found: ...") plus hints:
 * nearest real names by edit distance, and for kprobes/kfuncs on a kernel that cannot attach them, the
 * tracepoint to use instead.
 */
final class ProbeResolver {
    static final List<String> HARDWARE = List.of("cpu-cycles", "cycles", "instructions", "cache-references",
            "cache-misses", "branch-instructions", "branches", "branch-misses", "bus-cycles", "frontend-stalls",
            "backend-stalls", "ref-cycles");

    private final KernelInfo kernel;
    private final Diags diags;
    /**
     * Uprobes skipped because their file has no such function, and kernel-function wildcards that match nothing, for
     * the message when nothing is left to attach.
     */
    final List<String> skipped = new ArrayList<>();

    /** {@code -p PID} (0: none), where a usdt probe without a file looks. */
    private final int pid;

    ProbeResolver(KernelInfo kernel, Diags diags) {
        this(kernel, diags, 0);
    }

    ProbeResolver(KernelInfo kernel, Diags diags, int pid) {
        this.kernel = kernel;
        this.diags = diags;
        this.pid = pid;
    }

    /** The attach points; empty (with a diagnostic) when it cannot be resolved. */
    List<Attach> resolve(AttachPoint ap, ProbeKind kind) {
        try {
            return switch (kind) {
                case BEGIN, END -> special(ap, kind);
                case TRACEPOINT -> tracepoint(ap);
                case RAWTRACEPOINT -> rawTracepoint(ap);
                case KPROBE, KRETPROBE -> kernelFunction(ap, kind, AttachKind.KPROBE);
                case KFUNC, KRETFUNC -> kernelFunction(ap, kind, AttachKind.FENTRY);
                case UPROBE, URETPROBE -> uprobe(ap, kind);
                case USDT -> usdt(ap);
                case INTERVAL, PROFILE -> timer(ap, kind);
                case SOFTWARE -> software(ap);
                case HARDWARE -> hardware(ap);
            };
        } catch (java.nio.file.AccessDeniedException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (IOException e) {
            diags.error(ap.span(), "cannot resolve " + ap.text() + ": " + e.getMessage());
            return List.of();
        }
    }

    private boolean arity(AttachPoint ap, ProbeKind kind, int min, int max) {
        int n = ap.parts().size();
        if (n < min || n > max) {
            String want = min == max ? Integer.toString(min) : min + " to " + max;
            diags.error(ap.span(), kind.label() + " probe type requires " + want + " argument" + (max == 1 ? "" : "s")
                    + " (" + n + " given)");
            return false;
        }
        return true;
    }

    private List<Attach> special(AttachPoint ap, ProbeKind kind) {
        if (!arity(ap, kind, 0, 0)) {
            return List.of();
        }
        return List.of(new Attach(kind, kind.label(), List.of(), 0));
    }

    private List<Attach> tracepoint(AttachPoint ap) throws IOException {
        if (!arity(ap, ProbeKind.TRACEPOINT, 2, 2)) {
            return List.of();
        }
        Glob cat = Glob.of(ap.parts().get(0));
        Glob ev = Glob.of(ap.parts().get(1));
        if (!cat.isWildcard() && !ev.isWildcard()) {
            TracepointId tp = null;
            try {
                tp = new TracepointId(ap.parts().get(0), ap.parts().get(1));
            } catch (IllegalArgumentException e) {
                // not a name a tracepoint can have: the search below finds nothing and says so
            }
            if (tp != null && kernel.hasTracepoint(tp)) { // one named tracepoint: no need to read the whole list
                return List.of(new Attach(ProbeKind.TRACEPOINT, "tracepoint:" + tp.system() + ":" + tp.event(),
                        List.of(tp.system(), tp.event()), 0));
            }
        }
        List<Attach> out = new ArrayList<>();
        // One named system (syscalls:sys_enter_*): only its tracepoints are read, not the whole list.
        List<TracepointId> candidates = cat.isWildcard() || !validSystem(ap.parts().get(0))
                ? kernel.tracepoints() : kernel.tracepoints(ap.parts().get(0));
        for (TracepointId tp : candidates) {
            if (cat.matches(tp.system()) && ev.matches(tp.event())) {
                out.add(new Attach(ProbeKind.TRACEPOINT, "tracepoint:" + tp.system() + ":" + tp.event(),
                        List.of(tp.system(), tp.event()), 0));
            }
        }
        if (out.isEmpty()) {
            String what = ap.parts().get(0) + ":" + ap.parts().get(1);
            boolean wild = cat.isWildcard() || ev.isWildcard();
            List<String> names = kernel.tracepoints().stream().map(TracepointId::toString).toList();
            List<String> near = wild ? List.of() : EditDistance.closest(what, names, 3);
            List<String> hints = new ArrayList<>();
            if (!near.isEmpty()) {
                hints.add("did you mean " + String.join(" or ", near.stream().map(n -> "`" + n.substring(n.indexOf(':') + 1)
                        + "`" + (n.startsWith(ap.parts().get(0) + ":") ? "" : " (tracepoint:" + n + ")")).toList()) + "?");
            }
            hints.add("list them with: boxscope probe -l 'tracepoint:" + ap.parts().get(0) + ":*'");
            diags.error(ap.span(), (wild ? "tracepoints not found: " : "tracepoint not found: ") + what,
                    hints.toArray(String[]::new));
        }
        return out;
    }

    private static boolean validSystem(String s) {
        return !s.isEmpty() && !s.contains(":") && !s.contains("/");
    }

    private List<Attach> rawTracepoint(AttachPoint ap) throws IOException {
        if (!arity(ap, ProbeKind.RAWTRACEPOINT, 1, 1)) {
            return List.of();
        }
        String pat = ap.parts().getFirst();
        var btf = kernel.btf();
        if (btf.isEmpty()) {
            if (Glob.of(pat).isWildcard()) {
                diags.error(ap.span(), "rawtracepoint wildcards need the kernel's BTF (/sys/kernel/btf/vmlinux), which this kernel lacks");
                return List.of();
            }
            return List.of(new Attach(ProbeKind.RAWTRACEPOINT, "rawtracepoint:" + pat, List.of(pat), 0));
        }
        List<String> all = btf.get().rawTracepoints();
        Glob g = Glob.of(pat);
        List<Attach> out = new ArrayList<>();
        for (String n : all) {
            if (g.matches(n)) {
                out.add(new Attach(ProbeKind.RAWTRACEPOINT, "rawtracepoint:" + n, List.of(n), 0));
            }
        }
        if (out.isEmpty()) {
            List<String> near = g.isWildcard() ? List.of() : EditDistance.closest(pat, all, 3);
            diags.error(ap.span(), "rawtracepoint not found: " + pat, near.isEmpty()
                    ? new String[] {"list them with: boxscope probe -l 'rawtracepoint:*'"}
                    : new String[] {"did you mean " + quoteAll(near) + "?"});
        }
        return out;
    }

    private List<Attach> kernelFunction(AttachPoint ap, ProbeKind kind, AttachKind how) throws IOException {
        if (!arity(ap, kind, 1, 2)) {
            return List.of();
        }
        String fn = ap.parts().getLast();
        Support s = kernel.attach(how);
        if (s instanceof Support.Unsupported u && how == AttachKind.FENTRY) {
            diags.refused(ap.span(), fentryRefusal(ap, fn, kind, u.reason()), "kfunc/fentry probes are not available on this kernel",
                    insteadHint(fn, kind), "why: " + u.reason());
            return List.of();
        }
        if (s instanceof Support.Unsupported u) {
            String why = u.cause();
            diags.refused(ap.span(), kprobeRefusal(ap, fn, kind, why), "kprobes are not available on this kernel",
                    insteadHint(fn, kind), "why: " + why);
            return List.of();
        }
        Glob g = Glob.of(fn);
        KprobeFunctions list = how == AttachKind.KPROBE && g.isWildcard() ? kernel.kprobeFunctions() : null;
        java.util.Collection<String> names;
        String matched;
        if (list != null && list.names().isPresent()) {
            // kprobe wildcards match what bpftrace 0.17 matches them against (available_filter_functions; else
            // kallsyms): names with .constprop.N/.isra.N suffixes that BTF does not have. Sorted, each name once.
            names = new java.util.TreeSet<>();
            for (String n : list.names().get()) {
                if (g.matches(n)) {
                    names.add(n);
                }
            }
            matched = list.source();
        } else {
            names = new java.util.LinkedHashSet<>();
            matched = list != null ? list.source() : "the functions of the kernel's BTF";
            var btf = kernel.btf();
            if (btf.isPresent()) {
                Btf b = btf.get();
                if (g.isWildcard()) {
                    String prefix = fn.substring(0, firstWild(fn));
                    for (int id : b.idsWithPrefix(BtfKind.FUNC, prefix)) {
                        String n = b.name(id);
                        if (g.matches(n)) {
                            names.add(n);
                        }
                    }
                } else if (b.findId(fn, BtfKind.FUNC).isPresent()) {
                    names.add(fn);
                } else if (kind == ProbeKind.KFUNC || kind == ProbeKind.KRETFUNC) {
                    diags.error(ap.span(), "kfunc not found in the kernel's BTF: " + fn);
                    return List.of();
                } else {
                    names.add(fn);
                }
            } else {
                names.add(fn);
            }
        }
        if (names.isEmpty()) {
            // a wildcard that matches no function is skipped, as bpftrace 0.17 skips it (dcsnoop.bt attaches
            // kprobe:lookup_fast and kprobe:lookup_fast.constprop.*, one of which a given kernel has), with a notice
            // (bpftrace says nothing); with nothing left to attach the program fails with "No probes to attach"
            // (Analyzer), naming what matched nothing
            skipped.add(kind.label() + ":" + fn);
            diags.warning(ap.span(), ap.text() + " matches no kernel function, so it is skipped", "matched against " + matched);
        }
        return names.stream().map(n -> new Attach(kind, kind.label() + ":" + n, List.of(n), 0)).toList();
    }

    private static int firstWild(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) != '*' && s.charAt(i) != '?' && s.charAt(i) != '[') {
            i++;
        }
        return i;
    }

    /** "use tracepoint:syscalls:sys_enter_X" when the function is a syscall, else rawtracepoints in general. */
    /**
     * The one line a run prints when the kernel refuses fentry: the probe, what the feature probe's attempt (a
     * do-nothing fentry program loaded and attached for real, {@code Features.attach}) got back, and what to use
     * instead: the syscall tracepoint that fits, and the kprobe only where kprobes attach here.
     */
    private String fentryRefusal(AttachPoint ap, String fn, ProbeKind kind, String reason) {
        String why = reason;
        int advice = why.indexOf(" — ");
        if (advice > 0 && io.boxscope.proc.Privileges.self().canTrace()) {
            // the generic EPERM advice (run as root...) is wrong when the privileges are there: the kernel forbids it
            why = why.substring(0, advice) + ", although this process has CAP_BPF and CAP_PERFMON (kernel lockdown or a security"
                    + " module forbids fentry programs)";
        }
        String kp = (kind == ProbeKind.KRETFUNC ? "kretprobe:" : "kprobe:") + fn;
        String kprobes = kernel.attach(AttachKind.KPROBE).isSupported() ? "; or " + kp
                : "; " + kp + " is no alternative here: kprobes do not attach on this kernel either";
        String instead = insteadHint(fn, kind);
        return ap.text() + ": the kernel refused fentry (" + why + "); " + instead + kprobes;
    }

    /**
     * The one line of a kprobe the kernel does not attach (a runtime failure, exit 1, as bpftrace's "Error attaching
     * probe"; not a usage error: the program is right): the user's probe and function, why (the feature probe's
     * reason), the tracepoint to use instead, and whether kfunc (fentry) is an alternative here.
     */
    private String kprobeRefusal(AttachPoint ap, String fn, ProbeKind kind, String why) {
        String kf = (kind == ProbeKind.KRETPROBE ? "kretfunc:" : "kfunc:") + fn;
        String fentry = kernel.attach(AttachKind.FENTRY).isSupported() ? "; or " + kf
                : "; " + kf + " is no alternative here: fentry programs do not attach on this kernel either";
        return ap.text() + ": the kernel does not attach kprobes (" + why + "); " + insteadHint(fn, kind) + fentry;
    }

    private String insteadHint(String fn, ProbeKind kind) {
        String sys = fn.replaceFirst("^(__x64_sys_|__arm64_sys_|__se_sys_|__do_sys_|ksys_|do_sys_|sys_|vfs_|do_)", "");
        boolean exit = kind == ProbeKind.KRETPROBE || kind == ProbeKind.KRETFUNC;
        try {
            for (String cand : List.of(sys, sys.replaceFirst("2$", ""), sys.replaceFirst("at2?$", ""))) {
                TracepointId tp = new TracepointId("syscalls", (exit ? "sys_exit_" : "sys_enter_") + cand);
                if (!cand.equals(fn) && kernel.tracepoints().contains(tp)) {
                    return "use tracepoint:syscalls:" + tp.event() + " instead";
                }
            }
        } catch (IOException e) {
            // no tracepoint list: fall through to the general hint
        }
        return "use a tracepoint (tracepoint:syscalls:…, list with boxscope probe -l) or a raw tracepoint instead";
    }

    private List<Attach> uprobe(AttachPoint ap, ProbeKind kind) throws IOException {
        if (!arity(ap, kind, 2, 2)) {
            return List.of();
        }
        List<Path> files;
        try {
            files = kernel.uprobeTargets(ap.parts().get(0));
        } catch (IOException e) {
            diags.error(ap.span(), e.getMessage());
            return List.of();
        }
        String fn = ap.parts().get(1);
        List<Attach> out = new ArrayList<>();
        for (Path file : files) {
            out.addAll(uprobe(kind, file, fn));
        }
        if (out.isEmpty() && Glob.of(fn).isWildcard()) {
            diags.error(ap.span(), "no functions of " + (files.size() == 1 ? files.getFirst() : ap.parts().get(0)) + " match " + fn);
        }
        return out;
    }

    /** The attach points of {@code fn} (a name, an address or a wildcard) in one file. */
    private List<Attach> uprobe(ProbeKind kind, Path file, String fn) throws IOException {
        Glob g = Glob.of(fn);
        List<String> fns;
        if (g.isWildcard()) {
            fns = kernel.functions(file).stream().filter(g::matches).toList();
        } else if (!fn.isEmpty() && !Character.isDigit(fn.charAt(0)) && !kernel.hasFunction(file, fn)) {
            // bpftrace 0.17 skips a uprobe whose function the file lacks, silently, and does not count it in
            // "Attaching N probes" (ssllatency.bt names libcrypto functions OpenSSL 3 no longer exports;
            // threadsnoop.bt's libpthread:pthread_create moved to libc in glibc 2.34); with nothing left to
            // attach the run fails with "No probes to attach" (ProbeCompiler)
            skipped.add(kind.label() + ":" + file + ":" + fn);
            fns = List.of();
        } else {
            fns = List.of(fn);
        }
        return fns.stream().map(f -> new Attach(kind, kind.label() + ":" + file + ":" + f, List.of(file.toString(), f), 0))
                .toList();
    }

    /**
     * {@code usdt:PATH:PROVIDER:NAME} or {@code usdt:PATH:NAME} (any provider), wildcards in both: one attach
     * point per probe site of the file's {@code .note.stapsdt} notes; a probe the compiler emitted at several
     * places (inlined) has one per place, told apart by {@link Attach#number()} (the site's index among the
     * probe's sites), which {@code Attaching N probes} counts once as bpftrace does.
     */
    private List<Attach> usdt(AttachPoint ap) throws IOException {
        List<String> parts = ap.parts();
        boolean noFile = parts.size() == 1 || parts.size() > 1 && (parts.getFirst().isEmpty() || Glob.of(parts.getFirst()).isWildcard());
        if (noFile && parts.size() <= 3) {
            return usdtOfProcess(ap);
        }
        if (!arity(ap, ProbeKind.USDT, 2, 3)) {
            return List.of();
        }
        Path file;
        try {
            file = kernel.uprobeTarget(ap.parts().get(0));
        } catch (IOException e) {
            diags.error(ap.span(), e.getMessage());
            return List.of();
        }
        List<io.boxscope.bpf.elf.UsdtNote> notes;
        try {
            notes = kernel.usdt(file);
        } catch (io.boxscope.bpf.elf.ElfException e) {
            diags.error(ap.span(), "cannot read the USDT notes of " + file + ": " + e.getMessage());
            return List.of();
        }
        Glob provider = Glob.of(ap.parts().size() == 3 ? ap.parts().get(1) : "*");
        Glob name = Glob.of(ap.parts().getLast());
        List<Attach> out = new ArrayList<>();
        usdtSites(file, notes, provider, name, out);
        if (out.isEmpty()) {
            String what = String.join(":", ap.parts().subList(1, ap.parts().size()));
            List<String> near = provider.isWildcard() || name.isWildcard() ? List.of()
                    : EditDistance.closest(ap.parts().size() == 3 ? what : ap.parts().getLast(), notes.stream()
                            .map(n -> ap.parts().size() == 3 ? n.id() : n.name()).distinct().toList(), 3);
            diags.error(ap.span(), notes.isEmpty() ? "no USDT probes in " + file + " (it has no .note.stapsdt section)"
                    : "usdt probe not found: " + file + ":" + what, near.isEmpty()
                    ? new String[] {"list them with: boxscope probe -l 'usdt:" + file + ":*'"}
                    : new String[] {"did you mean " + quoteAll(near) + "?"});
        }
        return out;
    }

    /**
     * A usdt probe without a file ({@code usdt:NAME}, {@code usdt::PROVIDER:NAME}, {@code usdt:*:NAME}) with
     * {@code -p PID}: the probes of every ELF file the process maps (its executable first), named by the
     * process's view of the file ({@code usdt:/proc/PID/root/usr/bin/python3.11:python:gc__start}), as bpftrace 0.17
     * resolves them. A file part that is a wildcard filters the files by their path in the process.
     */
    private List<Attach> usdtOfProcess(AttachPoint ap) throws IOException {
        List<String> parts = ap.parts();
        if (pid <= 0) {
            diags.error(ap.span(), "a usdt probe without a file needs a process: give -p PID",
                    "or name the file: usdt:/path/to/binary:" + String.join(":", parts.subList(parts.size() == 1 ? 0 : 1, parts.size())));
            return List.of();
        }
        Glob fileGlob = parts.size() == 1 || parts.getFirst().isEmpty() ? Glob.of("*") : Glob.of(parts.getFirst());
        Glob provider = Glob.of(parts.size() == 3 ? parts.get(1) : "*");
        Glob name = Glob.of(parts.getLast());
        String root = "/proc/" + pid + "/root";
        List<Attach> out = new ArrayList<>();
        for (Path file : kernel.processFiles(pid)) {
            String inProcess = file.toString().startsWith(root) ? file.toString().substring(root.length()) : file.toString();
            if (!fileGlob.matches(inProcess)) {
                continue;
            }
            List<io.boxscope.bpf.elf.UsdtNote> notes;
            try {
                notes = kernel.usdt(file);
            } catch (io.boxscope.bpf.elf.ElfException e) {
                continue; // a mapped file that is not an ELF file (a locale archive, a font): no notes
            }
            usdtSites(file, notes, provider, name, out);
        }
        if (out.isEmpty()) {
            diags.error(ap.span(), "usdt probe not found in process " + pid + ": " + String.join(":", parts),
                    "list them with: boxscope probe -l 'usdt:/proc/" + pid + "/exe:*'");
        }
        return out;
    }

    /** One attach point per probe site of {@code file} matching the globs, numbered per probe (inlined sites). */
    private static void usdtSites(Path file, List<io.boxscope.bpf.elf.UsdtNote> notes, Glob provider, Glob name, List<Attach> out) {
        java.util.Map<String, Integer> sites = new java.util.HashMap<>();
        for (io.boxscope.bpf.elf.UsdtNote n : notes) {
            if (provider.matches(n.provider()) && name.matches(n.name())) {
                int site = sites.merge(n.id(), 1, Integer::sum) - 1;
                out.add(new Attach(ProbeKind.USDT, "usdt:" + file + ":" + n.provider() + ":" + n.name(),
                        List.of(file.toString(), n.provider(), n.name()), site));
            }
        }
    }

    private List<Attach> timer(AttachPoint ap, ProbeKind kind) {
        if (!arity(ap, kind, 2, 2)) {
            return List.of();
        }
        String unit = ap.parts().get(0);
        if (!List.of("s", "ms", "us", "hz").contains(unit)) {
            diags.error(ap.span(), unit + " is not an accepted unit of time", "units are s, ms, us and hz");
            return List.of();
        }
        long n = positive(ap, ap.parts().get(1));
        if (n <= 0) {
            return List.of();
        }
        return List.of(new Attach(kind, kind.label() + ":" + unit + ":" + n, List.of(unit), n));
    }

    private long positive(AttachPoint ap, String s) {
        try {
            long n = Long.parseLong(s.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        diags.error(ap.span(), "invalid count or rate '" + s + "': expected a positive integer");
        return -1;
    }

    private List<Attach> software(AttachPoint ap) {
        if (!arity(ap, ProbeKind.SOFTWARE, 1, 2)) {
            return List.of();
        }
        String name = ap.parts().get(0);
        for (SoftwareEvent e : SoftwareEvent.ALL) {
            if (e.name().equals(name) || (!e.alias().isEmpty() && e.alias().equals(name))) {
                long n = ap.parts().size() == 2 ? positive(ap, ap.parts().get(1)) : e.defaultPeriod();
                if (n <= 0) {
                    return List.of();
                }
                return List.of(new Attach(ProbeKind.SOFTWARE, "software:" + e.name() + ":" + n, List.of(e.name()), n));
            }
        }
        List<String> near = EditDistance.closest(name, SoftwareEvent.ALL.stream().map(SoftwareEvent::name).toList(), 3);
        diags.error(ap.span(), "unknown software event: " + name, near.isEmpty()
                ? new String[] {"list them with: boxscope probe -l 'software:*'"}
                : new String[] {"did you mean " + quoteAll(near) + "?"});
        return List.of();
    }

    private List<Attach> hardware(AttachPoint ap) {
        if (!arity(ap, ProbeKind.HARDWARE, 1, 2)) {
            return List.of();
        }
        String name = ap.parts().get(0).toLowerCase(Locale.ROOT);
        if (!HARDWARE.contains(name)) {
            List<String> near = EditDistance.closest(name, HARDWARE, 3);
            diags.error(ap.span(), "unknown hardware event: " + ap.parts().get(0),
                    near.isEmpty() ? new String[] {"events: " + String.join(", ", HARDWARE)} : new String[] {"did you mean " + quoteAll(near) + "?"});
            return List.of();
        }
        long n = ap.parts().size() == 2 ? positive(ap, ap.parts().get(1)) : 1_000_000;
        if (n <= 0) {
            return List.of();
        }
        if (kernel.attach(AttachKind.PERF_EVENT_HARDWARE) instanceof Support.Unsupported u) {
            diags.error(ap.span(), "hardware counters are not available on this machine",
                    "use software:cpu-clock:N or profile:hz:N to sample on a clock instead", "why: " + u.reason());
            return List.of();
        }
        return List.of(new Attach(ProbeKind.HARDWARE, "hardware:" + name + ":" + n, List.of(name), n));
    }

    static String quoteAll(List<String> names) {
        return String.join(" or ", names.stream().map(n -> "`" + n + "`").toList());
    }
}
