package io.boxscope.diagnose;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import io.boxscope.mem.cgroup.CgroupMemory;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcIo;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.ProcStat;
import io.boxscope.proc.TaskSchedStat;
import io.boxscope.proc.cgroup.CgroupFiles;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupIo;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.CpuUsage;
import io.boxscope.proc.cgroup.Pressure;

/**
 * Takes {@link Snapshot}s of one target from /proc and the cgroup files (no BPF): CPU time and
 * throttling (v2 cpu.stat, or v1 cpuacct.usage and cpu.stat), memory (the memory controller of
 * either version), block I/O (v2 io.stat, or v1 blkio), pressure (the cgroup's v2 *.pressure, else
 * /proc/pressure), and every thread of the target's processes (stat, schedstat, wchan). Files that
 * vanish between listing and reading (a thread that exits) are skipped and counted, never fatal.
 */
public final class Sampler {
    private final Target target;
    private final HostPaths paths;
    private final CgroupFs fs;
    private final Set<String> problems = new LinkedHashSet<>();
    private int vanished;
    private boolean pidReused;

    public Sampler(Target target, HostPaths paths) {
        this.target = target;
        this.paths = paths;
        this.fs = new CgroupFs(paths);
    }

    /** Files that exist but could not be read or parsed, each named once. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** True once the target PID was seen held by another process (a different start time): the target exited. */
    public boolean pidReused() {
        return pidReused;
    }

    /** Threads or processes that exited between being listed and being read. */
    public int vanished() {
        return vanished;
    }

    public Snapshot sample() throws IOException {
        return sample(true, false);
    }

    /**
     * The cgroup figures only: no thread is read ({@link Snapshot#tasks()} is empty), the process
     * count still comes from cgroup.procs. What the Prometheus exporter reads on every scrape.
     */
    public Snapshot sampleCgroup() throws IOException {
        return sample(false, false);
    }

    /**
     * A sample between a window's first and last: what is judged per sample, or drawn per sample in the
     * timeline, is read (CPU time, throttling, memory usage, every thread), and what is judged as a
     * difference between the window's two ends only (block I/O, pressure, the memory controller's other
     * files: limit, working set, page cache, faults, OOM kills) is the previous full sample's, not read again:
     * a third of the files, issue 15 (diagnose's sampling takes CPU time from the target on a busy machine).
     * The first call reads everything, as {@link #sample()}.
     */
    Snapshot sampleBetween() throws IOException {
        return sample(true, last != null);
    }

    /** The CPU time of the target's cgroup (or process) now, nothing else read ({@link Neighbours}). */
    OptionalLong cpuUsageNs() {
        Dirs cg = dirs();
        if (target.kind() == Target.Kind.PROCESS && target.pid().isPresent()) {
            return processCpuNs(paths.pidFile(target.pid().getAsInt(), "stat"), target.startTicks());
        }
        Optional<String> cpuStat2 = cg.v2().flatMap(d -> read(d.resolve("cpu.stat")));
        if (cpuStat2.isPresent() && cpuStat2.get().contains("usage_usec")) {
            return parse(() -> CpuUsage.fromV2CpuStat(cpuStat2.get()), OptionalLong.empty());
        }
        return cg.cpuacct1().flatMap(d -> read(d.resolve("cpuacct.usage")))
                .map(t -> parse(() -> OptionalLong.of(CpuUsage.fromCpuacctUsage(t)), OptionalLong.empty()))
                .orElse(OptionalLong.empty());
    }

    /** The last full sample (its memory controller's directory and version: where a sample between reads usage). */
    private Snapshot last;
    /** {@link #ioCounterFiles()}. */
    private String ioCounterFiles = "none";
    private Optional<CgroupMemory> lastMemory = Optional.empty();

