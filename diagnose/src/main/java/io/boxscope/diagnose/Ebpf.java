package io.boxscope.diagnose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.tools.stacks.StackRun;
import io.boxscope.tools.stacks.StackSample;
import io.boxscope.tools.stacks.StackSamples;

/**
 * diagnose's in-kernel collectors, attached for the same window as the /proc sampling: run-queue
 * latency, on-CPU stacks, off-CPU stacks, block I/O latency (one probe-language script each,
 * resources {@code ebpf-*.bt}), and system calls with file I/O ({@link SyscallCounters}, hand-written
 * for the least cost per system call). Each is filtered in the kernel on the target:
 * its cgroup v2 id ({@code cgroup == ID}: the cgroup the container's processes are in, not cgroups
 * below it) or, for a process target, its pid. Each is optional: one that cannot be compiled, loaded
 * or attached (an old kernel, a missing tracepoint, no CAP_BPF) is left out and named in
 * {@link EbpfFindings#unmeasured()}, and the others still run.
 */
final class Ebpf implements AutoCloseable {
    static final int PROFILE_HZ = 99;
    static final int TOP = 15;

    /** The collectors, by script name, with what they measure (for "not measured" lines). */
    enum Collector {
        RUNQLAT("runqlat", "run-queue latency histogram"),
        ONCPU("oncpu", "on-CPU profile"),
        OFFCPU("offcpu", "off-CPU time by stack and reason"),
        BIOLAT("biolat", "block I/O latency histogram"),
        /** {@code ebpf-exits.bt}: the CPU of the target's tasks that exit, by command (too short-lived for the samples). */
        EXITS("exits", "CPU of exited processes by command"),
        /** Not a script: {@link SyscallCounters}, hand-written for the least cost per system call. */
        SYSCALLS(null, "system calls by count, time and errno"),
        /** Counted by {@link SyscallCounters} too. */
        FILES(null, "file I/O by bytes and time");

        final String script;
        final String what;

        Collector(String script, String what) {
            this.script = script;
            this.what = what;
        }
    }

    /**
     * The scripts, one BPF program set each: run-queue latency and off-CPU time are one script ({@code ebpf-sched.bt}) so
     * that each context switch of every task on the host runs one program, not two (issue 15).
     */
    static final List<List<Collector>> PROGRAMS = List.of(List.of(Collector.RUNQLAT, Collector.OFFCPU), List.of(Collector.ONCPU),
            List.of(Collector.BIOLAT), List.of(Collector.EXITS));

    private final Map<Collector, StackRun.Started> running = new EnumMap<>(Collector.class);
    private final List<String> unmeasured = new ArrayList<>();
    private final HostPaths paths;
    private SyscallCounters syscalls;
    /** What the exits collector was told before it was attached, checked again after ({@link #recheckExits}). */
    private ExitBaseline exitBaseline;

    private Ebpf(HostPaths paths) {
        this.paths = paths;
    }

    /** Starts every collector it can for {@code target}; never throws for a collector that fails. */
    static Ebpf start(Target target, HostPaths paths) {
        return start(target, paths, phase -> { });
    }

    /** As above, telling {@code phase} as each collector is loaded and when all are attached (BOXSCOPE_DEBUG). */
    static Ebpf start(Target target, HostPaths paths, java.util.function.Consumer<String> phase) {
        return start(target, paths, CollectorPlan.all(), phase);
    }

    /**
     * Starts the collectors {@code plan} loads; those it skips are named in {@link EbpfFindings#unmeasured()}
     * with its reason (never silently).
     */
    static Ebpf start(Target target, HostPaths paths, CollectorPlan plan, java.util.function.Consumer<String> phase) {
        return start(target, paths, plan, phase, java.util.function.UnaryOperator.identity());
    }

    /**
     * As above, the run-queue collector's script with raw wake-ups passed through {@code rawScript} before it is
     * loaded: identity here; a test makes it a script the kernel refuses to run the fallback on a kernel where the
     * raw tracepoints load.
     */
    static Ebpf start(Target target, HostPaths paths, CollectorPlan plan, java.util.function.Consumer<String> phase,
            java.util.function.UnaryOperator<String> rawScript) {
        // Which raw tracepoint starts a block request is asked of the kernel's BTF (a parse of vmlinux's, ~80 ms of CPU
        // beside a busy target): only when the block I/O collector loads (issue 15).
        Ebpf e = start(target, paths, plan.load(), BlockRequests::detect, phase, rawScript);
        for (Collector c : Collector.values()) {
            String why = plan.skipped().get(c);
            if (why != null) {
                e.unmeasured.add(why);
            }
        }
        e.unmeasured.addAll(plan.notices());
        return e;
    }

    /**
     * Starts the collectors of {@code which} ({@link Collector#SYSCALLS} and {@link Collector#FILES} are one
     * program: either starts it) it can, the block I/O one starting requests at {@code blockStart} (what
     * {@link BlockRequests#detect()} chooses for this kernel; tests choose the other one to run the fallback
     * on a kernel that has both).
     */
    static Ebpf start(Target target, HostPaths paths, java.util.Set<Collector> which, BlockRequests.Start blockStart) {
        return start(target, paths, which, () -> blockStart, phase -> { }, java.util.function.UnaryOperator.identity());
    }

    /** As above, telling {@code phase} as each step is done: a test acts between reading the baseline and attaching. */
    static Ebpf start(Target target, HostPaths paths, java.util.Set<Collector> which, java.util.function.Consumer<String> phase) {
        return start(target, paths, which, () -> BlockRequests.Start.IO_START, phase, java.util.function.UnaryOperator.identity());
    }

