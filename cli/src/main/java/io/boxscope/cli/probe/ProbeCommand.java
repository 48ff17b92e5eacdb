package io.boxscope.cli.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.cli.UsageException;
import io.boxscope.probe.list.ListedProbe;
import io.boxscope.probe.list.Listing;
import io.boxscope.probe.list.ProbeListException;
import io.boxscope.probe.list.ProbeLister;
import io.boxscope.proc.json.Json;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import java.nio.file.Path;

/**
 * {@code boxscope probe}: the bpftrace-class front end. Today it lists probes ({@code -l}, like
 * {@code bpftrace -l}); running programs ({@code -e}, files) is the probe language, not written yet.
 */
public final class ProbeCommand extends CliCommand {
    final Opt<Boolean> list = flag("-l", "--list")
            .help("List probes matching PATTERN (default: every tracepoint, raw tracepoint "
            + "and software event).");

    final Opt<Boolean> verbose = flag("-v", "--verbose")
            .help("With -l: also print each tracepoint's arguments (args->NAME), "
            + "as bpftrace -lv does, and each raw tracepoint's BTF argument types. With a program: print its BPF instructions, and at the end how many container values "
            + "were printed as a cgroup id (no container runtime names that cgroup).");

    final Opt<String> program = option(String.class, null, "-e").label("PROGRAM")
            .help("Run a probe program (with -d, check it and print its typed AST instead).");

    final Opt<Boolean> dump = flag("-d")
            .help("Parse and check the program (-e PROGRAM or FILE) and print its typed AST instead of running it; "
            + "errors are printed as FILE:LINE:COL: error: ... with exit status 2.");

    final Opt<Boolean> unsafe = flag("--unsafe")
            .help("Allow system(), signal() and override(), as bpftrace --unsafe.");

    final Opt<Boolean> quiet = flag("-q")
            .help("Do not print 'Attaching N probes...'.");

    final Opt<String> format = option(String.class, "text", "-f").label("FORMAT")
            .help("Output format of a running program: text (default) or json (bpftrace's NDJSON).");