    /**
     * The target's cgroup directories and which of their files decide what is read, found at the first
     * sample and kept: a target's cgroup paths do not change, and finding them is a dozen stat(2) calls
     * (the hierarchies' mounts, each directory, cpu.max, cpu.pressure) that diagnose would otherwise repeat
     * ten times a second (issue 15: its sampling takes CPU from the target). A directory removed later
     * (the container ended) fails its reads, which are then absent, as before.
     */
    private record Dirs(Optional<Path> v2, Optional<Path> cpu1, Optional<Path> cpuacct1, Optional<Path> blkio1,
            boolean v2Quota, boolean v2Pressure, boolean systemPressure) {}

    private Dirs dirs;

    private Dirs dirs() {
        if (dirs == null) {
            Optional<Path> v2 = fs.unifiedDir(target.cgroups()).filter(Files::isDirectory);
            // The root cgroup's pressure files are the whole system's (kernel/sched/psi.c: the root's group is
            // psi_system, the one /proc/pressure reads), so a target in the root cgroup (a process outside
            // containers) gets the system scope, which the rules show and never judge.
            boolean root = v2.isPresent() && v2.equals(fs.unifiedRoot());
            dirs = new Dirs(v2, fs.v1Dir(target.cgroups(), "cpu").filter(Files::isDirectory),
                    fs.v1Dir(target.cgroups(), "cpuacct").filter(Files::isDirectory),
                    fs.v1Dir(target.cgroups(), "blkio").filter(Files::isDirectory),
                    v2.isPresent() && Files.exists(v2.get().resolve("cpu.max")),
                    v2.isPresent() && !root && Files.exists(v2.get().resolve("cpu.pressure")),
                    Files.exists(paths.procRoot().resolve("pressure").resolve("cpu")));
        }
        return dirs;
    }

    /** A process target's {@code /proc/PID/io} at the first and the last full sample that read it, and when. */
    private ProcIo firstIo;
    private ProcIo lastIo;
    private long firstIoNs;
    private long lastIoNs;

    /**
     * A process target's own I/O between the first and the last full sample that read its {@code /proc/PID/io}
     * ({@link ProcessIo}); empty for a container or cgroup target, and when the file was read fewer than twice
     * (unreadable: another user namespace's process, a kernel without CONFIG_TASK_IO_ACCOUNTING; or the process
     * exited before a second read). What a process did after the last read before it exited is not in it.
     */
    Optional<ProcessIo> processIo() {
        if (firstIo == null || lastIoNs == firstIoNs) {
            return Optional.empty();
        }
        return Optional.of(ProcessIo.between(firstIo, lastIo, (lastIoNs - firstIoNs) / 1e9));
    }

    /** Reads a process target's /proc/PID/io (its start time checked through {@code st}) into first/last. */
    private void readProcessIo(Optional<ProcStat> st) {
        if (st.isEmpty() || target.startTicks().isPresent() && st.get().startTimeTicks() != target.startTicks().getAsLong()) {
            return;
        }
        long now = System.nanoTime();
        Optional<ProcIo> io = read(paths.pidFile(target.pid().getAsInt(), "io")).map(t -> parse(() -> ProcIo.parse(t), null));
        if (io.isEmpty()) {
            return;
        }
        if (firstIo == null) {
            firstIo = io.get();
            firstIoNs = now;
        }
        lastIo = io.get();
        lastIoNs = now;
    }

    private Snapshot sample(boolean withTasks, boolean between) throws IOException {
        generation++;
        try {
            return readSample(withTasks, between);
        } finally {
            closeUnread();
        }
    }