    /** The session of {@code c}'s program while it runs (tests read and write its maps). */
    Optional<io.boxscope.probe.runtime.ProbeSession> session(Collector c) {
        return Optional.ofNullable(running.get(c)).map(StackRun.Started::session);
    }

    /** {@code blockStart} is asked only when the block I/O collector's script is compiled. */
    private static Ebpf start(Target target, HostPaths paths, java.util.Set<Collector> which,
            java.util.function.Supplier<BlockRequests.Start> blockStart, java.util.function.Consumer<String> phase,
            java.util.function.UnaryOperator<String> rawScript) {
        Ebpf e = new Ebpf(paths);
        Optional<SyscallCounters.Filter> filter;
        try {
            filter = filter(target, paths);
        } catch (IOException ex) {
            e.unmeasured.add("eBPF collectors: cannot name the target's cgroup for in-kernel filtering (" + ex.getMessage() + ")");
            return e;
        }
        if (filter.isEmpty()) {
            e.unmeasured.add("eBPF collectors (run-queue latency, profiles, block I/O latency, syscalls, files): the target's "
                    + "cgroup has no cgroup v2 directory to filter on in the kernel");
            return e;
        }
        for (List<Collector> program : PROGRAMS) {
            List<Collector> cs = program.stream().filter(which::contains).toList();
            if (cs.isEmpty()) {
                continue;
            }
            String name = String.join("+", cs.stream().map(c -> c.script).toList());
            try {
                StackRun.Started s = cs.contains(Collector.RUNQLAT) ? loadSched(name, cs, filter.get(), blockStart, paths, phase, rawScript)
                        : StackRun.load("diagnose-" + name, script(cs, Wakeups.RAW, filter.get(), blockStart, paths.sysRoot()), paths, null);
                try {
                    String what = "the target's " + (filter.get().byTgid() ? "pid" : "cgroup id");
                    try {
                        if (!s.session().seed("@dg_target", filter.get().value(), 1)) {
                            throw new IllegalStateException("cannot write " + what + " into @dg_target: it held an entry "
                                    + "for it already, before the program was attached");
                        }
                    } catch (io.boxscope.bpf.BpfException ex) {
                        throw new IllegalStateException("cannot write " + what + " into @dg_target, so the program cannot "
                                + "filter on it: " + ex.getMessage(), ex);
                    }
                } catch (RuntimeException ex) {
                    s.close();
                    throw ex;
                }
                for (Collector c : cs) {
                    e.running.put(c, s);
                }
            } catch (Exception ex) {
                e.unmeasured.add(what(cs) + ": " + oneLine(ex));
            }
            phase.accept(name + " collector loaded");
        }
        if (which.contains(Collector.SYSCALLS) || which.contains(Collector.FILES)) {
            try {
                e.syscalls = SyscallCounters.load(filter.get(), paths.sysRoot());
            } catch (Exception ex) {
                e.unmeasured.add(Collector.SYSCALLS.what + " and " + Collector.FILES.what + ": " + oneLine(ex));
            }
            phase.accept("syscall collector loaded");
        }
        StackRun.Started exits = e.running.get(Collector.EXITS);
        if (exits != null) {
            // Read just before attaching: a task's CPU time read earlier would count its CPU since then as the window's.
            try {
                phase.accept(e.seedExits(exits, target, filter.get(), paths));
            } catch (Exception ex) {
                e.unmeasured.add(Collector.EXITS.what + ": " + oneLine(ex));
                exits.close();
                e.running.values().removeIf(v -> v == exits);
            }
        }
        // Loading (the verifier) takes a while per script; attaching is quick: attach them all last, so
        // every collector watches the same window as the /proc sampling that starts next.
        for (StackRun.Started s : e.programs()) {
            try {
                s.attach();
            } catch (Exception ex) {
                List<Collector> cs = e.running.entrySet().stream().filter(r -> r.getValue() == s).map(Map.Entry::getKey).toList();
                e.unmeasured.add(what(cs) + ": " + oneLine(ex));
                s.close();
                e.running.values().removeIf(v -> v == s);
            }
        }
        StackRun.Started attachedExits = e.running.get(Collector.EXITS);
        if (attachedExits != null && e.exitBaseline != null) {
            try {
                phase.accept(e.recheckExits(attachedExits, target, filter.get(), paths));
            } catch (RuntimeException ex) {
                e.unmeasured.add(Collector.EXITS.what + ": " + oneLine(ex));
                attachedExits.close();
                e.running.values().removeIf(v -> v == attachedExits);
            }
        }
        if (e.syscalls != null) {
            try {
                e.syscalls.attach(cpuNs(target, paths));
            } catch (RuntimeException ex) {
                e.unmeasured.add(Collector.SYSCALLS.what + " and " + Collector.FILES.what + ": " + oneLine(ex));
                e.syscalls.close();
                e.syscalls = null;
            }
        }
        phase.accept("collectors attached");
        return e;
    }

