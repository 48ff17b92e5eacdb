package io.boxscope.trace.live;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.syscalls.SyscallSignatures;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.trace.chisel.Chisel;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.filter.KernelFilter;
import io.boxscope.trace.filter.PushDown;

/**
 * A live table chisel counted in the kernel: topscalls and topscalls_time, whose only key is
 * {@code evt.type} and whose value is {@code evt.count} or {@code evt.latency}, both known at the system
 * call. When the user's filter is decided whole by the kernel ({@link PushDown}: pid, tid, syscall set,
 * failed-only; nothing left for Java), {@link CountProbe} counts every event of the capture by syscall
 * number in per-CPU counters instead of streaming it, and {@link #run} hands the growth of each counter to
 * {@link TableChisel#add} under the event type the streamed capture would give it
 * ({@link EventBuilder#typeName}), once a second, so the chisel prints the same tables, top N, units and
 * JSON as on the event stream. Counting both entries and exits, as sysdig's chisels count both events,
 * gives the same figures as the stream, also for calls that were under way when the capture started.
 * topprocs_errors (proc.name, proc.pid of failed events) is counted by the exit program per (pid, comm) of
 * each failed exit ({@link CountProbe.Options#byProcess}); the comm is the thread's at the call, which the
 * stream's thread table gives too except for a thread renamed (prctl PR_SET_NAME) during the capture.
 * topcontainers_error (container.name of failed events, the host left out) is counted per v2 cgroup id of each
 * failed exit ({@link CountProbe.By#CGROUP}) and each id named in Java as the stream names the thread's
 * container ({@link CgroupContainers}); it needs a cgroup v2 hierarchy (pure v2, or unified/ on a hybrid host).
 *
 * <p>Everything else runs on the stream ({@link #whyNot} says why): other keys (proc.name, fd.name,
 * container.name with -pc) need the thread, fd or container tables in Java; a filter with a part Java must
 * decide needs each event; {@code -n} counts events one by one. A {@code container.name}/{@code container.id}
 * term (= or in) naming running containers is decided here by their cgroup ids (the task's cgroup or an
 * ancestor's, as the capture checks them), fixed at the start: a container of that name started later is not
 * counted, where the event stream, which PushDown leaves container terms to, would count it.
 */
public final class KernelChisel implements AutoCloseable {
    private final TableChisel chisel;
    private final CountProbe probe;
    private final String[] names;
    private final boolean latency;
    private final CountProbe.By by;
    private final CgroupContainers containers;
    private final long epochOffset;
    private long enters;
    private long exits;
    private long procExits;
    private long lost;
    private long unnamed;

    private KernelChisel(TableChisel chisel, CountProbe probe, String[] names, boolean latency, CountProbe.By by,
                         CgroupContainers containers, long epochOffset) {
        this.chisel = chisel;
        this.probe = probe;
        this.names = names;
        this.latency = latency;
        this.by = by;
        this.containers = containers;
        this.epochOffset = epochOffset;
    }

    /**
     * topprocs_errors' table (sysdig's topprocs_errors.lua: evt.count by proc.name, proc.pid of evt.failed=true
     * events), counted in the kernel by (pid, comm) of each failed exit.
     */
    private static boolean byProcess(TableChisel.Spec s) {
        return s.keys().equals(List.of("proc.name", "proc.pid")) && s.value().equals("evt.count")
                && s.filter().equals("evt.failed=true");
    }

    /**
     * topcontainers_error's table (sysdig's topcontainers_error.lua: evt.count by container.name of
     * evt.failed=true events outside the host), counted in the kernel by the cgroup id of each failed exit.
     */
    private static boolean byCgroup(TableChisel.Spec s) {
        return s.keys().equals(List.of("container.name")) && s.value().equals("evt.count")
                && s.filter().equals("evt.failed=true and container.name!=host");
    }

    /** What the chisel's table is counted by in the kernel. */
    private static CountProbe.By by(TableChisel.Spec s) {
        return byProcess(s) ? CountProbe.By.PROCESS : byCgroup(s) ? CountProbe.By.CGROUP : CountProbe.By.SYSCALL;
    }