    private Snapshot readSample(boolean withTasks, boolean between) throws IOException {
        Dirs cg = dirs();
        Optional<Path> v2 = cg.v2();
        Optional<Path> cpu1 = cg.cpu1();
        Optional<Path> cpuacct1 = cg.cpuacct1();
        Optional<Path> blkio1 = cg.blkio1();
        boolean process = target.kind() == Target.Kind.PROCESS && target.pid().isPresent();

        OptionalLong usage = OptionalLong.empty();
        CpuThrottling throttling = CpuThrottling.NONE;
        // The instant of the sample is the instant its CPU counter is read: CPUs used is a difference of
        // counters over a difference of these instants, and a sampler thread preempted between the two
        // (diagnose runs at nice 10 on busy machines) must not stretch one interval and not the other.
        long now = System.nanoTime();
        // cpu.stat: the CPU time of a cgroup target, the throttling where the quota is v2's; a process target
        // in a cgroup without a v2 quota needs neither (its CPU time is its own /proc/PID/stat).
        Optional<String> cpuStat2 = !process || cg.v2Quota() ? v2.flatMap(d -> read(d.resolve("cpu.stat"))) : Optional.empty();
        Optional<ProcStat> procStat = Optional.empty();
        if (process) {
            // A process's own CPU time, not its cgroup's: a process outside containers shares its cgroup
            // (often the root: the whole host) with everything else. Another process given the PID since
            // (its start time differs) is not the target: no figure. Its stat file is read once a sample,
            // for this and for the start-time test of pids().
            now = System.nanoTime();
            procStat = procStat(target.pid().getAsInt());
            usage = procStat.filter(st -> target.startTicks().isEmpty() || st.startTimeTicks() == target.startTicks().getAsLong())
                    .map(st -> OptionalLong.of((st.utimeTicks() + st.stimeTicks()) * (1_000_000_000L / USER_HZ)))
                    .orElse(OptionalLong.empty());
        } else if (cpuStat2.isPresent() && cpuStat2.get().contains("usage_usec")) {
            usage = parse(() -> CpuUsage.fromV2CpuStat(cpuStat2.get()), OptionalLong.empty());
        } else {
            usage = cpuacct1.flatMap(d -> read(d.resolve("cpuacct.usage")))
                    .map(t -> parse(() -> OptionalLong.of(CpuUsage.fromCpuacctUsage(t)), OptionalLong.empty()))
                    .orElse(OptionalLong.empty());
        }
        // Throttling lives where the quota is set: v2 if cpu.max exists, else v1's cpu controller.
        if (cg.v2Quota() && cpuStat2.isPresent()) {
            throttling = parse(() -> CgroupFiles.cpuStat(cpuStat2.get()), CpuThrottling.NONE);
        } else if (cpu1.isPresent()) {
            throttling = cpu1.flatMap(d -> read(d.resolve("cpu.stat")))
                    .map(t -> parse(() -> CgroupFiles.cpuStat(t), CpuThrottling.NONE)).orElse(CpuThrottling.NONE);
        }

        if (between) {
            List<Integer> pids = pids(v2, cpu1, procStat);
            List<TaskSample> tasks = new ArrayList<>();
            for (int pid : pids) {
                tasks(pid, tasks, false);
            }
            return new Snapshot(now, usage, throttling, memoryUsage(), last.io(), last.pressure(), tasks, pids.size());
        }
        Optional<CgroupIo> io = io(v2, blkio1);
        if (process && withTasks) {
            readProcessIo(procStat);
        }
        Snapshot.MemorySample memory = memory();
        Snapshot.PressureSet pressure = pressure(cg);
        List<Integer> pids = pids(v2, cpu1, procStat);
        List<TaskSample> tasks = new ArrayList<>();
        for (int pid : withTasks ? pids : List.<Integer>of()) {
            tasks(pid, tasks, false);
        }
        last = new Snapshot(now, usage, throttling, memory, io, pressure, tasks, pids.size());
        return last;
    }

