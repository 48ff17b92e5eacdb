package io.boxscope.cli.syscount;

import io.boxscope.tools.syscount.SyscountProbe;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * libbpf-tools' syscount in pure Java: system call counts (and latencies) per call or per process,
 * counted in the kernel by a per-CPU hash on raw_syscalls:sys_enter/sys_exit. Same options and the
 * same output format as /usr/sbin/syscount, plus {@code --container} and {@code --json}.
 */
@Command(name = "syscount", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Summarize system call counts and latencies, counted in the kernel (eBPF on",
                "raw_syscalls:sys_exit), like libbpf-tools syscount. Needs root (CAP_BPF + CAP_PERFMON)."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope syscount                      top 10 syscalls by count, printed at Ctrl+C",
                "  boxscope syscount -p 4242 -d 5         only process 4242, for 5 seconds",
                "  boxscope syscount --container web -i 1 a container's syscalls, every second",
                "  boxscope syscount -L -m                sort by total latency, in milliseconds",
                "  boxscope syscount -P                   count by process instead of by syscall",
                "  boxscope syscount -x -i 5              only failed syscalls, every 5 seconds",
                "  boxscope syscount -e ENOENT -d 10      only syscalls failing with ENOENT",
                "  boxscope syscount -c /sys/fs/cgroup/system.slice/docker.service -d 5",
                "  boxscope syscount --json -d 5 | jq '.syscalls[0]'"})