    /**
     * {@link #whyNot(Chisel, PushDown.Split, long)}, and for a table counted by cgroup, also why the host's
     * cgroups cannot name its containers: the kernel's cgroup id is the v2 one, so a host without a v2 hierarchy
     * (v1 only: every task is in the v2 root) cannot tell containers apart in the kernel.
     */
    public static String whyNot(Chisel chisel, PushDown.Split split, long maxEvents, HostPaths paths) {
        String why = whyNot(chisel, split, maxEvents);
        if (why == null && chisel instanceof TableChisel t && byCgroup(t.spec()) && v2(paths) == null) {
            return "the host has no cgroup v2 hierarchy (" + paths.cgroupRoot() + " or its unified/), where the"
                    + " kernel's cgroup id names the container";
        }
        return why;
    }

    /**
     * The v2 mount (the cgroup root on a v2 host, unified/ on a hybrid one), else null. On a hybrid host runc
     * puts a container in the same path in v2 as in v1 (here: /docker/ID in both), which the existing
     * container.name push-down relies on too; a runtime that left its containers in v1 only would have their
     * calls named "host" here and left out.
     */
    private static java.nio.file.Path v2(HostPaths paths) {
        return new CgroupFs(paths).unifiedRoot().orElse(null);
    }

    /**
     * Why {@code chisel} cannot be counted in the kernel with this filter, or null when it can.
     *
     * @param split     the filter's push-down, or null without a filter
     * @param maxEvents -n (0: none)
     */
    public static String whyNot(Chisel chisel, PushDown.Split split, long maxEvents) {
        if (!(chisel instanceof TableChisel t)) {
            return "chisel " + chisel.info().name() + " is not a table of sums";
        }
        TableChisel.Spec s = t.spec();
        if (byProcess(s) || byCgroup(s)) {
            return maxEvents > 0 ? "-n counts the events one by one"
                    : split != null && !split.kernelDecidesWithContainers() ? "the filter has a part only Java can decide" : null;
        }
        if (!s.keys().equals(List.of("evt.type"))) {
            return "its keys (" + String.join(", ", s.keys()) + ") are not only evt.type, or proc.name and proc.pid or"
                    + " container.name of failed calls, the keys counted in the kernel";
        }
        if (!s.value().equals("evt.count") && !s.value().equals("evt.latency")) {
            return "its value " + s.value() + " is not evt.count or evt.latency";
        }
        if (!s.filter().isEmpty() && !s.filter().equals("evt.type!=switch")) {
            return "its own filter (" + s.filter() + ") needs each event";
        }
        if (maxEvents > 0) {
            return "-n counts the events one by one";
        }
        if (split != null && !split.kernelDecidesWithContainers()) {
            return "the filter has a part only Java can decide";
        }
        return null;
    }

    /** Loads and attaches the counting programs with the kernel part of the filter (the whole filter). */
    public static KernelChisel start(HostPaths paths, TableChisel chisel, KernelFilter k) throws IOException {
        Arch arch = Arch.current();
        SyscallSignatures sigs = SyscallSignatures.current(paths.sysRoot());
        Btf btf = Btf.vmlinux(paths.sysRoot());
        int nrOff = PtRegs.of(btf, arch).syscallNr();
        byte[] config = SyscallConfig.build(sigs, k.syscalls(), EventBuilder.DECODED::contains);
        boolean latency = chisel.spec().value().equals("evt.latency");
        CountProbe.By by = by(chisel.spec());
        boolean keyed = by != CountProbe.By.SYSCALL;
        CgroupContainers containers = null;
        if (by == CountProbe.By.CGROUP) {
            java.nio.file.Path v2 = v2(paths);
            if (v2 == null) {
                throw new IOException("cannot count " + chisel.info().name() + " by cgroup in the kernel: "
                        + paths.cgroupRoot() + " has no cgroup v2 hierarchy; run it on the event stream");
            }
            containers = new CgroupContainers(paths, v2);
        }
        if (keyed) { // the chisel's own filter, evt.failed=true, decided in the kernel too
            k = new KernelFilter(k.pids(), k.tids(), k.cgroupIds(), k.eventTypes(), k.syscalls(), k.otherEvents(), true);
        }
        // procexit events are kept by a filter without an event-type set or one naming procexit; never failed
        boolean procExits = !latency && !k.failedOnly() && (k.eventTypes() == null || k.otherEvents().contains("procexit"));
        EventBuilder names = new EventBuilder(sigs.table(), OpenFlags.of(arch), null, 0);
        String[] byNr = new String[CaptureProbe.MAX_SYSCALLS];
        for (int nr = 0; nr < byNr.length; nr++) {
            if (SyscallConfig.traced(config, nr)) {
                byNr[nr] = names.typeName(nr);
            }
        }
        CountProbe probe = new CountProbe(new CountProbe.Options(k, ProcessHandle.current().pid(), config, nrOff,
                procExits && !keyed, latency, by));
        Instant now = Instant.now();
        long epochOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        return new KernelChisel(chisel, probe, byNr, latency, by, containers, epochOffset);
    }