    /**
     * What {@link CollectorPlan} decides from and nothing else, before the eBPF collectors load: the target's
     * processes, each thread's state (its {@code stat} file only: no schedstat, no wchan; the other
     * {@link TaskSample} figures are 0 and empty), and for a container or cgroup target its cgroup's I/O counters
     * (a process target's plan does not use them). CPU time, throttling, memory and pressure are not read (empty,
     * {@link Snapshot.MemorySample#ABSENT}, {@link Snapshot.PressureSet#ABSENT}); no window figure comes from it,
     * and the next {@link #sampleBetween()} still follows a full sample. A full sample here cost 28-42 ms of CPU on
     * a busy machine (issue 15: taken from the target; docs/benchmarks.md).
     */
    Snapshot planSample() throws IOException {
        Dirs cg = dirs();
        boolean process = target.kind() == Target.Kind.PROCESS && target.pid().isPresent();
        long now = System.nanoTime();
        Optional<ProcStat> procStat = process ? procStat(target.pid().getAsInt()) : Optional.empty();
        Optional<CgroupIo> io = process ? Optional.empty() : io(cg.v2(), cg.blkio1());
        List<Integer> pids = pids(cg.v2(), cg.cpu1(), procStat);
        List<TaskSample> tasks = new ArrayList<>();
        for (int pid : pids) {
            tasks(pid, tasks, true);
        }
        return new Snapshot(now, OptionalLong.empty(), CpuThrottling.NONE, Snapshot.MemorySample.ABSENT, io,
                Snapshot.PressureSet.ABSENT, tasks, pids.size());
    }

    /** The cgroup's block I/O counters: v2 io.stat, else v1 blkio's throttle files; empty when neither is there. */
    private Optional<CgroupIo> io(Optional<Path> v2, Optional<Path> blkio1) {
        Optional<String> ioStat = v2.flatMap(d -> read(d.resolve("io.stat")));
        if (ioStat.isPresent() && !ioStat.get().isBlank()) {
            ioCounterFiles = "io.stat";
            return Optional.of(parse(() -> CgroupIo.parseV2(ioStat.get()), CgroupIo.ZERO));
        } else if (blkio1.isPresent()) {
            String suffix = Files.exists(blkio1.get().resolve("blkio.throttle.io_service_bytes_recursive")) ? "_recursive" : "";
            Optional<String> bytes = read(blkio1.get().resolve("blkio.throttle.io_service_bytes" + suffix));
            Optional<String> ops = read(blkio1.get().resolve("blkio.throttle.io_serviced" + suffix));
            if (bytes.isPresent() && ops.isPresent()) {
                ioCounterFiles = "blkio.throttle.io_service_bytes" + suffix + " and blkio.throttle.io_serviced" + suffix;
                return Optional.of(parse(() -> CgroupIo.parseV1(bytes.get(), ops.get()), CgroupIo.ZERO));
            }
        } else if (ioStat.isPresent()) {
            ioCounterFiles = "io.stat";
            return Optional.of(CgroupIo.ZERO); // an empty io.stat: no I/O reached a device yet
        }
        return Optional.empty();
    }

    /** The files the last sample read the cgroup's block I/O counters from ("io.stat", "blkio.throttle..."); "none" before. */
    String ioCounterFiles() {
        return ioCounterFiles;
    }

    /**
     * The last full sample's memory figures with the usage read now, from the file the memory controller
     * keeps it in (v1 memory.usage_in_bytes, v2 memory.current); the last sample's usage if it cannot be read.
     */
    private Snapshot.MemorySample memoryUsage() {
        Snapshot.MemorySample m = last.memory();
        if (lastMemory.isEmpty()) {
            return m;
        }
        CgroupMemory c = lastMemory.get();
        Path file = c.dir().resolve(switch (c.version()) {
            case V1 -> "memory.usage_in_bytes";
            case V2 -> "memory.current";
        });
        long usage = read(file).map(t -> {
            try {
                return Long.parseLong(t.strip());
            } catch (NumberFormatException e) {
                problems.add(file + ": not a number: '" + t.strip() + "'");
                return m.usage();
            }
        }).orElse(m.usage());
        return new Snapshot.MemorySample(m.present(), usage, m.limit(), m.workingSet(), m.pageCache(), m.majorFaults(),
                m.oomKills(), m.oomKillsKnown());
    }