public final class SyscountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-p", paramLabel = "PID", description = "Process PID to trace (same as the global --pid).")
    Integer pid;

    @Option(names = {"-c", "--cgroup"}, paramLabel = "PATH",
            description = "Trace processes in this cgroup v2 directory and below, e.g. /sys/fs/cgroup/system.slice/x.scope.")
    Path cgroup;

    @Option(names = {"-T", "--top"}, paramLabel = "TOP", defaultValue = "10",
            description = "Print only the top syscalls (default ${DEFAULT-VALUE}; 0 for all).")
    int top;

    @Option(names = {"-L", "--latency"}, description = "Collect syscall latency; sort by total time.")
    boolean latency;

    @Option(names = {"-m", "--milliseconds"}, description = "Display latency in milliseconds (default: microseconds).")
    boolean milliseconds;

    @Option(names = {"-P", "--process"}, description = "Count by process and not by syscall.")
    boolean process;

    @Option(names = {"-x", "--failures"}, description = "Trace only failed syscalls.")
    boolean failures;

    @Option(names = {"-e", "--errno"}, paramLabel = "ERRNO",
            description = "Trace only syscalls that return this error (numeric or EPERM, etc.).")
    String errno;

    @Option(names = {"-i", "--interval"}, paramLabel = "INTERVAL", defaultValue = "0",
            description = "Print summary at this interval (seconds), 0 for infinite wait (default).")
    int interval;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "0",
            description = "Total tracing duration (seconds).")
    int duration;

    @Option(names = {"-l", "--list"}, description = "Print list of recognized syscalls and exit.")
    boolean list;

    @Override
    public Integer call() throws IOException, InterruptedException {
        GlobalOptions g = BoxscopeCommand.global(spec);
        PrintWriter out = spec.commandLine().getOut();
        SyscallTable table = SyscallTable.current();
        if (list) {
            for (Map.Entry<Integer, String> e : table.all().entrySet()) {
                out.printf(Locale.ROOT, "%3d: %s%n", e.getKey(), e.getValue());
            }
            return ExitCode.OK;
        }
        SyscountProbe.Options opts = options(g);
        SyscountProbe probe;
        try {
            probe = new SyscountProbe(opts);
        } catch (BpfPermissionException e) {
            throw new PrivilegeException(e.getMessage());
        }
        try (probe) {
            if (!g.json()) {
                out.println("Tracing syscalls, printing top " + (top > 0 ? top : "all") + "... Ctrl+C to quit.");
                out.flush();
            }
            run(probe, table, g.json(), out);
        }
        return ExitCode.OK;
    }

    SyscountProbe.Options options(GlobalOptions g) throws IOException {
        if (top < 0 || interval < 0 || duration < 0) {
            throw new UsageException("-T, -i and -d take non-negative numbers");
        }
        if (pid != null && g.pid() != null && !pid.equals(g.pid())) {
            throw new UsageException("-p " + pid + " and --pid " + g.pid() + " disagree: give one");
        }
        Integer target = pid != null ? pid : g.pid();
        if (target != null && target <= 0) {
            throw new UsageException("invalid PID " + target);
        }
        if (target != null && !new io.boxscope.proc.Procfs(g.paths()).exists(target)) {
            throw new io.boxscope.proc.NoSuchProcessException(target, g.paths().procRoot().toString());
        }
        Integer err = null;
        if (errno != null) {
            Errno e = Errno.parse(errno);
            if (e == null) {
                throw new UsageException("invalid errno: " + Text.safe(errno) + " (give a name such as ENOENT or a number)");
            }
            err = e.number();
        }
        Path dir = cgroup;
        if (g.container() != null) {
            if (dir != null) {
                throw new UsageException("--container and -c/--cgroup both select a cgroup: give one");
            }
            ContainerInfo c = ContainerDiscovery.find(ContainerDiscovery.of(g.paths()).scan(), g.container());
            dir = new CgroupFs(g.paths()).unifiedDir(c.cgroups()).orElseThrow(() -> new UsageException(
                    "container " + Text.safe(c.displayName()) + " has no cgroup v2 directory; syscount filters on cgroup v2"));
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("cgroup directory " + Text.safe(dir.toString()) + " does not exist");
        }
        return new SyscountProbe.Options(target, dir, failures, err, latency, process);
    }

    private void run(SyscountProbe probe, SyscallTable table, boolean json, PrintWriter out) throws InterruptedException {
        Thread main = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        boolean[] stopping = {false};
        Thread hook = new Thread(() -> {
            synchronized (stopping) {
                stopping[0] = true;
            }
            main.interrupt();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "syscount-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long startNs = System.nanoTime();
            long seconds = 0;
            boolean printedLast = false;
            while (true) {
                long next = startNs + (seconds + 1) * 1_000_000_000L;
                try {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                } catch (InterruptedException e) {
                    break;
                }
                seconds++;
                printedLast = false;
                if (interval > 0 && seconds % interval == 0) {
                    print(probe, table, json, out);
                    printedLast = true;
                }
                if (duration > 0 && seconds >= duration) {
                    break;
                }
            }
            if (!printedLast) {
                print(probe, table, json, out);
            }
        } finally {
            finished.countDown();
            Thread.interrupted(); // a late Ctrl+C must not leak an interrupt into the caller
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running and waits for "finished"
            }
        }
    }

    void print(SyscountProbe probe, SyscallTable table, boolean json, PrintWriter out) {
        List<SyscountProbe.Row> rows = new ArrayList<>(probe.take());
        long dropped = probe.dropped();
        rows.sort(latency ? Comparator.comparingLong(SyscountProbe.Row::totalNs).reversed()
                : Comparator.comparingLong(SyscountProbe.Row::count).reversed());
        if (top > 0 && rows.size() > top) {
            rows = rows.subList(0, top);
        }
        String time = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        if (json) {
            out.println(Json.write(SyscountFormat.json(rows, table, process, latency, time, dropped)));
        } else if (!rows.isEmpty()) {
            out.print(SyscountFormat.text(rows, table, process, latency, milliseconds, time));
            if (dropped > 0) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("notice: " + dropped + " syscalls not counted: a BPF map was full (more than 8192 processes,"
                        + " or more than 10240 threads inside a syscall with -L)");
                err.flush();
            }
        }
        out.flush();
    }
}