    /**
     * Tells the exits program what it cannot see for itself ({@link ExitBaseline}): each task's CPU time at the window's
     * start ({@code @dg_start}, subtracted from its whole-life CPU time when it exits), and a process target's
     * descendants ({@code @dg_target}: its children's exits are the target's too; those forked later the program adds).
     * A task whose figure the map has no room for (or could not be read) is said under NOT MEASURED: its exit in the
     * window counts its whole life. Returns a line for BOXSCOPE_DEBUG.
     */
    private String seedExits(StackRun.Started s, Target target, SyscallCounters.Filter filter, HostPaths paths) throws IOException {
        ExitBaseline b = ExitBaseline.read(target, paths, filter.byTgid());
        exitBaseline = b;
        int full = seed(s, "@dg_target", b.descendants(), d -> 1).full();
        if (full > 0) {
            unmeasured.add(Collector.EXITS.what + ": " + full + " of the target's " + b.descendants().size()
                    + " descendant processes could not be written into @dg_target (full): their exits are not counted");
        }
        int noStart = b.unreadable() + seed(s, "@dg_start", b.startNs().keySet(), b.startNs()::get).full();
        if (noStart > 0) {
            unmeasured.add(Collector.EXITS.what + ": the CPU time at the window's start of " + noStart + " of the target's "
                    + (b.startNs().size() + b.unreadable()) + " tasks (unreadable, or @dg_start full): if they exit in "
                    + "the window, their CPU time before it is counted too");
        }
        return "exits collector told " + b.startNs().size() + " tasks' CPU time and " + b.descendants().size() + " descendants";
    }

    /**
     * Mends, once the exits program is attached, what changed since {@link #seedExits} read the baseline (the program
     * saw none of it). A descendant or task that exited in between had no exit seen: its entries are deleted
     * ({@link ExitBaseline#stale}), or the next task given its id (pids wrap at pid_max, 32768 by default) would be
     * taken for the target's, and would have another task's CPU time subtracted. A process a descendant forked in
     * between had no fork seen: the children files are read again and the new pids written into {@code @dg_target}.
     * What remains: a process forked and gone within the gap is never seen; a pid freed and given again within it to
     * a process outside the target is deleted only if it has not become a descendant's (docs/diagnose.md).
     */
    private String recheckExits(StackRun.Started s, Target target, SyscallCounters.Filter filter, HostPaths paths) {
        ExitBaseline b = exitBaseline;
        Set<Integer> goneTasks = b.stale(paths, b.startNs().keySet());
        if (!goneTasks.isEmpty()) {
            s.session().forget("@dg_start", k -> goneTasks.contains((int) k));
        }
        if (!filter.byTgid()) {
            return "exits collector: " + goneTasks.size() + " tasks gone before the attach";
        }
        Set<Integer> now = ExitBaseline.descendantsNow(paths, target.pid().orElseThrow());
        Set<Integer> gone = b.stale(paths, b.descendants());
        gone.removeAll(now); // the pid given again, to a process forked below the target: the program added it
        if (!gone.isEmpty()) {
            s.session().forget("@dg_target", k -> gone.contains((int) k));
        }
        List<Integer> forked = now.stream().filter(d -> !b.descendants().contains(d) || gone.contains(d)).toList();
        Seeded seeded = seed(s, "@dg_target", forked, d -> 1);
        int added = seeded.added();
        int full = seeded.full();
        if (full > 0) {
            unmeasured.add(Collector.EXITS.what + ": " + full + " of the target's descendant processes forked before the "
                    + "program was attached could not be written into @dg_target (full): their exits are not counted");
        }
        return "exits collector: " + goneTasks.size() + " tasks and " + gone.size() + " descendants gone, " + added
                + " descendants forked before the attach";
    }

    /**
     * What {@link #seed} wrote: {@code added} new entries, {@code full} keys refused because the map was full (E2BIG);
     * the rest were present already (the program's entry is newer and kept, {@code ProbeSession.seed}).
     */
    private record Seeded(int added, int full) {}

    /**
     * Writes {@code value(key)} for each key into the script's map {@code map}, counting the keys a full map refused
     * (E2BIG: {@code alloc_htab_elem} in kernel/bpf/hashtab.c, from {@code htab_map_update_elem}) so that the caller
     * can say how many under NOT MEASURED. Any other refusal is thrown: the collector is then left out with the
     * kernel's reason.
     */
    private static Seeded seed(StackRun.Started s, String map, Iterable<Integer> keys, java.util.function.IntToLongFunction value) {
        int added = 0;
        int full = 0;
        for (int k : keys) {
            try {
                if (s.session().seed(map, k, value.applyAsLong(k))) {
                    added++;
                }
            } catch (io.boxscope.bpf.BpfException ex) {
                if (ex.errno() != Errno.E2BIG.number()) {
                    throw ex;
                }
                full++;
            }
        }
        return new Seeded(added, full);
    }