    private Optional<ProcStat> procStat(int pid) {
        try {
            return Optional.of(ProcStat.parse(text(paths.pidFile(pid, "stat"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | ProcParseException e) {
            problems.add(paths.pidFile(pid, "stat") + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private Snapshot.MemorySample memory() throws IOException {
        Optional<CgroupMemory> m = CgroupMemory.read(fs, target.cgroups());
        lastMemory = m;
        if (m.isEmpty()) {
            return Snapshot.MemorySample.ABSENT;
        }
        CgroupMemory c = m.get();
        problems.addAll(c.problems());
        OptionalLong kills = c.oomKills();
        return new Snapshot.MemorySample(true, c.usage(), c.limit().orElse(0), c.workingSet(), c.pageCache(),
                c.stat("pgmajfault"), kills.orElse(0), kills.isPresent());
    }

    private Snapshot.PressureSet pressure(Dirs dirs) {
        if (dirs.v2Pressure()) {
            Path d = dirs.v2().orElseThrow();
            return new Snapshot.PressureSet(psi(d.resolve("cpu.pressure")), psi(d.resolve("memory.pressure")),
                    psi(d.resolve("io.pressure")), Snapshot.Scope.CGROUP);
        }
        Path sys = paths.procRoot().resolve("pressure");
        if (dirs.systemPressure()) {
            return new Snapshot.PressureSet(psi(sys.resolve("cpu")), psi(sys.resolve("memory")), psi(sys.resolve("io")),
                    Snapshot.Scope.SYSTEM);
        }
        return Snapshot.PressureSet.ABSENT;
    }

    private Pressure psi(Path file) {
        return read(file).map(t -> parse(() -> Pressure.parse(file.toString(), t), Pressure.NONE)).orElse(Pressure.NONE);
    }

    /** The processes to sample: the one PID, or everything in the cgroup now (forks included). */
    private List<Integer> pids(Optional<Path> v2, Optional<Path> cpu1, Optional<ProcStat> stat) {
        if (target.pid().isPresent()) {
            int pid = target.pid().getAsInt();
            // a process target's stat file was read once for this sample (procStat), for its CPU time too
            Optional<ProcStat> st = target.kind() == Target.Kind.PROCESS ? stat : procStat(pid);
            if (st.isEmpty()) {
                // gone, or unreadable (said in problems): then sampled while its directory is there
                return Files.isDirectory(paths.procRoot().resolve(Integer.toString(pid))) ? List.of(pid) : List.of();
            }
            if (target.startTicks().isPresent() && st.get().startTimeTicks() != target.startTicks().getAsLong()) {
                // The kernel reuses PIDs: the same number with another start time is another process, and
                // the target has exited (proc(5), /proc/PID/stat field 22).
                pidReused = true;
                return List.of();
            }
            return List.of(pid);
        }
        // Where the processes are listed: the v1 cpu hierarchy on hybrid hosts with a cgroupfs driver
        // (the v2 directory may not list them there), else v2.
        Optional<String> procs = cpu1.flatMap(d -> read(d.resolve("cgroup.procs")))
                .or(() -> v2.flatMap(d -> read(d.resolve("cgroup.procs"))));
        List<Integer> out = new ArrayList<>();
        for (String line : procs.orElse("").split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(Integer.parseInt(line.strip()));
                } catch (NumberFormatException e) {
                    problems.add("cgroup.procs: not a PID: '" + line.strip() + "'");
                }
            }
        }
        return out;
    }

    /** The threads of {@code pid} into {@code out}; with {@code stateOnly} each thread's stat file alone (planSample). */
    private void tasks(int pid, List<TaskSample> out, boolean stateOnly) {
        Path taskDir = paths.procRoot().resolve(Integer.toString(pid)).resolve("task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(taskDir)) {
            for (Path t : dir) {
                String name = t.getFileName().toString();
                int tid;
                try {
                    tid = Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                task(pid, tid, t, stateOnly).ifPresent(out::add);
            }
        } catch (NoSuchFileException e) {
            vanished++;
        } catch (IOException e) {
            problems.add(taskDir + ": " + e.getMessage());
        }
    }

    private Optional<TaskSample> task(int pid, int tid, Path dir, boolean stateOnly) {
        try {
            ProcStat st = ProcStat.parse(text(dir.resolve("stat")));
            if (stateOnly) {
                return Optional.of(new TaskSample(pid, tid, st.comm(), st.state(), 0, 0, 0, ""));
            }
            TaskSchedStat ss = TaskSchedStat.parse(text(dir.resolve("schedstat")));
            String wchan = "";
            if (st.state() == 'S' || st.state() == 'D' || st.state() == 'I') {
                wchan = text(dir.resolve("wchan")).strip();
            }
            return Optional.of(new TaskSample(pid, tid, st.comm(), st.state(), ss.runNs(), ss.waitNs(), ss.timeslices(), wchan));
        } catch (NoSuchFileException e) {
            vanished++;
        } catch (IOException e) {
            if (Files.exists(dir)) {
                problems.add(dir + ": " + e.getMessage());
            } else {
                vanished++;
            }
        } catch (ProcParseException e) {
            problems.add(e.getMessage());
        }
        return Optional.empty();
    }

    /** USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux architecture (proc(5), times(2)). */
    static final long USER_HZ = 100;

    /**
     * A process's CPU time so far, in ns: utime + stime of /proc/PID/stat (fields 14 and 15, in
     * USER_HZ ticks; the kernel sums every thread of the group, those that exited included); empty when
     * the process is gone or the file cannot be read or parsed.
     */
    static OptionalLong processCpuNs(Path stat) {
        return processCpuNs(stat, OptionalLong.empty());
    }

    /** As {@link #processCpuNs(Path)}, empty too when {@code startTicks} is set and the process's start time differs. */
    static OptionalLong processCpuNs(Path stat, OptionalLong startTicks) {
        try {
            ProcStat st = ProcStat.parse(readRaw(stat));
            if (startTicks.isPresent() && st.startTimeTicks() != startTicks.getAsLong()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of((st.utimeTicks() + st.stimeTicks()) * (1_000_000_000L / USER_HZ));
        } catch (IOException | ProcParseException e) {
            return OptionalLong.empty();
        }
    }

    private static String readRaw(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    /** The buffer {@link #text} reads into, kept from one sample to the next (grown for a larger file). */
    private byte[] buffer = new byte[4096];

    /**
     * At most this many files are kept open ({@link #keepFilesOpen}): three per thread of the target (stat, schedstat,
     * wchan) and its few cgroup and process files; a target with more threads has the rest opened for each read.
     */
    static final int KEPT_MAX = 256;
    /** The files kept open between samples, by path; null while {@link #keepFilesOpen} was not asked for. */
    private java.util.Map<Path, Kept> kept;
    /** The sample being read; a kept file not read in it is closed at its end (its thread exited: no slot held for it). */
    private long generation;

    /** A kept file and the last sample that read it. */
    private static final class Kept {
        final java.io.RandomAccessFile file;
        long read;

        Kept(java.io.RandomAccessFile file) {
            this.file = file;
        }
    }

    /**
     * From now until {@link #closeFiles}, the files read are kept open and read again from offset 0 at the next
     * sample: the kernel makes a /proc or cgroup file's text again for each read from its start (seq_file's
     * {@code seq_read_iter} restarts at position 0; proc_single_show, kernfs), so the figures are the same, without
     * the open(2), the path walk through /proc and the close(2) of each file each sample (issue 15: beside a
     * sysbench of 2 threads, ~300 of a sample's ~500 us of CPU were the kernel's, and an open-read-close of a /proc file
     * took 14 us against 4 us for a read of one kept open). A kept file that fails (its thread exited: ESRCH; its
     * cgroup removed) is closed and read again by its path, which gives what a read by path always gave
     * (NoSuchFileException for a thread gone). {@link Collector} keeps them for a window.
     */
    void keepFilesOpen() {
        if (kept == null) {
            kept = new java.util.HashMap<>();
        }
    }

    /** Closes the files {@link #keepFilesOpen} kept, and reads by path again. */
    synchronized void closeFiles() {
        if (kept == null) {
            return;
        }
        for (Kept k : kept.values()) {
            close(k.file);
        }
        kept = null;
    }

    /** Closes the kept files the sample just read did not read: its threads that exited, files read at full samples only. */
    private synchronized void closeUnread() {
        if (kept != null) {
            kept.values().removeIf(k -> {
                if (k.read != generation) {
                    close(k.file);
                    return true;
                }
                return false;
            });
        }
    }

    private static void close(java.io.RandomAccessFile f) {
        try {
            f.close();
        } catch (IOException e) {
            // a read-only /proc or cgroup file: nothing was written that a failed close could lose
        }
    }

    /** The files kept open now (tests). */
    synchronized Set<Path> filesKeptOpen() {
        return kept == null ? Set.of() : Set.copyOf(kept.keySet());
    }

    /**
     * Whether {@code p} gives the figures of now when read again from offset 0 through a kept descriptor: not a cgroup's
     * list of processes or threads ({@code cgroup.procs}, v1's {@code tasks}): cgroup v1 builds that list once per open
     * file and keeps it while the file is read again within a second (kernel/cgroup/cgroup-v1.c, {@code cgroup_pidlist_start}
     * reuses {@code ctx->procs1.pidlist}; CGROUP_PIDLIST_DESTROY_DELAY), so a kept one read every 100 ms stayed empty for a
     * process that joined the cgroup after the first read (DiagnoseLiveTest). These are read by path each sample.
     */
    private static boolean keepable(Path p) {
        String name = p.getFileName().toString();
        return !name.equals("cgroup.procs") && !name.equals("tasks");
    }

    /** {@code f}'s text from offset 0 into {@link #buffer}; throws when the kernel refuses the read. */
    private String readFromStart(java.io.RandomAccessFile f) throws IOException {
        f.seek(0);
        int n = 0;
        for (int r; (r = f.read(buffer, n, buffer.length - n)) > 0; ) {
            n += r;
            if (n == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
        return new String(buffer, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * A file's text as {@link #readRaw}, read into one buffer kept for the sampler's life: a sample reads ~10 small files
     * per thread of the target ten times a second, and {@code Files.readAllBytes} of a /proc file (its size is 0) makes a
     * channel, asks its size and grows a new array for each (issue 15). {@link FileInputStream} reads up to 8 KiB into the
     * caller's array through a buffer on the native stack. A missing or unreadable file is read again the
     * {@code Files} way, so that the caller gets the same exception ({@link NoSuchFileException}, access denied) as
     * before; a path of another file system (tests) is read that way too.
     */
    private synchronized String text(Path p) throws IOException {
        if (p.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
            return readRaw(p);
        }
        if (kept != null && keepable(p)) {
            Kept k = kept.get(p);
            if (k == null && kept.size() < KEPT_MAX) {
                try {
                    k = new Kept(new java.io.RandomAccessFile(p.toFile(), "r"));
                    kept.put(p, k);
                } catch (java.io.FileNotFoundException e) {
                    k = null; // gone or unreadable: the read by path below says which, as before
                }
            }
            if (k != null) {
                try {
                    String text = readFromStart(k.file);
                    k.read = generation;
                    return text;
                } catch (IOException e) {
                    kept.remove(p);
                    close(k.file);
                }
            }
        }
        FileInputStream in;
        try {
            in = new FileInputStream(p.toFile());
        } catch (java.io.FileNotFoundException e) {
            return readRaw(p);
        }
        try (in) {
            int n = 0;
            for (int r; (r = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += r;
                if (n == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
            return new String(buffer, 0, n, StandardCharsets.UTF_8);
        }
    }

    private Optional<String> read(Path p) {
        try {
            return Optional.of(text(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            problems.add(p + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private <T> T parse(java.util.function.Supplier<T> parser, T fallback) {
        try {
            return parser.get();
        } catch (ProcParseException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }
}