    final Opt<String> outFile = option(String.class, null, "-o").label("FILE")
            .help("Write the program's output to FILE instead of standard output.");

    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new io.boxscope.cli.PidConverter())
            .help("Uprobes and uretprobes fire only in process PID, as bpftrace -p (the global --pid does the same).");

    final Opt<Boolean> dryRun = flag("--dry-run")
            .help("Compile the program, load it (the kernel's verifier checks every probe), attach every probe, "
            + "then detach and exit 0 without running BEGIN, END or -c's command.");

    final Opt<String> command = option(String.class, null, "-c").label("CMD")
            .help("Run CMD (split at spaces) once the probes are attached, as bpftrace -c: cpid is its pid, "
            + "and the program ends when it exits.");

    final Opt<List<String>> words = positionals(String.class).arity("0..*").label("PATTERN|FILE|ARG")
            .help("With -l, a probe pattern with * and ? wildcards; otherwise a program file, then the program's "
            + "positional parameters $1, $2, ... (after -e PROGRAM, all words are parameters).");

    public ProbeCommand() {
        super("probe", "bpftrace-style probes. -l lists the probes matching PATTERN with the names bpftrace prints:",
                "tracepoint:SYSTEM:EVENT, rawtracepoint:NAME, uprobe:FILE:FUNCTION, uretprobe:..., software:EVENT:.",
                "-d checks a program (-e PROGRAM or FILE) and prints its typed AST.",
                "-e PROGRAM or a program FILE runs it until exit(), Ctrl-C or SIGTERM, printing what bpftrace prints;",
                "docs/probe.md lists the language features that run today.");
        aliases("bpftrace");
        globals("--json", "--proc-root", "--sys-root", "--pid", "--container");
        examples("  boxscope probe -l 'tracepoint:syscalls:sys_enter_*'     syscall entry tracepoints",
                "  boxscope probe -lv tracepoint:sched:sched_switch        with its args (as bpftrace -lv)",
                "  boxscope probe -l 'rawtracepoint:sched_*'               raw tracepoints (from kernel BTF)",
                "  boxscope probe -lv rawtracepoint:sched_switch           with its BTF argument types",
                "  boxscope probe -l 'uprobe:/lib/x86_64-linux-gnu/libc.so.6:mall*'   functions of a library",
                "  boxscope probe -l 'uprobe:libc:*'                       library by name, like bpftrace",
                "  boxscope probe -l 'software:*'                          perf software events",
                "  boxscope probe -l 'usdt:/usr/bin/python3:*'             USDT probes of a file (.note.stapsdt)",
                "  boxscope probe -l '*sched_switch*'                      any provider",
                "  boxscope probe -l --json 'tracepoint:sched:*' | jq -r '.probes[].name'",
                "  boxscope probe -d -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'   typed AST",
                "  boxscope probe -d /usr/sbin/opensnoop.bt                check a program file",
                "  boxscope probe -e 'tracepoint:syscalls:sys_enter_execve { printf(\"%%s ran %%s\\n\", comm, str(args->filename)); }'",
                "  boxscope probe -c '/usr/bin/ls' -e 't:syscalls:sys_enter_openat /pid == cpid/ { @[str(args->filename)] = count(); }'",
                "  boxscope probe --dry-run -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }'   load and attach, then exit",
                "  boxscope probe -c '/usr/bin/python3 -c pass' -e 'usdt:/usr/bin/python3:python:* { @[probe] = count(); }'",
                "  boxscope probe -e 'software:page-faults:100 { @[comm] = count(); }'",
                "  BPFTRACE_MAP_KEYS_MAX=100000 boxscope probe -e 't:syscalls:sys_enter_openat { @[pid, tid] = count(); }'   bigger maps",
                "  BPFTRACE_STRLEN=200 boxscope probe -e 't:syscalls:sys_enter_openat { printf(\"%%s\\n\", str(args->filename)); }'   longer str()",
                "  BPFTRACE_PERF_RB_PAGES=1024 boxscope probe -e 't:syscalls:sys_enter_openat { printf(\"%%s\\n\", comm); }'   bigger ring buffer",
                "  boxscope bpftrace -e 'BEGIN { printf(\"hello\\n\"); exit(); }'    bpftrace is an alias of probe");
    }

    /**
     * Keys each map holds: bpftrace's environment variable {@code BPFTRACE_MAP_KEYS_MAX} (default 4096), so
     * scripts run with the settings they were written for; updates of new keys into a full map are counted
     * and reported.
     */
    static int mapKeys(String env) {
        if (env == null || env.isBlank()) {
            return io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_MAP_KEYS;
        }
        try {
            int n = Integer.parseInt(env.strip());
            if (n >= 1 && n <= io.boxscope.probe.lang.sema.CheckOptions.MAX_MAP_KEYS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("BPFTRACE_MAP_KEYS_MAX must be a number of keys from 1 to "
                + io.boxscope.probe.lang.sema.CheckOptions.MAX_MAP_KEYS + ", not '" + Text.safe(env) + "'");
    }

    /**
     * The bytes {@code str()} reads by default, from bpftrace's environment variable {@code BPFTRACE_STRLEN} (default
     * 64, at most 200, read as bpftrace 0.17 reads it: {@link io.boxscope.probe.lang.sema.CheckOptions#strlenFromEnvironment});
     * a value bpftrace refuses is a usage error with bpftrace's words.
     */
    static int strlen(String env) {
        try {
            return io.boxscope.probe.lang.sema.CheckOptions.strlenFromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()) + " BPFTRACE_STRLEN is the bytes str() reads: 1 to "
                    + io.boxscope.probe.lang.sema.CheckOptions.MAX_ENV_STRLEN + " (default "
                    + io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_STRLEN + ")");
        }
    }

    /**
     * The ring buffer for bpftrace's environment variable {@code BPFTRACE_PERF_RB_PAGES} (bpftrace(8): pages
     * per CPU of its perf buffer, default 64): one ring of the same total size, rounded up to a power of two
     * ({@link io.boxscope.probe.lang.sema.CheckOptions#ringBytesForPages}); unset, Boxscope's default
     * ({@link io.boxscope.probe.lang.sema.CheckOptions#DEFAULT_RING_BYTES}). The per-event tools read it too
     * (their default: {@link io.boxscope.tools.core.EventTool#DEFAULT_RING_BYTES}).
     */
    static int ringBytes(String env) {
        return ringBytes(env, io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES);
    }

    /** As {@link #ringBytes(String)}, with {@code unset} bytes when the variable is not set (the tools' default). */
    public static int ringBytes(String env, int unset) {
        if (env == null || env.isBlank()) {
            return unset;
        }
        try {
            long pages = Long.parseLong(env.strip());
            return io.boxscope.probe.lang.sema.CheckOptions.ringBytesForPages(pages, Runtime.getRuntime().availableProcessors(),
                    (int) io.boxscope.bpf.sys.Sys.pageSize());
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new UsageException("BPFTRACE_PERF_RB_PAGES must be a number of pages per CPU from 1 up to "
                    + (io.boxscope.probe.lang.sema.CheckOptions.MAX_RING_BYTES >> 20) + " MiB in all, not '"
                    + Text.safe(env) + "'");
        }
    }

    /**
     * A program to run links the bpf(2) downcall while the command line is parsed (CliCommand#named). Listing (-l) and
     * checking (-d) do not link it early: most of them make no bpf(2) call, and those that do make only feature probes
     * (ProbeLister runs the fentry probe, Features.attach, for a kfunc/kretfunc listing and, when
     * available_filter_functions is readable, for -l without a pattern; the hardware-counter probe for a hardware:
     * listing and for -l without a provider; a check runs the attach probe of the kprobe, kfunc and hardware attach
     * points it names), which link the downcall when they first call it. Help makes no bpf(2) call.
     */
    @Override
    protected void named(List<String> words) {
        for (String w : words) {
            if (w.equals("--")) {
                break;
            }
            if (w.equals("-d") || w.equals("--help") || w.equals("-h") || (w.startsWith("-") && !w.startsWith("--") && w.indexOf('l') > 0)
                    || w.equals("--list")) {
                return;
            }
        }
        io.boxscope.bpf.sys.SyscallLink.inBackground();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        if (list.value() || dump.value()) {
            // Listing and checking read no process or container: a --pid or --container would be ignored.
            for (String g : new String[] {"--pid", "--container"}) {
                if (g.equals("--pid") ? global().pid() != null : global().container() != null) {
                    throw new UsageException("probe " + (list.value() ? "-l" : "-d") + " does not take " + g
                            + " (it would be ignored); it applies to running programs");
                }
            }
        }
        if (dump.value()) {
            if (list.value()) {
                throw new UsageException("-l lists probes and -d checks a program: give one of them");
            }
            List<String> w = words.value();
            String file = program.value() == null && !w.isEmpty() ? w.getFirst() : null;
            List<String> params = program.value() == null && !w.isEmpty() ? w.subList(1, w.size()) : w;
            return ProbeCheck.run(program.value(), file, params, unsafe.value(), strlen(System.getenv("BPFTRACE_STRLEN")),
                    global().paths().sysRoot(), out, err);
        }
        if (!list.value()) {
            if (program.value() == null && words.value().isEmpty()) {
                throw new UsageException("probe needs -l [PATTERN] (list probes); try 'boxscope probe --help'");
            }
            if (!format.value().equals("text") && !format.value().equals("json")) {
                throw new UsageException("-f takes text or json, not '" + Text.safe(format.value()) + "'");
            }
            Path cgroupDir = null;
            if (global().container() != null) {
                ContainerInfo c = ContainerDiscovery.of(global().paths()).locate(global().container());
                cgroupDir = new CgroupFs(global().paths()).unifiedDir(c.cgroups()).orElseThrow(() -> new UsageException(
                        "container " + Text.safe(c.displayName()) + " has no cgroup v2 directory; probe --container filters on cgroup v2"));
            }
            Integer target = pid.value() != null ? pid.value() : global().pid();
            // bpftrace -p 999999 fails ("No such process", exit 1) instead of tracing nothing: so do we (docs/cli.md)
            if (target != null && !new io.boxscope.proc.Procfs(global().paths()).exists(target)) {
                throw new io.boxscope.proc.NoSuchProcessException(target, global().paths().procRoot().toString());
            }
            List<String> w = words.value();
            String file = program.value() == null ? w.getFirst() : null;
            List<String> params = program.value() == null ? w.subList(1, w.size()) : w;
            return ProbeRun.run(new ProbeRun.Options(program.value(), file, unsafe.value(), quiet.value(),
                    format.value().equals("json"), outFile.value(), verbose.value(), params, global().paths(),
                    command.value(), cgroupDir, target, dryRun.value(),
                    mapKeys(System.getenv("BPFTRACE_MAP_KEYS_MAX")), ringBytes(System.getenv("BPFTRACE_PERF_RB_PAGES")),
                    strlen(System.getenv("BPFTRACE_STRLEN"))), out, err, terminal()::bytes);
        }
        if (program.value() != null) {
            throw new UsageException("-l lists probes and -e runs a program: give one of them");
        }
        GlobalOptions g = global();
        Listing listing;
        try {
            if (words.value().size() > 1) {
                throw new UsageException("-l takes one PATTERN (got " + words.value().size() + "); quote a pattern with spaces");
            }
            listing = new ProbeLister(g.paths().sysRoot()).list(words.value().isEmpty() ? null : words.value().getFirst(),
                    verbose.value());
        } catch (ProbeListException e) {
            throw new UsageException(e.getMessage());
        }
        return show(listing, VIEW);
    }

    /** bpftrace -l's lines (with -v, each probe's arguments indented under it); notices on standard error. */
    static final View<Listing> VIEW = new View<>() {
        @Override
        public void text(Listing listing, Terminal t) {
            StringBuilder sb = new StringBuilder();
            for (ListedProbe p : listing.probes()) {
                sb.append(Text.safe(p.name())).append('\n');
                for (String a : p.args()) {
                    sb.append("    ").append(Text.safe(a)).append('\n');
                }
            }
            t.out().print(sb);
            t.out().flush();
            for (String n : listing.notices()) {
                t.notice(n);
            }
        }

        @Override
        public Object json(Listing listing) {
            return ProbeCommand.json(listing);
        }
    };

    static Map<String, Object> json(Listing listing) {
        Map<String, Object> o = Json.object();
        o.put("probes", listing.probes().stream().map(p -> {
            Map<String, Object> m = Json.object();
            m.put("type", p.type().label());
            m.put("name", p.name());
            if (!p.args().isEmpty()) {
                m.put("args", p.args());
            }
            return (Object) m;
        }).toList());
        o.put("count", listing.probes().size());
        o.put("notices", List.copyOf(listing.notices()));
        return o;
    }
}
