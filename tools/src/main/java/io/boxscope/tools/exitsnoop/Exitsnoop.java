package io.boxscope.tools.exitsnoop;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcStat;
import io.boxscope.proc.Procfs;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolSession;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' exitsnoop on the probe language ({@code exitsnoop.bt}): every process exit (every
 * thread's with -T), its age, exit code or fatal signal. The script learns the status from exit() /
 * exit_group() and from signals delivered with a fatal default action, and birth and parent from
 * task_newtask; processes already running when tracing starts get both from /proc here. Differences
 * from libbpf-tools (which reads task_struct): "core dumped" is never printed, and a process killed by
 * a signal it did not receive itself (a thread of it did) still shows that signal.
 */
public final class Exitsnoop extends EventTool<ExitEvent> {
    /** USER_HZ: the unit of /proc/PID/stat start times, 100 on every architecture Linux runs Java on. */
    static final long USER_HZ = 100;

    /**
     * @param threaded report every thread's exit (-T), not only processes'
     * @param failed   only exits with a non-zero code or a signal (-x)
     */
    public record Options(boolean threaded, boolean failed) {}

    private final Options options;
    private final Procfs procfs;
    private final HostPaths paths;
    /** Start of processes running when tracing started, as CLOCK_MONOTONIC nanoseconds (System.nanoTime's clock). */
    private final Map<Integer, Long> startedNs = new HashMap<>();

    public Exitsnoop(Options options, HostPaths paths) {
        this.options = options;
        this.paths = paths;
        this.procfs = new Procfs(paths);
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Exitsnoop.class, "exitsnoop");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.threaded() ? "1" : "0", options.failed() ? "1" : "0");
    }

    /** Parents and start times of the processes running now: the script sees only tasks created from now on. */
    @Override
    protected void started(ToolSession session) {
        long bootToMonotonicNs;
        try {
            // /proc/uptime is CLOCK_BOOTTIME in seconds; start times in stat count from boot in USER_HZ ticks
            double uptime = Double.parseDouble(Files.readString(paths.procRoot().resolve("uptime")).split(" ")[0]);
            bootToMonotonicNs = System.nanoTime() - (long) (uptime * 1e9);
        } catch (IOException | RuntimeException e) {
            return; // ages of processes older than tracing then count from when tracing started
        }
        try {
            for (int pid : procfs.pids()) {
                try {
                    ProcStat st = procfs.stat(pid);
                    session.seed("@ppid", pid, st.ppid());
                    startedNs.put(pid, bootToMonotonicNs + st.startTimeTicks() * (1_000_000_000L / USER_HZ));
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc listing
        }
    }

    /** E pid tid ppid born_ns exit_ns code sig comm cgroup container */
    @Override
    protected ExitEvent decode(int formatId, Args a) {
        if (!a.tag().equals("E")) {
            throw new IllegalStateException("exitsnoop.bt printed an unknown record: " + a.format());
        }
        int pid = (int) a.i(0);
        int tid = (int) a.i(1);
        long born = a.i(3);
        long exit = a.i(4);
        if (born == 0) {
            Long s = startedNs.get(pid); // a thread older than tracing: its process's start
            born = s == null ? exit : s;
        }
        if (tid == pid) {
            startedNs.remove(pid);
        }
        long code = a.i(5);
        int sig = (int) a.i(6);
        return new ExitEvent(LocalTime.now(), pid, (int) a.i(2), tid, Math.max(0, exit - born), code == 0 ? 0 : (int) code - 1, sig,
                code != 0 || sig != 0, a.s(7), Containers.name(a.i(8), a.s(9)));
    }
}