    /**
     * Counts until {@code stop} says so or {@code duration} (null: none) has passed, checking every 10 ms;
     * right after each second of the wall clock ends, adds the counters' growth to the chisel and calls
     * {@code tick} with the time (ns since the epoch), where the display prints the interval's table as it
     * does on the stream. Returns the end time, after adding what was counted up to it.
     */
    public long run(LongConsumer tick, Duration duration, BooleanSupplier stop) throws InterruptedException {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        tick.accept(now());
        while (!stop.getAsBoolean() && System.nanoTime() < deadline) {
            long now = now();
            long nextSecond = now - Math.floorMod(now, 1_000_000_000L) + 1_000_000_000L;
            long waitNs = Math.min(nextSecond - now, 10_000_000L);
            Thread.sleep(waitNs / 1_000_000L, (int) (waitNs % 1_000_000L));
            long after = now();
            if (after >= nextSecond) {
                feed();
                tick.accept(after);
            }
        }
        feed();
        return now();
    }

    private long now() {
        return System.nanoTime() + epochOffset;
    }

    /** Adds the counters' growth since the last call to the chisel. */
    private void feed() {
        for (CountProbe.Counts c : probe.next()) {
            if (c.slot() == CountProbe.LOST_SLOT) {
                lost += c.exits();
                continue;
            }
            enters += c.slot() == CountProbe.PROCEXIT_SLOT ? 0 : c.enters();
            exits += c.exits();
            procExits += c.slot() == CountProbe.PROCEXIT_SLOT ? c.enters() : 0;
            String type = c.slot() == CountProbe.PROCEXIT_SLOT ? "procexit" : c.slot() < names.length ? names[c.slot()] : null;
            if (type == null || by != CountProbe.By.SYSCALL) {
                continue; // a slot the configuration does not trace stays at zero
            }
            long value = latency ? c.latencyNs() : c.enters() + c.exits();
            if (value > 0) {
                chisel.add(List.of(type), value);
            }
        }
        for (CountProbe.ProcessCount p : probe.nextProcesses()) {
            exits += p.exits();
            chisel.add(List.of(p.comm(), Long.toString(p.pid())), p.exits());
        }
        for (CountProbe.CgroupCount c : probe.nextCgroups()) {
            exits += c.exits();
            String name = containers.name(c.cgroupId());
            if (name == null) {
                unnamed += c.exits(); // a container.name the stream would not have either: no row, counted
            } else if (!name.equals("host")) { // the chisel's own container.name!=host
                chisel.add(List.of(name), c.exits());
            }
        }
    }

    /**
     * What was counted: system call entries and exits, process exits, runs the kernel skipped, exits not
     * counted by their key because the kernel's map of {@code capacity} {@code keys} ("processes", "cgroups")
     * was full, and exits in cgroups whose container has no name (a cgroup removed before it was looked up,
     * a container the runtimes do not name): no row, as on the stream, where such events have no container.name;
     * {@code names}: the runtimes' lookups that found no name, and why ({@link ContainerNames#misses}).
     */
    public record Summary(long enters, long exits, long procExits, long skipped, long lost, String keys, int capacity,
                          long unnamed, ContainerNames.Misses names) {}

    public Summary summary() {
        return new Summary(enters, exits, procExits, probe.skipped(), lost,
                by == CountProbe.By.CGROUP ? "cgroups" : "processes",
                by == CountProbe.By.CGROUP ? CountProbe.MAX_CGROUPS : CountProbe.MAX_PROCESSES, unnamed,
                containers == null ? ContainerNames.Misses.NONE : containers.misses());
    }

    @Override
    public void close() {
        probe.close();
    }
}
