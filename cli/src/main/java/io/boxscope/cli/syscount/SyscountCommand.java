package io.boxscope.cli.syscount;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.tools.syscount.SyscountProbe;
import io.boxscope.tools.syscount.SyscountSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;

/**
 * libbpf-tools' syscount in pure Java: system call counts (and latencies) per call or per process,
 * counted in the kernel by a per-CPU hash on raw_syscalls:sys_enter/sys_exit. Same options and the
 * same output format as /usr/sbin/syscount, plus {@code --container} and {@code --json}.
 */
public final class SyscountCommand extends CliCommand {
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new io.boxscope.cli.PidConverter())
            .help("Process PID to trace.");

    final Opt<Path> cgroup = option(Path.class, null, "-c", "--cgroup").label("PATH")
            .help("Trace processes in this cgroup v2 directory and below, e.g. /sys/fs/cgroup/system.slice/x.scope.");

    final Opt<Integer> top = option(int.class, 0, "-T", "--top").label("TOP").defaultValue("10")
            .help("Print only the top syscalls (default ${DEFAULT-VALUE}; 0 for all).");

    final Opt<Boolean> latency = flag("-L", "--latency")
            .help("Collect syscall latency; sort by total time.");

    final Opt<Boolean> milliseconds = flag("-m", "--milliseconds")
            .help("Display latency in milliseconds (default: microseconds).");

    final Opt<Boolean> process = flag("-P", "--process")
            .help("Count by process and not by syscall.");

    final Opt<Boolean> failures = flag("-x", "--failures")
            .help("Trace only failed syscalls.");

    final Opt<String> errno = option(String.class, null, "-e", "--errno").label("ERRNO")
            .help("Trace only syscalls that return this error (numeric or EPERM, etc.).");

    final Opt<Integer> interval = option(int.class, 0, "-i", "--interval").label("INTERVAL").defaultValue("0")
            .help("Print summary at this interval (seconds), 0 for infinite wait (default).");

    final Opt<Integer> duration = option(Integer.class, null, "-d", "--duration").label("DURATION")
            .help("Total tracing duration (seconds, above 0; default: until Ctrl+C).");

    final Opt<Boolean> list = flag("-l", "--list")
            .help("Print list of recognized syscalls and exit.");

    public SyscountCommand() {
        super("syscount", "Summarize system call counts and latencies, counted in the kernel (eBPF on",
                "raw_syscalls:sys_exit), like libbpf-tools syscount. Needs root (CAP_BPF + CAP_PERFMON).");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope syscount                      top 10 syscalls by count, printed at Ctrl+C",
                "  boxscope syscount -p 4242 -d 5         only process 4242, for 5 seconds",
                "  boxscope syscount --container web -i 1 a container's syscalls, every second",
                "  boxscope syscount -L -m                sort by total latency, in milliseconds",
                "  boxscope syscount -P                   count by process instead of by syscall",
                "  boxscope syscount -x -i 5              only failed syscalls, every 5 seconds",
                "  boxscope syscount -e ENOENT -d 10      only syscalls failing with ENOENT",
                "  boxscope syscount -c /sys/fs/cgroup/system.slice/docker.service -d 5",
                "  boxscope syscount --json -d 5 | jq '.syscalls[0]'");
    }

    /** Links the bpf(2) downcall while the command line is parsed (CliCommand#named), unless it lists (-l) or helps. */
    @Override
    protected void named(List<String> words) {
        if (!words.contains("-l") && !words.contains("--list") && !words.contains("--help") && !words.contains("-h")) {
            io.boxscope.bpf.sys.SyscallLink.inBackground();
        }
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        PrintWriter out = out();
        SyscallTable table = SyscallTable.current();
        if (list.value()) {
            return show(table.all(), LIST);
        }
        // BOXSCOPE_DEBUG's start-up phases, as the other tools print them (docs/probe.md, "Where start-up time goes").
        io.boxscope.cli.DebugPhases phases = new io.boxscope.cli.DebugPhases(err());
        SyscountProbe.Options opts = options(g);
        phases.mark("target and tool set up");
        // The handlers first: a Ctrl+C while the programs attach still ends with a summary and
        // detaches; and once the header is out, a signal is always handled. EPERM from bpf(2) is a
        // BpfPermissionException: Main decides whether a privilege is missing.
        try (StopSignals stop = StopSignals.install(); SyscountProbe probe = new SyscountProbe(opts)) {
            phases.mark("compiled, loaded and attached");
            if (!g.json()) {
                out.println("Tracing syscalls, printing top " + (top.value() > 0 ? top.value() : "all") + "... Ctrl+C to quit.");
                out.flush();
            }
            phases.markWithProcess("header printed");
            run(probe, opts, new SyscountFormat(table, milliseconds.value()), stop);
        }
        return ExitCode.OK;
    }

    SyscountProbe.Options options(GlobalOptions g) throws IOException {
        checkNumbers();
        if (pid.value() != null && g.pid() != null && !pid.value().equals(g.pid())) {
            throw new UsageException("-p " + pid.value() + " and --pid " + g.pid() + " disagree: give one");
        }
        Integer target = pid.value() != null ? pid.value() : g.pid();
        if (target != null && target <= 0) {
            throw new UsageException("invalid PID " + target);
        }
        if (target != null && !new io.boxscope.proc.Procfs(g.paths()).exists(target)) {
            throw new io.boxscope.proc.NoSuchProcessException(target, g.paths().procRoot().toString());
        }
        Integer err = null;
        if (errno.value() != null) {
            Errno e = Errno.parse(errno.value());
            if (e == null) {
                throw new UsageException("invalid errno: " + errno.value() + " (give a name such as ENOENT or a number)");
            }
            err = e.number();
        }
        Path dir = cgroup.value();
        if (g.container() != null) {
            if (dir != null) {
                throw new UsageException("--container and -c/--cgroup both select a cgroup: give one");
            }
            ContainerInfo c = ContainerDiscovery.of(g.paths()).locate(g.container());
            dir = new CgroupFs(g.paths()).unifiedDir(c.cgroups()).orElseThrow(() -> new UsageException(
                    "container " + Text.safe(c.displayName()) + " has no cgroup v2 directory; syscount filters on cgroup v2"));
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new io.boxscope.cli.NotFoundException("cgroup directory " + dir + " does not exist");
        }
        return new SyscountProbe.Options(target, dir, failures.value(), err, latency.value(), process.value());
    }

    /**
     * The ranges and messages of libbpf-tools syscount.c's {@code parse_arg} (its {@code get_int}
     * bounds, as /usr/sbin/syscount answers): -i 0 is its "infinite wait", one summary at the end;
     * a negative -i or -T and a -d below 1 are refused with "invalid NAME: VALUE". -T 0 is ours
     * ("all"), where syscount.c refuses it.
     */
    private void checkNumbers() {
        if (top.value() < 0) {
            throw new UsageException("invalid TOP: " + top.value());
        }
        if (interval.value() < 0) {
            throw new UsageException("invalid INTERVAL: " + interval.value());
        }
        if (duration.value() != null && duration.value() <= 0) {
            throw new UsageException("invalid DURATION: " + duration.value());
        }
    }

    /** -l: libbpf-tools' "%3d: %s" lines; JSON: {@code {syscalls: [{nr, name}]}}. */
    static final View<Map<Integer, String>> LIST = new View<>() {
        @Override
        public void text(Map<Integer, String> all, Terminal t) {
            for (Map.Entry<Integer, String> e : all.entrySet()) {
                t.out().printf(Locale.ROOT, "%3d: %s%n", e.getKey(), e.getValue());
            }
        }

        @Override
        public Object json(Map<Integer, String> all) {
            List<Object> list = new ArrayList<>();
            for (Map.Entry<Integer, String> e : all.entrySet()) {
                Map<String, Object> o = Json.object();
                o.put("nr", e.getKey());
                o.put("name", e.getValue());
                list.add(o);
            }
            Map<String, Object> o = Json.object();
            o.put("syscalls", list);
            return o;
        }
    };

    /**
     * Runs the session ({@link SyscountSession}: its schedule, sorting and top N live in tools) and
     * emits each summary: text blocks, or one JSON object per line (NDJSON). It ends when -d runs
     * out, on SIGINT or SIGTERM ({@link StopSignals}), or when standard output closes ({@code | head});
     * the probe is closed (detached) by the caller after this returns.
     */
    private void run(SyscountProbe probe, SyscountProbe.Options opts, SyscountFormat view, StopSignals stop) {
        PrintWriter out = out();
        SyscountFormat.SkippedTally skipped = new SyscountFormat.SkippedTally();
        new SyscountSession(top.value(), interval.value(), duration.value() == null ? 0 : duration.value()).run(probe, opts, stop::await, s -> {
            skipped.add(s);
            emit(s, view);
            return !out.checkError(); // nobody reads any more: Main reports it
        });
        if (!global().json()) {
            skipped.line().ifPresent(line -> {
                out.flush();
                err().println(line);
                err().flush();
            });
        }
    }
}