    /**
     * Loads the run-queue script with raw wake-ups, or, when the compiler or the kernel refuses that program, with
     * {@code tracepoint:sched:sched_wakeup*}. Raw tracepoints' arguments are typed from the kernel's BTF: without it
     * (or without the raw tracepoint) the compiler refuses ({@code ProgramException}); a verifier that refuses the
     * program is a {@code ProbeRunException}. Any other failure (no privilege, a map the kernel will not create) would
     * fail the fallback the same way, so it is not retried: it is what the caller reports. When the fallback fails too,
     * both causes are reported. Only the load falls back: a raw tracepoint the kernel refuses to attach leaves the
     * collector unmeasured, with the kernel's reason ({@link #start}).
     */
    private static StackRun.Started loadSched(String name, List<Collector> cs, SyscallCounters.Filter filter,
            java.util.function.Supplier<BlockRequests.Start> blockStart, HostPaths paths, java.util.function.Consumer<String> phase,
            java.util.function.UnaryOperator<String> rawScript) throws Exception {
        try {
            return StackRun.load("diagnose-" + name, rawScript.apply(script(cs, Wakeups.RAW, filter, blockStart, paths.sysRoot())), paths, null);
        } catch (io.boxscope.probe.lang.diag.ProgramException | io.boxscope.probe.runtime.ProbeRunException ex) {
            String raw = oneLine(ex);
            phase.accept(name + ": the program with raw sched_wakeup was refused (" + raw + "), trying tracepoint:sched:sched_wakeup");
            StackRun.Started s;
            try {
                s = StackRun.load("diagnose-" + name, script(cs, Wakeups.TRACEPOINT, filter, blockStart, paths.sysRoot()), paths, null);
            } catch (Exception again) {
                again.addSuppressed(ex);
                throw new IllegalStateException("refused with raw sched_wakeup (" + raw + ") and with tracepoint:sched:sched_wakeup ("
                        + oneLine(again) + ")", again);
            }
            phase.accept(name + ": tracepoint:sched:sched_wakeup used");
            return s;
        }
    }

