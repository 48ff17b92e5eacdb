package io.boxscope.tools.syscount;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSink;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolSession;
import io.boxscope.tools.core.ToolTarget;

/**
 * The in-kernel part of {@code boxscope syscount}: the probe-language script {@code syscount.bt} on
 * raw_syscalls:sys_enter/sys_exit counts (and times) system calls in per-CPU maps keyed by syscall
 * number or by process; nothing is streamed to user space, {@link #take} reads what the maps gained since the previous take (never cleared).
 * Filters are the script's parameters; the cgroup filter is the runtime's ({@code --container}).
 */
public final class SyscountProbe implements AutoCloseable {

    /** What to count. {@code cgroupDir} is a cgroup v2 directory (descendants included). */
    public record Options(Integer pid, Path cgroupDir, boolean failures, Integer errno, boolean latency, boolean byProcess) {}

    /** One row: syscall number or PID, calls, summed latency, process name (by-process only). */
    public record Row(int key, long count, long totalNs, String comm) {}

    private final Options options;
    private final ToolSession session;

    /**
     * Compiles, loads and attaches {@code syscount.bt}.
     *
     * @throws AccessDeniedException tracefs or BTF is not readable (not root)
     * @throws io.boxscope.bpf.BpfException loading or attaching failed (EPERM: a BpfPermissionException)
     */
    public SyscountProbe(Options o) throws AccessDeniedException {
        this.options = o;
        ToolTarget target = new ToolTarget(o.pid(), o.cgroupDir(), null);
        List<String> params = List.of(target.pidParam(), flag(o.failures()), flag(o.errno() != null),
                o.errno() == null ? "0" : Integer.toString(o.errno()), flag(o.latency()), flag(o.byProcess()));
        try {
            session = ToolSession.start(ToolScript.of(SyscountProbe.class, "syscount"), Path.of("/sys"), target, params);
        } catch (ProgramException e) {
            throw new IllegalStateException("syscount.bt does not compile on this kernel:\n" + e.getMessage(), e);
        } catch (ProbeRunException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // a BpfException: EPERM is a BpfPermissionException, which Main reports as exit 3
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String flag(boolean b) {
        return b ? "1" : "0";
    }

    /** Everything counted since the last take, summed over CPUs: each map's growth since the previous take ({@link ToolSession#growth}; never cleared, so nothing is lost between a read and a clear). */
    public List<Row> take() {
        return options.byProcess() ? byProcess() : bySyscall();
    }

    private List<Row> bySyscall() {
        Map<Integer, Long> ns = sums(take("@ns"));
        List<Row> rows = new ArrayList<>();
        for (MapDump.Entry e : take("@calls").entries()) {
            int nr = (int) ((Value.Int) e.key().getFirst()).bits();
            rows.add(new Row(nr, ((MapValue.Count) e.value()).count(), ns.getOrDefault(nr, 0L), ""));
        }
        return rows;
    }

    /**
     * Rows by PID: the script keys by (pid, comm), so a process that changed its name (exec) is one
     * row here, named as it was for most of its calls (libbpf-tools keeps the name of its first).
     */
    private List<Row> byProcess() {
        Map<List<Value>, Long> ns = new HashMap<>();
        for (MapDump.Entry e : take("@pns").entries()) {
            ns.put(e.key(), ((MapValue.Sum) e.value()).sum());
        }
        Map<Integer, Row> rows = new LinkedHashMap<>();
        for (MapDump.Entry e : take("@pcalls").entries()) {
            int pid = (int) ((Value.Int) e.key().get(0)).bits();
            String comm = ((Value.Str) e.key().get(1)).text();
            long count = ((MapValue.Count) e.value()).count();
            long total = ns.getOrDefault(e.key(), 0L);
            Row old = rows.get(pid);
            rows.put(pid, old == null ? new Row(pid, count, total, comm)
                    : new Row(pid, old.count() + count, old.totalNs() + total, count > old.count() ? comm : old.comm()));
        }
        return new ArrayList<>(rows.values());
    }

    private static Map<Integer, Long> sums(MapDump m) {
        Map<Integer, Long> out = new HashMap<>();
        if (m != null) {
            for (MapDump.Entry e : m.entries()) {
                out.put((int) ((Value.Int) e.key().getFirst()).bits(), ((MapValue.Sum) e.value()).sum());
            }
        }
        return out;
    }

    /** A map's growth since the previous take; null for a map this run's options never fill (no -L). */
    private MapDump take(String name) {
        boolean timed = name.equals("@ns") || name.equals("@pns");
        if (timed && !options.latency()) {
            return timed && name.equals("@ns") ? null : new MapDump(name, io.boxscope.probe.output.MapKind.SUM, true, List.of());
        }
        return session.growth(name); // not cleared: a clear loses the calls counted between the read and it
    }

    /** Keys each of the script's maps holds (processes with -P, threads inside a syscall with -L). */
    public static final int MAP_KEYS = io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_MAP_KEYS;

    /** Lost records up to the last {@link #dropped()}. */
    private long droppedReported;

    /**
     * Ring-buffer records lost since the last call (the ring was full). The script writes none, so this
     * stays 0 unless it changes; calls not counted because a map was full are {@link #failedUpdates}.
     */
    public long dropped() {
        long total = session.lost();
        long d = total - droppedReported;
        droppedReported = total;
        return d;
    }

    /**
     * Updates of the script's maps that failed in the kernel since the last call, as the probe runtime
     * reports them for every tool (one {@link Event.MapUpdateFailed} per place in the script and kind of
     * failure, with the map's capacity): each is a system call not counted, a new process in
     * {@code @pcalls}/{@code @calls} or, with -L, a call whose start {@code @start} could not keep (its exit
     * finds no start and is skipped). Read by a poll that waits for nothing (the script prints nothing).
     */
    public List<Event.MapUpdateFailed> failedUpdates() {
        List<Event.MapUpdateFailed> failed = new ArrayList<>();
        try {
            session.poll(java.time.Duration.ZERO, new ProbeSink() {
                @Override
                public void printf(int formatId, Event.Printf printf) {}

                @Override
                public void event(Event event) {
                    if (event instanceof Event.MapUpdateFailed f) {
                        failed.add(f);
                    }
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a poll of zero does not wait; the session's loop sees the interrupt
        }
        return failed;
    }

    /** Split deletes up to the last {@link #splitDeletes()}. */
    private long splitReported;

    /**
     * Idle keys {@link #take} deleted since the last call with lookup then delete, two system calls apart,
     * because the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM ({@link ToolSession#growthEvictions}): a
     * call counted between the two is lost. 0 where the kernel has the command (5.14 and later).
     */
    public long splitDeletes() {
        long total = session.growthEvictions()[1];
        long d = total - splitReported;
        splitReported = total;
        return d;
    }

    /** Skipped runs up to the last {@link #skipped()}. */
    private long skippedReported;

    /**
     * System calls not counted since the last call because the kernel skipped the script's programs (a raw
     * tracepoint program already running on that CPU: recursion_misses, {@link ToolSession#skipped}).
     */
    public long skipped() {
        long total = session.skipped();
        long d = total - skippedReported;
        skippedReported = total;
        return d;
    }

    @Override
    public void close() {
        session.close();
    }
}
