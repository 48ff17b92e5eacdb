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
import io.boxscope.trace.chisel.Chisels;
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
 * topprocs_cpu and topcontainers_cpu sum on-CPU time measured at task switches and a 10 ms clock tick
 * ({@link CpuProbe}; the host is a row of the container table, as in sysdig), where sysdig sums the driver's
 * procinfo events, which a live capture does not have (its event stream gives those tables no rows).
 * topprocs_file/net and topcontainers_file/net sum the bytes read and written on file or IPv4/IPv6 fds, the fd's
 * type decided in the kernel from the task's fd table ({@link IoProbe}).
 *
 * <p>Everything else runs on the stream ({@link #whyNot} says why): other keys (proc.name, fd.name,
 * container.name with -pc) need the thread, fd or container tables in Java; a filter with a part Java must
 * decide needs each event; {@code -n} counts events one by one. A {@code container.name}/{@code container.id}
 * term (= or in) naming running containers is decided here by their cgroup ids (the task's cgroup or an
 * ancestor's, as the capture checks them), fixed at the start: a container of that name started later is not
 * counted, where the event stream, which PushDown leaves container terms to, would count it.
 */
public final class KernelChisel implements AutoCloseable {
    /** What a table counted in the kernel sums. */
    private enum Measure {
        /** Events by syscall number (topscalls, topscalls_time): {@link CountProbe}'s counters. */
        SYSCALLS("system call events"),
        /** Failed exits by process or cgroup (topprocs_errors, topcontainers_error): {@link CountProbe}. */
        FAILED("failed calls"),
        /** On-CPU nanoseconds (topprocs_cpu, topcontainers_cpu): {@link CpuProbe}. */
        CPU("ns of CPU time"),
        /** Bytes of file I/O (topprocs_file, topcontainers_file): {@link IoProbe}. */
        FILE_BYTES("bytes of file I/O"),
        /** Bytes of IPv4/IPv6 socket I/O (topprocs_net, topcontainers_net): {@link IoProbe}. */
        NET_BYTES("bytes of network I/O");

        final String unit;

        Measure(String unit) {
            this.unit = unit;
        }
    }

    /** The kernel side attached for a table, and how it measures (what -v says). */
    private record Attached(KernelCounter counter, String how) {}

    /** A table counted in the kernel: what it sums and by what. */
    private record Table(Measure measure, CountProbe.By by) {}

    private static final List<String> PROCESS_KEYS = List.of("proc.name", "proc.pid");
    private static final List<String> CONTAINER_KEYS = List.of("container.name");
    private static final String NOT_HOST = " and container.name!=host";

    private final TableChisel chisel;
    private final KernelCounter counter;
    private final String[] names;
    private final boolean latency;
    private final Table table;
    private final CgroupContainers containers;
    private final long epochOffset;
    private final String how;
    private long enters;
    private long exits;
    private long procExits;
    private long lost;
    private long unnamed;
    private long total;

    private KernelChisel(TableChisel chisel, KernelCounter counter, String[] names, boolean latency, Table table,
                         CgroupContainers containers, long epochOffset, String how) {
        this.chisel = chisel;
        this.counter = counter;
        this.names = names;
        this.latency = latency;
        this.table = table;
        this.containers = containers;
        this.epochOffset = epochOffset;
        this.how = how;
    }

    /**
     * The tables keyed by process or container that are counted in the kernel, by their spec (sysdig 0.29's
     * chisels): topprocs_errors and topcontainers_error ({@code evt.count} of {@code evt.failed=true}, the host
     * left out of the container table), topprocs_cpu and topcontainers_cpu ({@code thread.exectime} of procinfo
     * events; the host is a row of the container table), topprocs_file/net and topcontainers_file/net
     * ({@code evt.rawarg.res} of file or IPv4/IPv6 I/O, the host left out). Null for any other table.
     */
    private static Table keyed(TableChisel.Spec s) {
        boolean byProcess = s.keys().equals(PROCESS_KEYS);
        boolean byContainer = s.keys().equals(CONTAINER_KEYS);
        if (!byProcess && !byContainer) {
            return null;
        }
        CountProbe.By by = byProcess ? CountProbe.By.PROCESS : CountProbe.By.CGROUP;
        String hostless = byContainer ? NOT_HOST : "";
        Measure m = switch (s.value()) {
            case "evt.count" -> s.filter().equals("evt.failed=true" + hostless) ? Measure.FAILED : null;
            case "thread.exectime" -> s.filter().equals(Chisels.PROCINFO) ? Measure.CPU : null;
            case "evt.rawarg.res" -> s.filter().equals(Chisels.FILE_IO + hostless) ? Measure.FILE_BYTES
                    : s.filter().equals(Chisels.NET_IO + hostless) ? Measure.NET_BYTES : null;
            default -> null;
        };
        return m == null ? null : new Table(m, by);
    }

    /** What the chisel's table is counted by in the kernel. */
    private static Table table(TableChisel.Spec s) {
        Table t = keyed(s);
        return t != null ? t : new Table(Measure.SYSCALLS, CountProbe.By.SYSCALL);
    }

    /**
     * {@link #whyNot(Chisel, PushDown.Split, long)}, and what the host must offer: for a table counted by cgroup, a
     * cgroup v2 hierarchy (the kernel's cgroup id is the v2 one, so a v1-only host cannot tell containers apart in
     * the kernel); for file and network bytes, BTF describing the fd table, inodes and sockets.
     */
    public static String whyNot(Chisel chisel, PushDown.Split split, long maxEvents, HostPaths paths) {
        String why = whyNot(chisel, split, maxEvents);
        if (why != null || !(chisel instanceof TableChisel t)) {
            return why;
        }
        Table k = table(t.spec());
        if (k.by() == CountProbe.By.CGROUP && v2(paths) == null) {
            return "the host has no cgroup v2 hierarchy (" + paths.cgroupRoot() + " or its unified/), where the"
                    + " kernel's cgroup id names the container";
        }
        if (k.measure() == Measure.FILE_BYTES || k.measure() == Measure.NET_BYTES) {
            try {
                if (IoProbe.Offsets.of(Btf.vmlinux(paths.sysRoot())) == null) {
                    return "the kernel's BTF does not describe the fd table, inode and socket members the kernel side reads";
                }
            } catch (IOException e) {
                return "the kernel's BTF cannot be read (" + e.getMessage() + ")";
            }
        }
        return null;
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

    /** Whether procinfo events pass the kernel part of the filter (no event-type set, or one naming procinfo). */
    private static boolean procinfoPasses(KernelFilter k) {
        return !k.failedOnly() && (k.eventTypes() == null || k.otherEvents().contains("procinfo"));
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
        Table k = keyed(s);
        if (k != null) {
            if (maxEvents > 0) {
                return "-n counts the events one by one";
            }
            if (split != null && !split.kernelDecidesWithContainers()) {
                return "the filter has a part only Java can decide";
            }
            if (k.measure() == Measure.CPU && split != null && !procinfoPasses(split.kernel())) {
                return "the filter keeps no procinfo events (its table is empty, as in sysdig)";
            }
            return null;
        }
        if (!s.keys().equals(List.of("evt.type"))) {
            return "its keys (" + String.join(", ", s.keys()) + ") are not only evt.type, or proc.name and proc.pid or"
                    + " container.name, the keys counted in the kernel";
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
        Table table = table(chisel.spec());
        CountProbe.By by = table.by();
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
        EventBuilder names = new EventBuilder(sigs.table(), OpenFlags.of(arch), null, 0);
        String[] byNr = new String[CaptureProbe.MAX_SYSCALLS];
        for (int nr = 0; nr < byNr.length; nr++) {
            if (SyscallConfig.traced(config, nr)) {
                byNr[nr] = names.typeName(nr);
            }
        }
        long self = ProcessHandle.current().pid();
        Instant now = Instant.now();
        long epochOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        long startedAt = System.nanoTime() + epochOffset; // before the attach: nothing is counted earlier
        Attached attached = switch (table.measure()) {
            case CPU -> {
                CpuProbe cpu = new CpuProbe(k, self, by);
                yield new Attached(cpu, "on-CPU time from " + cpu.describe());
            }
            case FILE_BYTES, NET_BYTES -> {
                IoProbe.Offsets offsets = IoProbe.Offsets.of(btf);
                if (offsets == null) {
                    throw new IOException("cannot count " + chisel.info().name() + " in the kernel: its BTF does not"
                            + " describe the fd table, inode and socket members; run it on the event stream");
                }
                boolean[] io = new boolean[CaptureProbe.MAX_SYSCALLS];
                List<String> ioNames = new java.util.ArrayList<>();
                for (int nr = 0; nr < io.length; nr++) {
                    // a failed-only filter keeps no call that returned bytes: nothing counts, as on the stream
                    io[nr] = !k.failedOnly() && SyscallConfig.traced(config, nr) && names.ioSyscall(nr);
                    if (io[nr]) {
                        ioNames.add(sigs.table().name(nr));
                    }
                }
                IoProbe.FdClass fdClass = table.measure() == Measure.FILE_BYTES ? IoProbe.FdClass.FILE : IoProbe.FdClass.NET;
                yield new Attached(new IoProbe(new IoProbe.Options(k, self, config, io, nrOff,
                        PtRegs.syscallArgs(btf, arch).get(0), offsets, fdClass, by)),
                        "return values above 0 of " + String.join(", ", ioNames) + " on "
                                + (fdClass == IoProbe.FdClass.FILE ? "file" : "IPv4/IPv6 socket") + " fds, at sys_exit");
            }
            case SYSCALLS, FAILED -> {
                if (keyed) { // the chisel's own filter, evt.failed=true, decided in the kernel too
                    k = new KernelFilter(k.pids(), k.tids(), k.cgroupIds(), k.eventTypes(), k.syscalls(), k.otherEvents(), true);
                }
                // procexit events are kept by a filter without an event-type set or one naming procexit; never failed
                boolean procExits = !latency && !k.failedOnly() && (k.eventTypes() == null || k.otherEvents().contains("procexit"));
                yield new Attached(new CountProbe(new CountProbe.Options(k, self, config, nrOff, procExits && !keyed,
                        latency, by)), "system call counters");
            }
        };
        chisel.begin(startedAt);
        return new KernelChisel(chisel, attached.counter(), byNr, latency, table, containers, epochOffset, attached.how());
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
    private void feed() throws InterruptedException {
        for (CountProbe.Counts c : counter.next()) {
            enters += c.slot() == CountProbe.PROCEXIT_SLOT ? 0 : c.enters();
            exits += c.exits();
            procExits += c.slot() == CountProbe.PROCEXIT_SLOT ? c.enters() : 0;
            String type = c.slot() == CountProbe.PROCEXIT_SLOT ? "procexit" : c.slot() < names.length ? names[c.slot()] : null;
            if (type == null || table.by() != CountProbe.By.SYSCALL) {
                continue; // a slot the configuration does not trace stays at zero
            }
            long value = latency ? c.latencyNs() : c.enters() + c.exits();
            if (value > 0) {
                chisel.add(List.of(type), value);
            }
        }
        lost += counter.nextLost();
        boolean failed = table.measure() == Measure.FAILED;
        for (CountProbe.ProcessCount p : counter.nextProcesses()) {
            exits += failed ? p.value() : 0;
            total += p.value();
            chisel.add(List.of(p.comm(), Long.toString(p.pid())), p.value());
        }
        for (CountProbe.CgroupCount c : counter.nextCgroups()) {
            exits += failed ? c.value() : 0;
            total += c.value();
            String name = containers.name(c.cgroupId());
            if (name == null) {
                unnamed += c.value(); // a container.name the stream would not have either: no row, counted
            } else if (!name.equals("host") || table.measure() == Measure.CPU) {
                chisel.add(List.of(name), c.value()); // the host is left out by the chisels' container.name!=host
            }
        }
    }

    /**
     * What was counted: system call entries and exits, process exits, runs the kernel skipped, what was not
     * counted by its key because the kernel's map of {@code capacity} {@code keys} ("processes", "cgroups") was
     * full, and what was in cgroups whose container has no name (a cgroup removed before it was looked up, a
     * container the runtimes do not name): no row, as on the stream, where such events have no container.name.
     * {@code lost} and {@code unnamed} are in {@code unit} ("failed calls", "ns of CPU time", "bytes of file
     * I/O"...); {@code total} is everything summed by process or cgroup, {@code how} says how it was measured.
     */
    public record Summary(long enters, long exits, long procExits, long skipped, long lost, String keys, int capacity,
                          long unnamed, String unit, long total, String how, ContainerNames.Misses names) {
        /** Whether the table is counted by syscall number and failed exits (entries, exits, procexits mean something). */
        public boolean countsCalls() {
            return unit.equals(Measure.SYSCALLS.unit) || unit.equals(Measure.FAILED.unit);
        }
    }

    public Summary summary() {
        return new Summary(enters, exits, procExits, counter.skipped(), lost,
                table.by() == CountProbe.By.CGROUP ? "cgroups" : "processes",
                table.by() == CountProbe.By.CGROUP ? CountProbe.MAX_CGROUPS : CountProbe.MAX_PROCESSES, unnamed,
                table.measure().unit, total, how,
                containers == null ? ContainerNames.Misses.NONE : containers.misses());
    }

    @Override
    public void close() {
        counter.close();
    }
}