    /**
     * The target's CPU time so far in ns, for the syscall collector's cost control: the cgroup v2
     * {@code cpu.stat usage_usec} (there even without the cpu controller), or a process's utime + stime
     * from /proc/PID/stat (proc(5), in clock ticks: USER_HZ is 100 on Linux, whatever the kernel's HZ);
     * -1 when unreadable.
     */
    static java.util.function.LongSupplier cpuNs(Target t, HostPaths paths) {
        if (t.kind() == Target.Kind.PROCESS && t.pid().isPresent()) {
            Path stat = paths.pidFile(t.pid().getAsInt(), "stat");
            return () -> Sampler.processCpuNs(stat, t.startTicks()).orElse(-1);
        }
        Optional<Path> dir;
        try {
            dir = new CgroupFs(paths).unifiedDir(t.cgroups());
        } catch (RuntimeException e) {
            dir = Optional.empty();
        }
        if (dir.isEmpty()) {
            return () -> -1;
        }
        Path stat = dir.get().resolve("cpu.stat");
        return () -> {
            try {
                for (String line : Files.readAllLines(stat)) {
                    if (line.startsWith("usage_usec ")) {
                        return Long.parseLong(line.substring(11).strip()) * 1000;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unknown
            }
            return -1;
        };
    }

    /** {@code pid == N} for a process, {@code cgroup == ID} for a container or cgroup with a v2 directory. */
    static Optional<SyscallCounters.Filter> filter(Target t, HostPaths paths) throws IOException {
        if (t.kind() == Target.Kind.PROCESS && t.pid().isPresent()) {
            return Optional.of(SyscallCounters.Filter.process(t.pid().getAsInt()));
        }
        Optional<Path> dir = new CgroupFs(paths).unifiedDir(t.cgroups());
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
            return Optional.empty();
        }
        return Optional.of(SyscallCounters.Filter.cgroup(CgroupFs.cgroupId(dir.get())));
    }

    /** Detaches every collector and reads what it measured (stacks and files named now, while the processes run). */
    EbpfFindings finish() {
        return finish(phase -> { });
    }

    /** As above, telling {@code phase} as each collector is read (BOXSCOPE_DEBUG). */
    EbpfFindings finish(java.util.function.Consumer<String> phase) {
        List<String> missing = new ArrayList<>(unmeasured);
        Map<Collector, StackRun.Result> results = new EnumMap<>(Collector.class);
        // Every collector's window ends now, before any map is read: reading and symbolizing the stacks
        // of one takes time the others must not keep counting.
        for (StackRun.Started r : programs()) {
            try {
                r.detach();
            } catch (RuntimeException ex) {
                // finish() below detaches again and reports it
            }
        }
        if (syscalls != null) {
            syscalls.detach();
        }
        phase.accept("collectors detached");
        // a program serving two collectors (runqlat+offcpu) is read once: its stacks are named once
        Map<StackRun.Started, Object> read = new java.util.IdentityHashMap<>();
        for (Map.Entry<Collector, StackRun.Started> r : running.entrySet()) {
            Object got = read.get(r.getValue());
            if (got == null) {
                List<Collector> cs = running.entrySet().stream().filter(x -> x.getValue() == r.getValue()).map(Map.Entry::getKey).toList();
                try {
                    List<String> maps = new ArrayList<>(cs.stream().map(Ebpf::shownMap).toList());
                    if (cs.contains(Collector.RUNQLAT)) {
                        maps.add(RUNQ_UNSEEN);
                    }
                    if (cs.contains(Collector.BIOLAT)) {
                        maps.addAll(List.of(BIO_BYTES, BIO_OPS));
                    }
                    if (cs.contains(Collector.EXITS)) {
                        maps.add(EXIT_COUNT);
                    }
                    StackRun.Result res = r.getValue().finish(maps);
                    got = res;
                    long unseen = cs.contains(Collector.RUNQLAT) ? count(res.map(RUNQ_UNSEEN)) : 0;
                    if (unseen > 0) {
                        missing.add(Collector.RUNQLAT.what + ": " + unseen + (unseen == 1 ? " wait" : " waits")
                                + " not seen (a thread was back on a CPU with no sched_switch event reaching the program)");
                    }
                    if (res.lost() > 0) {
                        missing.add(what(cs) + ": " + res.lost() + " events lost (the ring buffer was full)");
                    }
                    // stacks shown empty (the stack map of StackRun.STACK_KEYS was full, or its bucket held another
                    // stack): said for the collector whose stacks they are, in the words probe and profile use
                    res.stacksUnread().ifPresent(u -> missing.add(
                            (cs.contains(Collector.OFFCPU) ? Collector.OFFCPU.what : what(cs)) + ": " + u.sentence(STACKS)));
                    if (res.skipped() > 0) {
                        missing.add(what(cs) + ": " + res.skipped()
                                + " events skipped by the kernel (another BPF program was running on the CPU)");
                    }
                    for (io.boxscope.probe.output.Event.MapUpdateFailed u : res.failedUpdates()) {
                        missing.add(what(cs) + ": " + u.count() + (u.count() == 1 ? " update of " : " updates of ") + u.map()
                                + " failed in the kernel (" + u.error() + ", " + u.retcode() + ", script line " + u.line()
                                + "): events not counted");
                    }
                } catch (RuntimeException ex) {
                    got = ex;
                    missing.add(what(cs) + ": " + oneLine(ex));
                }
                read.put(r.getValue(), got);
                phase.accept(String.join("+", cs.stream().map(c -> c.script).toList()) + " collector read");
            }
            if (got instanceof StackRun.Result res) {
                results.put(r.getKey(), res);
            }
        }
        Optional<LatencyHistogram> runq = Optional.ofNullable(results.get(Collector.RUNQLAT)).map(r -> hist(r.map("@runq_us")));
        Optional<List<StackSample>> on = Optional.ofNullable(results.get(Collector.ONCPU))
                .map(r -> StackSamples.of(r.map("@oncpu"), StackSamples.Keys.STANDARD));
        Map<OffCpu, Long> reasons = new EnumMap<>(OffCpu.class);
        Optional<List<StackSample>> off = Optional.ofNullable(results.get(Collector.OFFCPU)).map(r -> offCpu(r.map("@offcpu"), reasons));
        Optional<LatencyHistogram> bio = Optional.ofNullable(results.get(Collector.BIOLAT)).map(r -> hist(r.map("@bio_us")));
        Optional<EbpfFindings.BlockTraffic> traffic = Optional.ofNullable(results.get(Collector.BIOLAT))
                .map(r -> traffic(r.map(BIO_BYTES), r.map(BIO_OPS)));
        Optional<List<EbpfFindings.Exited>> exited = Optional.ofNullable(results.get(Collector.EXITS))
                .map(r -> exited(r.map(EXIT_COUNT), r.map(shownMap(Collector.EXITS))));
        List<EbpfFindings.Failure> failures = new ArrayList<>();
        Optional<List<EbpfFindings.Syscall>> sys = Optional.empty();
        Optional<List<EbpfFindings.FileIo>> files = Optional.empty();
        double share = 1;
        if (syscalls != null) {
            try {
                SyscallCounters.Result r = syscalls.read();
                share = r.tracedShare();
                if (r.lost() > 0) {
                    missing.add(r.lost() + " file or errno entries of the syscall collector: its tables were full");
                }
                if (r.untimed() > 0) {
                    missing.add("the time of " + r.untimed() + " system calls (counted, not timed: another thread of the"
                            + " target took their start slot, or they were in progress when the duty cycle switched the tracing off)");
                }
                sys = Optional.of(syscalls(r, failures));
                files = Optional.of(files(r));
                unnamedFiles(r, files.get()).ifPresent(missing::add);
            } catch (RuntimeException ex) {
                missing.add(Collector.SYSCALLS.what + " and " + Collector.FILES.what + ": " + oneLine(ex));
            }
        }
        phase.accept("stacks decoded, syscall collector read");
        return new EbpfFindings(runq, on, PROFILE_HZ, off, reasons, bio, sys, failures, files, missing, share,
                symbolsMissing(results.get(Collector.ONCPU), "@oncpu"), symbolsMissing(results.get(Collector.OFFCPU), "@offcpu"),
                traffic, exited);
    }

    /** ebpf-biolat.bt's bytes and requests of the target's block requests, by operation ({@code REQ_OP_*}). */
    static final String BIO_BYTES = "@bio_bytes";
    static final String BIO_OPS = "@bio_ops";
    /** ebpf-exits.bt's processes that ended, by command (their CPU time is {@link #shownMap}'s {@code @exit_ns}). */
    static final String EXIT_COUNT = "@exit_n";
    /** REQ_OP_READ and REQ_OP_WRITE (include/linux/blk_types.h, enum req_op). */
    static final long REQ_OP_READ = 0;
    static final long REQ_OP_WRITE = 1;

    /**
     * Reads and writes of ebpf-biolat.bt's maps keyed by operation; flushes, discards and the other operations move no data
     * the cgroup counters count as read or written, and are left out.
     */
    static EbpfFindings.BlockTraffic traffic(MapDump bytes, MapDump ops) {
        long[] b = byOp(bytes);
        long[] n = byOp(ops);
        return new EbpfFindings.BlockTraffic(b[0], b[1], n[0], n[1]);
    }

    /** A map keyed by operation as {read, write}. */
    private static long[] byOp(MapDump m) {
        long[] out = new long[2];
        for (MapDump.Entry e : m.entries()) {
            if (e.key().size() != 1 || !(e.key().get(0) instanceof Value.Int op)) {
                continue;
            }
            long v = e.value() instanceof MapValue.Sum sm ? sm.sum() : e.value() instanceof MapValue.Count c ? c.count() : 0;
            if (op.bits() == REQ_OP_READ) {
                out[0] += v;
            } else if (op.bits() == REQ_OP_WRITE) {
                out[1] += v;
            }
        }
        return out;
    }

    /** The exited tasks by command, from ebpf-exits.bt's counts and CPU sums, most CPU first. */
    static List<EbpfFindings.Exited> exited(MapDump counts, MapDump cpu) {
        Map<String, long[]> by = new LinkedHashMap<>();
        for (MapDump.Entry e : cpu.entries()) {
            if (e.key().size() == 1 && e.key().get(0) instanceof Value.Str c && e.value() instanceof MapValue.Sum sm) {
                by.computeIfAbsent(c.text(), k -> new long[2])[1] += sm.sum();
            }
        }
        for (MapDump.Entry e : counts.entries()) {
            if (e.key().size() == 1 && e.key().get(0) instanceof Value.Str c && e.value() instanceof MapValue.Count n) {
                by.computeIfAbsent(c.text(), k -> new long[2])[0] += n.count();
            }
        }
        List<EbpfFindings.Exited> out = new ArrayList<>();
        by.forEach((c, v) -> out.add(new EbpfFindings.Exited(c, v[0], v[1])));
        out.sort(Comparator.comparingLong(EbpfFindings.Exited::cpuNs).reversed().thenComparing(EbpfFindings.Exited::command));
        return out;
    }

    /**
     * The advice of the unread-stacks notice: diagnose has no option for its stack maps' size, the tools that show the
     * same stacks do.
     */
    static final io.boxscope.probe.output.StacksUnread.Advice STACKS = new io.boxscope.probe.output.StacksUnread.Advice(
            "shown empty", "the stack map holds " + StackRun.STACK_KEYS + " stacks: boxscope profile and offcputime take"
            + " --stack-storage-size");

    /**
     * The distinct kernel addresses of a collector's shown map (kernel stack at key 3) left unnamed (kallsyms
     * unreadable); empty when it did not run or named them all. Not every map of the program: ebpf-sched.bt's
     * {@code @kst} still holds the stacks of threads off a CPU at detach, which no finding shows.
     */
    private static Optional<io.boxscope.probe.output.KernelSymbolsMissing> symbolsMissing(StackRun.Result r, String map) {
        return r == null ? Optional.empty() : r.kernelSymbolsMissing(map, 3);
    }

    /**
     * The run-queue script's count of waits whose end it did not see: a thread of the target switched out while its
     * {@code @qtime} entry from the previous switch-out was still there, so the kernel had put it back on a CPU
     * without a sched_switch event reaching the program (ebpf-sched.bt; docs/diagnose.md, "Waits not seen").
     */
    static final String RUNQ_UNSEEN = "@runq_unseen";

    /** The value of an unkeyed {@code count()} map; 0 when it has no entry. */
    static long count(MapDump m) {
        long n = 0;
        for (MapDump.Entry e : m.entries()) {
            if (e.value() instanceof MapValue.Count c) {
                n += c.count();
            }
        }
        return n;
    }

    /**
     * The one map of a script collector that its finding shows (read below in {@link #finish}), the only one read back
     * at the end besides the run-queue collector's {@link #RUNQ_UNSEEN}, the block collector's {@link #BIO_BYTES} and
     * {@link #BIO_OPS} and the exits collector's {@link #EXIT_COUNT} (another name fails there, saying which were
     * read): ebpf-sched.bt's
     * per-thread state ({@code @kst}, {@code @ust}: stacks of threads still off a CPU) is not decoded nor symbolized.
     */
    static String shownMap(Collector c) {
        return switch (c) {
            case RUNQLAT -> "@runq_us";
            case ONCPU -> "@oncpu";
            case OFFCPU -> "@offcpu";
            case BIOLAT -> "@bio_us";
            case EXITS -> "@exit_ns";
            case SYSCALLS, FILES -> throw new IllegalArgumentException(c + " is not a script: it has no map to read");
        };
    }

    @Override
    public void close() {
        for (StackRun.Started s : programs()) {
            s.close();
        }
        if (syscalls != null) {
            syscalls.close();
        }
    }

    static LatencyHistogram hist(MapDump m) {
        for (MapDump.Entry e : m.entries()) {
            if (e.value() instanceof MapValue.Hist h) {
                return new LatencyHistogram(h.buckets());
            }
        }
        return new LatencyHistogram(new long[0]);
    }

    /** Off-CPU stacks (key: tid, comm, ustack, kstack, prev_state) merged by stack, and the time by reason. */
    static List<StackSample> offCpu(MapDump m, Map<OffCpu, Long> reasons) {
        Map<StackSample, Long> merged = new LinkedHashMap<>();
        for (MapDump.Entry e : m.entries()) {
            if (!(e.value() instanceof MapValue.Sum s) || s.sum() <= 0 || e.key().size() < 5) {
                continue;
            }
            List<Value> k = e.key();
            int tid = k.get(0) instanceof Value.Int i ? (int) i.bits() : 0;
            String comm = k.get(1) instanceof Value.Str str ? str.text() : "";
            List<String> user = k.get(2) instanceof Value.Stack st ? StackSamples.names(st) : List.of();
            List<String> kernel = k.get(3) instanceof Value.Stack st ? StackSamples.names(st) : List.of();
            long state = k.get(4) instanceof Value.Int i ? i.bits() : -1;
            reasons.merge(OffCpu.ofStack(kernel, state), s.sum(), Long::sum);
            merged.merge(new StackSample(tid, comm, user, kernel, 0), s.sum(), Long::sum);
        }
        List<StackSample> out = new ArrayList<>();
        merged.forEach((x, w) -> out.add(new StackSample(x.pid(), x.comm(), x.user(), x.kernel(), w)));
        out.sort(Comparator.comparingLong(StackSample::weight).reversed());
        return out;
    }

    /**
     * The syscalls by total time (top {@link #TOP}) and the failures by count (top {@link #TOP}). A call
     * whose time is unknown (its thread was in it when the window opened) is counted, not timed.
     */
    static List<EbpfFindings.Syscall> syscalls(SyscallCounters.Result r, List<EbpfFindings.Failure> failures) {
        SyscallTable table = SyscallTable.current();
        for (SyscallCounters.Failure f : r.failures()) {
            Errno en = Errno.of(f.errno());
            failures.add(new EbpfFindings.Failure(table.name(f.nr()), en == null ? Integer.toString(f.errno()) : en.name(), f.count()));
        }
        failures.sort(Comparator.comparingLong(EbpfFindings.Failure::count).reversed().thenComparing(EbpfFindings.Failure::name));
        if (failures.size() > TOP) {
            failures.subList(TOP, failures.size()).clear();
        }
        List<EbpfFindings.Syscall> out = new ArrayList<>();
        for (SyscallCounters.Call c : r.calls()) {
            out.add(new EbpfFindings.Syscall(table.name(c.nr()), c.count(), c.totalNs(), c.errors()));
        }
        out.sort(Comparator.comparingLong(EbpfFindings.Syscall::totalNs).reversed().thenComparing(EbpfFindings.Syscall::name));
        return out.size() > TOP ? List.copyOf(out.subList(0, TOP)) : out;
    }

    /**
     * The target's files by time in read/write/fsync, each named as the kernel named it when it was first charged
     * ({@link FileNames}), else from /proc now.
     */
    List<EbpfFindings.FileIo> files(SyscallCounters.Result r) {
        return files(r, paths);
    }

    /** As {@link #files(SyscallCounters.Result)}, /proc read under {@code paths}. */
    static List<EbpfFindings.FileIo> files(SyscallCounters.Result r, HostPaths paths) {
        List<EbpfFindings.FileIo> each = new ArrayList<>();
        for (SyscallCounters.File f : r.files()) {
            String path = f.path() != null ? f.path() : fdPath(paths, f.pid(), f.fd(), f.inode());
            each.add(new EbpfFindings.FileIo(path, f.pid(), f.fd(), f.bytes(), f.ns(), f.syncs(), 1));
        }
        return byPath(each);
    }

    /**
     * The files the kernel did not name ({@link SyscallCounters.Result#unnamed}), said under NOT MEASURED, as the
     * tools say what they could not read (a count and why), never left silently to /proc: how many /proc could not
     * name either (their descriptor was closed before the end). Empty when the kernel named every file.
     */
    static Optional<String> unnamedFiles(SyscallCounters.Result r, List<EbpfFindings.FileIo> rows) {
        if (r.unnamed() == 0) {
            return Optional.empty();
        }
        long closed = r.files().stream().filter(f -> f.path() == null)
                .filter(f -> rows.stream().anyMatch(x -> x.path().equals(closedName(f.pid(), f.fd())))).count();
        return Optional.of(String.format(Locale.ROOT, "%s: %d of %d files not named in the kernel when first charged (a read "
                + "of the file table or of a dentry failed, or a pseudo file system it does not name); named from "
                + "/proc/PID/fd at the end instead%s", Collector.FILES.what, r.unnamed(), r.files().size(),
                closed == 0 ? "" : ", " + closed + " of them closed by then"));
    }

    /**
     * One row per file, as sysdig's topfiles chisels key by fd.name: the descriptors that named the same path (a shell
     * loop's dd processes appending to one file, each through its own descriptor) are summed; the row keeps the pid and
     * fd of the descriptor with the most time (then bytes) and says how many it sums. Sorted by time, then bytes. Only
     * a name that is one file's is merged ({@link #namesOneFile}); a descriptor whose name many files share (every
     * eventfd is {@code anon_inode:[eventfd]}, two files cut to the same {@code .../dir/file}) keeps a row of its own.
     */
    static List<EbpfFindings.FileIo> byPath(List<EbpfFindings.FileIo> each) {
        Comparator<EbpfFindings.FileIo> most = Comparator.comparingLong(EbpfFindings.FileIo::totalNs)
                .thenComparingLong(EbpfFindings.FileIo::bytes).reversed();
        List<EbpfFindings.FileIo> sorted = new ArrayList<>(each);
        sorted.sort(most);
        java.util.Map<String, EbpfFindings.FileIo> rows = new java.util.LinkedHashMap<>();
        for (EbpfFindings.FileIo f : sorted) {
            String key = namesOneFile(f.path()) ? f.path() : f.path() + "\0" + f.pid() + "/" + f.fd();
            rows.merge(key, f, (a, b) -> new EbpfFindings.FileIo(a.path(), a.pid(), a.fd(), a.bytes() + b.bytes(),
                    a.totalNs() + b.totalNs(), a.syncs() + b.syncs(), a.descriptors() + b.descriptors()));
        }
        List<EbpfFindings.FileIo> out = new ArrayList<>(rows.values());
        out.sort(most);
        return out;
    }

    /**
     * Whether {@code name} is one file's: an absolute path of a whole walk, or a pipe's or socket's name, which holds its
     * inode ({@link FileNames}). Not an anonymous inode's ({@code anon_inode:[eventfd]}: one shared inode, fs/anon_inodes.c),
     * nor a walk cut short ({@code .../dir/file}), nor the description of a descriptor closed before it was named.
     */
    static boolean namesOneFile(String name) {
        return name.startsWith("/") || name.startsWith("pipe:[") || name.startsWith("socket:[");
    }

    /** What {@code /proc/PID/fd/FD} points at now; a description when the descriptor is closed or unreadable. */
    static String fdPath(HostPaths paths, int pid, int fd) {
        try {
            return Files.readSymbolicLink(paths.procRoot().resolve(Integer.toString(pid)).resolve("fd").resolve(Integer.toString(fd)))
                    .toString();
        } catch (IOException | UnsupportedOperationException e) {
            return closedName(pid, fd);
        }
    }

    /**
     * As {@link #fdPath(HostPaths, int, int)}, for the file whose inode number was {@code inode} when it was charged
     * ({@link SyscallCounters.File#inode}, 0 when unknown): a descriptor that now holds another file (closed and
     * reopened since) is described as closed, not named after the file it holds now.
     */
    static String fdPath(HostPaths paths, int pid, int fd, long inode) {
        if (inode != 0) {
            try {
                Object now = Files.getAttribute(paths.procRoot().resolve(Integer.toString(pid)).resolve("fd").resolve(Integer.toString(fd)),
                        "unix:ino");
                if (now instanceof Long ino && ino != inode) {
                    return closedName(pid, fd);
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return closedName(pid, fd);
            }
        }
        return fdPath(paths, pid, fd);
    }

    /** How a descriptor neither the kernel nor /proc could name is shown. */
    static String closedName(int pid, int fd) {
        return String.format(Locale.ROOT, "(pid %d fd %d, closed before the end of the window)", pid, fd);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Each loaded program once (one program can serve two collectors). */
    private List<StackRun.Started> programs() {
        List<StackRun.Started> out = new ArrayList<>();
        for (StackRun.Started s : running.values()) {
            if (out.stream().noneMatch(x -> x == s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** "run-queue latency histogram and off-CPU time by stack and reason": what a program's collectors measure. */
    static String what(List<Collector> cs) {
        return String.join(" and ", cs.stream().map(c -> c.what).toList());
    }

    /**
     * How the run-queue collector sees wake-ups ({@code ebpf-sched.bt}): raw tracepoints first (no perf record filled per
     * wake-up of every task on the host), {@code tracepoint:sched:sched_wakeup} where they cannot be loaded.
     */
    enum Wakeups {
        RAW("runqlat-raw"),
        TRACEPOINT("runqlat-tp");

        final String section;

        Wakeups(String section) {
            this.section = section;
        }
    }

    /**
     * The program text for {@code cs}, the target's filter, the block start (asked only when the script needs it) and
     * the exits collector's end-of-process test ({@link ProcessExits}, read from tracefs under {@code sysRoot} only when
     * the script needs it).
     */
    static String script(List<Collector> cs, Wakeups wakeups, SyscallCounters.Filter filter,
            java.util.function.Supplier<BlockRequests.Start> blockStart, java.nio.file.Path sysRoot) throws IOException {
        String src = source(cs, wakeups, filter.byTgid()).replace("${FILTER}", filter.script()).replace("${HZ}", Integer.toString(PROFILE_HZ))
                .replace("${BLKCG}", filter.blkcgScript("$b"));
        if (src.contains("${GROUP_DEAD}")) {
            src = src.replace("${GROUP_DEAD}", ProcessExits.detect(sysRoot).expression());
        }
        return src.contains("${START}") ? src.replace("${START}", blockStart.get().probe()) : src;
    }

    /**
     * The script of one program for {@code collectors} (one of {@link #PROGRAMS}'s groups, or part of it): its resource
     * with the lines between {@code #if NAME} and {@code #end} kept only when collector NAME is among them, or NAME is
     * {@code wakeups}' section and the run-queue collector is.
     */
    static String source(List<Collector> collectors, Wakeups wakeups) throws IOException {
        return source(collectors, wakeups, false);
    }

    /**
     * As above; the lines of section {@code descendants} ({@code ebpf-exits.bt}: a process target's children are the
     * target too) kept when {@code descendants}: a process target, filtered by pid. A cgroup target's filter is its
     * cgroup id, which holds the children already; and its ids in {@code @dg_target} must not be taken for pids.
     */
    static String source(List<Collector> collectors, Wakeups wakeups, boolean descendants) throws IOException {
        String name = PROGRAMS.stream().filter(p -> p.contains(collectors.get(0))).findFirst().orElseThrow().size() > 1
                ? "sched" : collectors.get(0).script;
        String text;
        try (InputStream in = Ebpf.class.getResourceAsStream("ebpf-" + name + ".bt")) {
            if (in == null) {
                throw new IOException("resource ebpf-" + name + ".bt missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean keep = true;
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("#if ")) {
                String c = t.substring(4).strip();
                keep = collectors.stream().anyMatch(x -> x.script.equals(c))
                        || c.equals(wakeups.section) && collectors.contains(Collector.RUNQLAT)
                        || c.equals("descendants") && descendants;
            } else if (t.equals("#end")) {
                keep = true;
            } else if (keep) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
