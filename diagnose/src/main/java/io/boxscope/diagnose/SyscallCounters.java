package io.boxscope.diagnose;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.syscalls.SyscallTable;

/**
 * diagnose's system call and file I/O collector, written for the least cost to the target (issue 15:
 * diagnose may cost its target at most 3 % of its throughput). Two raw tracepoints, {@code sys_enter}
 * and {@code sys_exit}, replace the {@code raw_syscalls} tracepoints and the six
 * {@code syscalls:sys_enter_*}/{@code sys_exit_*} ones the probe-language scripts used: a raw
 * tracepoint runs the program on the tracepoint's own arguments, without the perf trace buffer a
 * {@code tracepoint:} program gets filled first (measured on this machine: +104 against +163 ns per
 * system call of the host for an empty program; docs/benchmarks.md).
 *
 * <ul>
 * <li>The target test is the programs' first instructions ({@code bpf_get_current_cgroup_id()} or the
 *     tgid, compared with a constant): every other process of the host pays the tracepoint and that,
 *     nothing else.</li>
 * <li>Counts and times go to a per-CPU array indexed by syscall number (a lookup the verifier inlines),
 *     not to hash maps.</li>
 * <li>The start of a call is kept in a plain array slot chosen by thread id ({@code tid & (SLOTS-1)}),
 *     holding the tid, so no hash map is updated and deleted per call (a tid-keyed hash map update and
 *     delete per call cost ~400 ns on this machine). Two of the target's threads in a call at once
 *     whose ids share a slot lose the first one's time (counted: {@link Result#untimed()}); the call
 *     itself is counted at entry either way. An exit without its entry's start (a call that began before
 *     the tracing switched on, or after its end time) is neither timed nor counted as a loss: its entry
 *     was not counted either.</li>
 * <li>Each traced share has an end time in the kernel ({@code dg_ctl}, written when the share starts): the
 *     entry program compares {@code bpf_ktime_get_ns()} with it and counts nothing after it, so a duty-cycle
 *     thread that wakes late (a busy machine) leaves the programs attached a while longer but the counting
 *     still stops on time; the traced time reported is the time the kernel counted in.</li>
 * <li>read/write/pread64/pwrite64 are charged to their file (process, descriptor) on one call in
 *     {@link #FILE_SAMPLE}, chosen by {@code bpf_get_prandom_u32()} (so alternating reads and writes do
 *     not alias with the sampling period); their bytes and time are scaled up by that factor when read.
 *     fsync and fdatasync are rare and slow, and what the I/O-bound verdict looks at: every one is
 *     charged.</li>
 * <li>A charged call's file is keyed by (process, descriptor, inode number), the inode read from the file table
 *     ({@link FileNames#emitInode}): a descriptor closed and reopened on another file is charged to a new entry.
 *     A file is named in the kernel when its entry is made, once per window ({@link FileNames}): a process that
 *     ends before the window does (every {@code dd} of a shell loop) keeps its files' names. The calls that find
 *     their entry run no walk.</li>
 * <li>A thread that ends inside a call never reaches its exit: {@code sched_process_exit} forgets its
 *     slot, so a later thread given the same id is not charged from it.</li>
 * </ul>
 */
final class SyscallCounters implements AutoCloseable {
    /** Syscall numbers counted (every architecture in Arch stays below 1024: ArchTablesTest). */
    static final int MAX_SYSCALLS = 1024;
    /** Start-of-call slots (power of two). */
    static final int SLOTS = 65536;
    /** One read/write call in this many is charged to its file (power of two). */
    static final int FILE_SAMPLE = 16;
    static final int MAX_FILES = 4096;
    static final int MAX_ERRNOS = 1024;

    // slot layout: tid u32, nr u32, start ns u64, fd u64, file kind u32 (0 none, 1 sampled read/write, 2 sync),
    // generation u32 (the attachment the entry was seen in: an exit seen in a later one is not timed from it)
    private static final int SLOT_TID = 0, SLOT_NR = 4, SLOT_TS = 8, SLOT_FD = 16, SLOT_KIND = 24, SLOT_GEN = 28, SLOT_SIZE = 32;
    // per-syscall counters: calls, ns in calls timed, failures, calls timed
    private static final int SC_COUNT = 0, SC_NS = 8, SC_ERR = 16, SC_TIMED = 24, SC_SIZE = 32;
    // per-file counters: sampled read/write bytes, sampled read/write ns, syncs, sync ns
    private static final int F_BYTES = 0, F_NS = 8, F_SYNCS = 16, F_SYNC_NS = 24, F_SIZE = 32;
    // lost and accounting counters: a counted call's start overwritten at an entry (another thread of the target
    // in the same slot, or the same thread's earlier call whose exit came while the tracing was off), an exit whose
    // start was stamped in an earlier attachment (the call spanned a switch-off: its time is unknown), a thread
    // that ended inside a counted call (exit, exit_group), file table full, errno table full; and every call counted
    // (the duty cycle's call rate: one entry to read, not the MAX_SYSCALLS of dg_sc)
    private static final int L_OVERWRITTEN = 0, L_SPANNED = 8, L_EXITED = 16, L_FILES = 24, L_ERRNOS = 32, L_CALLS = 40,
            L_SIZE = 48;
    // control (dg_ctl, one value): attachment generation u32, pad, end time u64 (bpf_ktime_get_ns; calls entering at
    // or after it are not counted)
    private static final int CTL_GEN = 0, CTL_END = 8, CTL_SIZE = 16;
    /** No end time: the share lasts until the programs are detached. */
    static final long NO_END = Long.MAX_VALUE;

    // stack slots
    private static final int S_KEY = -8;
    private static final int S_KEY2 = -16;
    private static final int S_NR = -24;
    private static final int S_TS = -64;
    private static final int S_VAL = -56; // F_SIZE bytes
    /** A file's key (pid u32, fd u32, inode number u64: {@link FileNames#emitInode}), below FileNames' walk slots. */
    private static final int S_FKEY = -168;
    /** Bytes of a file's key in {@code dg_files} and {@code dg_names}. */
    static final int FILE_KEY = 16;

    /** What to count: the processes of one cgroup v2 ({@code cgroupId}) or of one process ({@code tgid}). */
    record Filter(boolean byTgid, long value) {
        static Filter cgroup(long id) {
            return new Filter(false, id);
        }

        static Filter process(int tgid) {
            return new Filter(true, tgid);
        }

        /**
         * The same test as a probe-language expression for the collectors written as scripts, non-zero for the target:
         * a lookup in {@code @dg_target}, which {@link Ebpf} fills with {@link #value} before attaching. The value is
         * not in the text, so the text is the same for every target of a kind and the compile cache hits on the
         * second target (issue 15: a miss costs the probe compiler's run, ~100 ms of CPU beside a busy target).
         */
        String script() {
            return byTgid ? "@dg_target[pid]" : "@dg_target[cgroup]";
        }

        /**
         * Whether the cgroup in variable {@code var} (a {@code struct cgroup *}) is the target's, for the
         * blkcg a block request is charged to ({@link BlockRequests}): on the cgroup v2 hierarchy
         * (hierarchy_id 0, cgroups(7)) with the target's id (in {@code @dg_target}, as {@link #script}); never for a
         * process target ({@code 0}).
         */
        String blkcgScript(String var) {
            return byTgid ? "0" : var + "->root->hierarchy_id == 0 && @dg_target[" + var + "->kn->id]";
        }
    }

    /** One syscall's figures; {@code timedCalls} of {@code count} have their time in {@code totalNs}. */
    record Call(int nr, long count, long totalNs, long errors, long timedCalls) {}

    /** Failures of syscall {@code nr} with {@code errno}. */
    record Failure(int nr, int errno, long count) {}

    /**
     * One (process, descriptor, file): bytes and time of read/write (estimated from samples), fsyncs and their time
     * (exact); {@code path} as the kernel named it when the entry was made ({@link FileNames}), null when it did not (a
     * failed walk, a pseudo file system it does not name, no BTF for it): then /proc names it at the end. {@code inode}:
     * the file's inode number when it was charged ({@link FileNames#emitInode}), which tells the files a descriptor
     * closed and reopened in the window held apart; 0 when unknown.
     */
    record File(int pid, int fd, long bytes, long ns, long syncs, String path, long inode) {}

    /**
     * What was counted.
     *
     * @param untimed calls counted whose time was lost: their start slot was taken by another thread of the
     *                target, or they were in progress when the duty cycle switched the tracing off
     * @param inProgress calls counted that had not returned when the window ended (their time is not known
     *                yet: not a loss, and not in {@code totalNs})
     * @param lost    files and errno pairs not recorded because their table was full
     * @param tracedShare the share of the window the system calls were counted in (1: all of it), from the
     *                times the kernel counted; the other figures are scaled up from it
     * @param unnamed files the kernel was to name when first charged ({@link FileNames}) and did not: a failed read
     *                of the file table or a dentry, or a pseudo file system it does not name (0 when it names none:
     *                no BTF for it); /proc names them at the end where their descriptor is still open
     */
    record Result(List<Call> calls, List<Failure> failures, List<File> files, long untimed, long inProgress, long lost,
            double tracedShare, long unnamed) {
        /** Counts and times multiplied by {@code k} (figures from a share 1/k of the window, made whole). */
        Result scaled(double k) {
            return new Result(calls.stream().map(c -> new Call(c.nr(), up(c.count(), k), up(c.totalNs(), k), up(c.errors(), k),
                    up(c.timedCalls(), k))).toList(),
                    failures.stream().map(f -> new Failure(f.nr(), f.errno(), up(f.count(), k))).toList(),
                    files.stream().map(f -> new File(f.pid(), f.fd(), up(f.bytes(), k), up(f.ns(), k), up(f.syncs(), k), f.path(), f.inode())).toList(),
                    up(untimed, k), up(inProgress, k), lost, tracedShare, unnamed);
        }

        private static long up(long v, double k) {
            return Math.round(v * k);
        }
    }

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final BpfMap stats;
    private final BpfMap errnos;
    private final BpfMap files;
    private final BpfMap lost;
    private final BpfMap ctl;
    /** The files' names walked in the kernel ({@link FileNames}); null when this kernel's BTF lacks a member. */
    private final BpfMap names;
    private final Program enter;
    private final Program exit;
    private final Program threadExit;

    private final double budget;

    private SyscallCounters(Filter f, int arg0, java.util.Optional<FileNames> naming, SyscallTable table, double budget) {
        this.budget = budget;
        try {
            stats = own(BpfMap.create(MapSpec.of("dg_sc", MapType.PERCPU_ARRAY, 4, SC_SIZE, MAX_SYSCALLS)));
            BpfMap slots = own(BpfMap.create(MapSpec.of("dg_slots", MapType.ARRAY, 4, SLOT_SIZE, SLOTS)));
            errnos = own(BpfMap.create(MapSpec.of("dg_errno", MapType.PERCPU_HASH, 8, 8, MAX_ERRNOS)));
            files = own(BpfMap.create(MapSpec.of("dg_files", MapType.PERCPU_HASH, FILE_KEY, F_SIZE, MAX_FILES)));
            lost = own(BpfMap.create(MapSpec.of("dg_lost", MapType.PERCPU_ARRAY, 4, L_SIZE, 1)));
            ctl = own(BpfMap.create(MapSpec.of("dg_ctl", MapType.ARRAY, 4, CTL_SIZE, 1)));
            names = naming.isEmpty() ? null : own(BpfMap.create(MapSpec.of("dg_names", MapType.HASH, FILE_KEY, FileNames.SIZE, MAX_FILES)));
            BpfMap nameBuf = naming.isEmpty() ? null
                    : own(BpfMap.create(MapSpec.of("dg_namebuf", MapType.PERCPU_ARRAY, 4, FileNames.SIZE, 1)));
            int[] rw = numbers(table, "read", "write", "pread64", "pwrite64");
            int[] sync = numbers(table, "fsync", "fdatasync");
            enter = own(Program.load(ProgramSpec.of("dg_sys_enter", ProgramType.RAW_TRACEPOINT,
                    enterProgram(f, stats.fd(), slots.fd(), ctl.fd(), lost.fd(), arg0, rw, sync))));
            exit = own(Program.load(ProgramSpec.of("dg_sys_exit", ProgramType.RAW_TRACEPOINT,
                    exitProgram(f, stats.fd(), slots.fd(), ctl.fd(), errnos.fd(), files.fd(), lost.fd(), naming.orElse(null),
                            nameBuf == null ? -1 : nameBuf.fd(), names == null ? -1 : names.fd()))));
            threadExit = own(Program.load(ProgramSpec.of("dg_task_exit", ProgramType.RAW_TRACEPOINT,
                    threadExitProgram(f, slots.fd(), ctl.fd(), lost.fd()))));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Loads the programs (not attached yet); {@code sysRoot} is where the kernel's BTF is read. */
    static SyscallCounters load(Filter f, Path sysRoot) throws java.io.IOException {
        return load(f, sysRoot, BUDGET);
    }

    /** As above, with the share of the target's CPU time the tracing may cost it ({@link #BUDGET} by default). */
    static SyscallCounters load(Filter f, Path sysRoot, double budget) throws java.io.IOException {
        Arch arch = Arch.current();
        java.util.Optional<BootCache> cache = cache(sysRoot);
        Btf[] parsed = new Btf[1];
        FileNames.BtfSource btf = () -> parsed[0] != null ? parsed[0] : (parsed[0] = Btf.vmlinux(sysRoot));
        int arg0 = syscallArg0(arch, cache, btf);
        return new SyscallCounters(f, arg0, FileNames.of(btf, cache), SyscallTable.of(arch), budget);
    }

    /** The per-boot cache for the running kernel's own BTF ({@code /sys}); none for another sys root. */
    private static java.util.Optional<BootCache> cache(Path sysRoot) {
        return RUNNING_SYS.equals(sysRoot) ? BootCache.shared("diagnose", BootCache.Scope.KERNEL) : java.util.Optional.empty();
    }

    /**
     * The offset of a system call's first argument in the {@code struct pt_regs} of {@code sys_enter}, from the
     * kernel's BTF. Parsing the 5.5 MB BTF costs diagnose ~40-80 ms of CPU at start-up (and the C1 compiles of
     * the parser), which a target keeping every CPU busy pays (issue 15), for one number that cannot change
     * during a boot: for the running kernel's own BTF ({@code /sys}) it is kept in the per-boot cache
     * ({@link BootCache}, {@link BootCache.Scope#KERNEL}: keyed by boot id and kernel release), so only the first
     * diagnose of a boot parses BTF for it. Another sys root (tests, a copied tree) is always parsed.
     */
    static int syscallArg0(Path sysRoot, Arch arch) throws java.io.IOException {
        return syscallArg0(sysRoot, arch, cache(sysRoot));
    }

    /** As above, with {@code cache} (empty: BTF is parsed). */
    static int syscallArg0(Path sysRoot, Arch arch, java.util.Optional<BootCache> cache) throws java.io.IOException {
        return syscallArg0(arch, cache, () -> Btf.vmlinux(sysRoot));
    }

    /** As above, BTF from {@code btf} when the cache has no answer (parsed once for this and {@link FileNames}). */
    private static int syscallArg0(Arch arch, java.util.Optional<BootCache> cache, FileNames.BtfSource btf) throws java.io.IOException {
        String key = "syscall_arg0_offset " + arch.name().toLowerCase(java.util.Locale.ROOT);
        if (cache.isPresent()) {
            java.util.Optional<String> v = cache.get().get(key);
            if (v.isPresent()) {
                try {
                    int off = Integer.parseInt(v.get().strip());
                    if (off >= 0 && off < 4096) {
                        return off;
                    }
                } catch (NumberFormatException e) {
                    // a value that does not parse is asked of the BTF again and replaced below
                }
            }
        }
        int arg0 = PtRegs.syscallArgs(btf.get(), arch).getFirst();
        cache.ifPresent(c -> c.put(key, Integer.toString(arg0)));
        return arg0;
    }

    private static final Path RUNNING_SYS = Path.of("/sys");

    private Link threadExitLink;
    private Link exitLink;
    private Link enterLink;
    private int generation;
    /** The current share's end time (System.nanoTime, the kernel's CLOCK_MONOTONIC), {@link #NO_END} for none, 0 while not counting. */
    private long end;
    /** When the current counting segment began (the entry program was attached, or the end time last moved). */
    private long segmentStart;
    /** The clock read just after that attach or write: counting had begun by then. */
    private long segmentStartLate;
    private final List<Segment> segments = new ArrayList<>();
    /** Segments kept for tests: two a second for an hour's window. */
    private static final int MAX_SEGMENTS = 8192;
    /** ns counted in so far, segments closed. */
    private long countedNs;
    /** ns the programs stayed attached after their share's end time (the duty thread woke late): not counted in. */
    private long overrunNs;
    private long windowStart;
    private long windowNs;
    private Thread duty;
    private volatile boolean stopping;
    private volatile boolean cycled;
    /** Tests only: the duty thread sleeps this much longer before it switches the tracing off (a thread woken late). */
    volatile long lateOffMs;

    /**
     * Opens the window. The system call programs are attached all the time while that costs the target
     * little; when it makes so many calls that tracing every one would cost it more than
     * {@link #BUDGET} of its CPU time, they are attached for a share of every {@link #PERIOD_MS} only
     * (at least {@link #MIN_ON_MS}), and the figures are scaled up by the share ({@link Result#tracedShare()}).
     * The share is chosen from the calls seen while attached, the target's CPU time ({@code targetCpuNs},
     * which may return -1 when unknown: then the share is chosen as if the target used one CPU), and
     * {@link #COST_NS}, what tracing one call costs.
     */
    void attach(java.util.function.LongSupplier targetCpuNs) {
        attachSlices();
        on(NO_END); // the first FIRST_MS, which measure the call rate; open-ended: a cheap target is traced whole
        duty = Thread.ofPlatform().daemon().name("diagnose-syscall-duty").start(() -> cycle(targetCpuNs));
    }

    /**
     * Opens the window without the duty cycle: the caller switches the counting on and off with
     * {@link #on(long)} and {@link #off()} (tests: a share of a known length).
     */
    void attachSlices() {
        threadExitLink = Attach.rawTracepoint(threadExit, "sched_process_exit");
    }

    /** Tracing one system call (the raw tracepoints, the slow syscall path they enable, these programs): ns, measured. */
    static final double COST_NS = 300;
    /** The share of the target's CPU time the system call tracing may cost it. */
    static final double BUDGET = 0.02;
    static final long PERIOD_MS = 500;
    static final long MIN_ON_MS = 10;

    /** How long every call is traced at the start of the window, to measure the target's call rate. */
    static final long FIRST_MS = 50;

    private void cycle(java.util.function.LongSupplier targetCpuNs) {
        // This thread switches the tracing off after each share. Woken late, it leaves the programs attached
        // longer than planned: the kernel stops counting at the share's end time all the same (dg_ctl), but
        // every call of the target still pays the tracepoints and the programs' first tests until the detach.
        // `boxscope diagnose` lowers its own priority (nice 10) to yield the CPU to its target; this
        // thread goes back to nice 0 where allowed (setpriority(2) on itself; raising a priority needs
        // CAP_SYS_NICE or RLIMIT_NICE: without, it keeps the process's value). Again every period: diagnose
        // lowers every thread's priority when its window starts, after this thread was started.
        int setpriority = SyscallTable.current().number("setpriority");
        if (setpriority >= 0) {
            io.boxscope.bpf.sys.Sys.raw(setpriority, 0 /* PRIO_PROCESS */, 0 /* this thread */, 0, 0, 0, 0);
        }
        try {
            long calls = 0;
            long traced = 0;
            long cpu = targetCpuNs.getAsLong();
            long t = System.nanoTime();
            Thread.sleep(FIRST_MS);
            while (!stopping) {
                if (setpriority >= 0) {
                    io.boxscope.bpf.sys.Sys.raw(setpriority, 0 /* PRIO_PROCESS */, 0 /* this thread */, 0, 0, 0, 0);
                }
                long c = totalCalls();
                long tracedNow = countedNs();
                long cpuNow = targetCpuNs.getAsLong();
                long now = System.nanoTime();
                double rate = tracedNow > traced ? (c - calls) / ((tracedNow - traced) / 1e9) : 0; // calls/s while counted
                double cpus = cpu >= 0 && cpuNow >= cpu && now > t ? (cpuNow - cpu) / (double) (now - t) : 1;
                double cost = rate * COST_NS / 1e9; // CPUs the tracing would take if always on
                double share = cost <= 0 ? 1 : Math.min(1, budget * Math.max(cpus, 0.01) / cost);
                calls = c;
                traced = tracedNow;
                cpu = cpuNow;
                t = now;
                if (share >= 1) {
                    if (!countingOpenEnded()) {
                        on(NO_END);
                    }
                    Thread.sleep(PERIOD_MS);
                } else {
                    long onMs = Math.max(MIN_ON_MS, Math.round(share * PERIOD_MS));
                    on(onMs * 1_000_000);
                    Thread.sleep(onMs + lateOffMs);
                    off();
                    Thread.sleep(Math.max(0, PERIOD_MS - onMs));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean countingOpenEnded() {
        return enterLink != null && end == NO_END;
    }

    /** ns counted in so far: the attached time, each share cut at its end time. */
    synchronized long countedNs() {
        return countedNs + (enterLink != null ? Math.max(0, Math.min(end, System.nanoTime()) - segmentStart) : 0);
    }

    /** ns the programs stayed attached past their shares' end times, not counted in (the duty thread woke late). */
    synchronized long overrunNs() {
        return overrunNs;
    }

    /**
     * Counts the next {@code forNs} (from now; {@link #NO_END}: until {@link #off()}), attaching the programs if
     * they are not. The end time is written for the kernel once the programs are attached (they count nothing
     * before: the end time is 0 while they attach), so a slow attach does not shorten the share. Already
     * counting, the end time moves: a time between an end time already past and now was not counted in, and is
     * not in {@link #countedNs()}. The exit program is attached before the entry one, so no call counted at its
     * entry misses its exit. The end time is System.nanoTime's clock, which on Linux is CLOCK_MONOTONIC, the
     * clock of bpf_ktime_get_ns.
     */
    synchronized void on(long forNs) {
        if (stopping) {
            return;
        }
        if (forNs != NO_END) {
            cycled = true;
        }
        if (enterLink == null) {
            control(++generation, 0);
            exitLink = Attach.rawTracepoint(exit, "sys_exit");
            enterLink = Attach.rawTracepoint(enter, "sys_enter");
            end = 0;
            segmentStart = 0;
        }
        long now = System.nanoTime();
        long endNs = forNs == NO_END ? NO_END : now + forNs;
        control(generation, endNs);
        long written = System.nanoTime();
        closeSegment(now, written);
        segmentStart = now;
        segmentStartLate = written;
        end = endNs;
        if (windowStart == 0) {
            windowStart = now; // the window of these figures opens when the calls start being counted
        }
    }

    /** Stops the programs; a new generation, so a start stamped before is never used to time an exit seen later. */
    synchronized void off() {
        if (enterLink == null) {
            return;
        }
        long now = System.nanoTime(); // before the close, which may wait for a grace period
        enterLink.close();
        closeSegment(now, System.nanoTime());
        exitLink.close();
        enterLink = null;
        exitLink = null;
        control(++generation, 0);
        end = 0;
    }

    /**
     * One stretch of counting, for tests: a call of the target entering in [{@code fromLate}, {@code toEarly})
     * was counted, one entering before {@code fromEarly} or at or after {@code toLate} was not (the clock was
     * read before and after each attach, detach or end-time write, which the kernel sees at some moment between).
     */
    record Segment(long fromEarly, long fromLate, long toEarly, long toLate) {}

    /** The stretches counted so far, closed ones. */
    synchronized List<Segment> segments() {
        return List.copyOf(segments);
    }

    private void closeSegment(long now, long nowLate) {
        if (end == 0) {
            return; // attached, not counting yet
        }
        countedNs += Math.max(0, Math.min(end, now) - segmentStart);
        if (now > end) {
            overrunNs += now - Math.max(end, segmentStart);
        }
        if (segments.size() < MAX_SEGMENTS) {
            segments.add(new Segment(segmentStart, segmentStartLate, Math.min(end, now), Math.min(end, nowLate)));
        }
    }

    private void control(int gen, long endNs) {
        ctl.update(host32(0), ByteBuffer.allocate(CTL_SIZE).order(ByteOrder.nativeOrder()).putInt(CTL_GEN, gen).putLong(CTL_END, endNs)
                .array(), BpfMap.ANY);
    }

    /** Every call counted so far: one per-CPU entry read (the duty thread asks every period). */
    private long totalCalls() {
        byte[] raw = lost.lookup(host32(0));
        return raw == null ? 0 : host(lost.sumPerCpu(raw, L_SIZE / 8)).getLong(L_CALLS);
    }

    /** Ends the window: the programs stop running. */
    void detach() {
        stopping = true;
        if (duty != null) {
            duty.interrupt();
            try {
                duty.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            duty = null;
        }
        if (windowNs == 0 && windowStart != 0) {
            windowNs = System.nanoTime() - windowStart;
        }
        off();
        if (threadExitLink != null) {
            threadExitLink.close();
            threadExitLink = null;
        }
    }

    /** Reads the counters (after {@link #detach()}, so they do not move while read), scaled up to the whole window. */
    Result read() {
        Result r = readCounted();
        return r.tracedShare() >= 1 || r.tracedShare() <= 0 ? r : r.scaled(1 / r.tracedShare());
    }

    /** The counters as counted, not scaled up by the traced share (tests: compared with calls the test made). */
    Result readCounted() {
        List<Call> calls = new ArrayList<>();
        long counted = 0;
        long timed = 0;
        for (BpfMap.Entry e : stats.entries()) {
            ByteBuffer v = host(stats.sumPerCpu(e.value(), SC_SIZE / 8));
            if (v.getLong(SC_COUNT) > 0) {
                int nr = host(e.key()).getInt(0);
                calls.add(new Call(nr, v.getLong(SC_COUNT), v.getLong(SC_NS), v.getLong(SC_ERR), v.getLong(SC_TIMED)));
                counted += v.getLong(SC_COUNT);
                timed += v.getLong(SC_TIMED);
            }
        }
        calls.sort(java.util.Comparator.comparingInt(Call::nr));
        List<Failure> failures = new ArrayList<>();
        for (BpfMap.Entry e : errnos.entries()) {
            ByteBuffer k = host(e.key());
            failures.add(new Failure(k.getInt(0), k.getInt(4), errnos.sumLong(e.value())));
        }
        List<File> out = new ArrayList<>();
        long unnamed = 0;
        for (BpfMap.Entry e : files.entries()) {
            ByteBuffer k = host(e.key());
            ByteBuffer v = host(files.sumPerCpu(e.value(), F_SIZE / 8));
            out.add(new File(k.getInt(0), k.getInt(4), v.getLong(F_BYTES) * FILE_SAMPLE,
                    v.getLong(F_NS) * FILE_SAMPLE + v.getLong(F_SYNC_NS), v.getLong(F_SYNCS),
                    names == null ? null : FileNames.path(names.lookup(e.key())), k.getLong(8)));
            unnamed += names != null && out.getLast().path() == null ? 1 : 0;
        }
        ByteBuffer l = host(lost.sumPerCpu(lost.lookup(host32(0)), L_SIZE / 8));
        long untimed = l.getLong(L_OVERWRITTEN) + l.getLong(L_SPANNED);
        // every counted call was timed, lost its time (above), ended its thread, or was still in progress
        long inProgress = Math.max(0, counted - timed - untimed - l.getLong(L_EXITED));
        double share;
        synchronized (this) {
            share = !cycled || windowNs <= 0 ? 1 : Math.min(1, countedNs / (double) windowNs);
        }
        return new Result(calls, failures, out, untimed, inProgress, l.getLong(L_FILES) + l.getLong(L_ERRNOS), share, unnamed);
    }

    @Override
    public void close() {
        detach();
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // closing a descriptor fails only when it is already closed
            }
        }
        owned.clear();
    }

    // ---- programs ----

    /**
     * The target test, first: jumps to {@code out} unless the current task is the target's. Leaves the
     * current pid_tgid in R8 (fetched here for a process target, after the test for a cgroup).
     */
    static void filter(Asm a, Filter f, Label out) {
        if (f.byTgid()) {
            a.call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R8, Reg.R0).rsh(Reg.R0, 32)
                    .jmp(JmpOp.JNE, Reg.R0, (int) f.value(), out);
        } else {
            a.call(Helper.GET_CURRENT_CGROUP_ID).ldImm64(Reg.R1, f.value()).jmp(JmpOp.JNE, Reg.R0, Reg.R1, out)
                    .call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R8, Reg.R0);
        }
    }

    /** R9 = the slot of the thread in R8 (pid_tgid); jumps to {@code out} if the lookup fails (it cannot). */
    private static void slot(Asm a, int slotsFd, Label out) {
        a.mov(Reg.R1, Reg.R8).alu64(AluOp.AND, Reg.R1, SLOTS - 1).stx(Size.W, Reg.R10, S_KEY, Reg.R1)
                .ldMapFd(Reg.R1, slotsFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out).mov(Reg.R9, Reg.R0);
    }

    /** {@code *(u64 *)(R0 + off) += 1} on a map value. */
    private static void inc(Asm a, Reg value, int off) {
        a.ldx(Size.DW, Reg.R1, value, off).add(Reg.R1, 1).stx(Size.DW, value, off, Reg.R1);
    }

    /**
     * Raw tracepoint sys_enter(struct pt_regs *regs, long id). After the target test, the end time: a call
     * entering at or after the current share's end ({@code dg_ctl}) is not counted, whenever the programs are
     * detached. A start stamp still in the slot is a counted call whose time is lost (another thread of the
     * target in the same slot, or this thread's call whose exit came while the tracing was off): counted.
     */
    static List<Insn> enterProgram(Filter f, int statsFd, int slotsFd, int ctlFd, int lostFd, int arg0, int[] rw, int[] sync) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label isRw = a.newLabel("rw");
        Label isSync = a.newLabel("sync");
        Label fd = a.newLabel("fd");
        Label stamp = a.newLabel("stamp");
        Label free = a.newLabel("slot_free");
        Label overwritten = a.newLabel("overwritten");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        a.call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, S_TS, Reg.R0)
                .ldMapValue(Reg.R1, ctlFd, 0).ldx(Size.DW, Reg.R1, Reg.R1, CTL_END).jmp(JmpOp.JGE, Reg.R0, Reg.R1, out);
        a.ldx(Size.DW, Reg.R7, Reg.R6, 8).jmp(JmpOp.JGT, Reg.R7, MAX_SYSCALLS - 1, out) // id; -1 (unsigned: huge) skipped
                .stx(Size.W, Reg.R10, S_KEY, Reg.R7)
                .ldMapFd(Reg.R1, statsFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        inc(a, Reg.R0, SC_COUNT);
        a.st(Size.W, Reg.R10, S_KEY2, 0)
                .ldMapFd(Reg.R1, lostFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        inc(a, Reg.R0, L_CALLS);
        slot(a, slotsFd, out);
        a.ldx(Size.DW, Reg.R1, Reg.R9, SLOT_TS).jmp(JmpOp.JNE, Reg.R1, 0, overwritten);
        a.bind(free).stx(Size.W, Reg.R9, SLOT_TID, Reg.R8).stx(Size.W, Reg.R9, SLOT_NR, Reg.R7).st(Size.W, Reg.R9, SLOT_KIND, 0)
                .ldMapValue(Reg.R1, ctlFd, 0).ldx(Size.W, Reg.R1, Reg.R1, CTL_GEN).stx(Size.W, Reg.R9, SLOT_GEN, Reg.R1);
        for (int nr : rw) {
            a.jmp(JmpOp.JEQ, Reg.R7, nr, isRw);
        }
        for (int nr : sync) {
            a.jmp(JmpOp.JEQ, Reg.R7, nr, isSync);
        }
        a.ja(stamp);
        a.bind(isRw).call(Helper.GET_PRANDOM_U32).alu64(AluOp.AND, Reg.R0, FILE_SAMPLE - 1).jmp(JmpOp.JNE, Reg.R0, 0, stamp)
                .st(Size.W, Reg.R9, SLOT_KIND, 1).ja(fd);
        a.bind(isSync).st(Size.W, Reg.R9, SLOT_KIND, 2);
        a.bind(fd).mov(Reg.R1, Reg.R9).add(Reg.R1, SLOT_FD).movImm(Reg.R2, 8)
                .ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, arg0).call(Helper.PROBE_READ_KERNEL);
        a.bind(stamp).ldx(Size.DW, Reg.R1, Reg.R10, S_TS).stx(Size.DW, Reg.R9, SLOT_TS, Reg.R1);
        a.bind(out).movImm(Reg.R0, 0).exit();
        // rare: count the lost start, then stamp this call as usual (R7-R9 survive the helper calls)
        a.bind(overwritten).st(Size.W, Reg.R10, S_KEY2, 0)
                .ldMapFd(Reg.R1, lostFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, free);
        inc(a, Reg.R0, L_OVERWRITTEN);
        a.ja(free);
        return a.build();
    }

    /**
     * Raw tracepoint sys_exit(struct pt_regs *regs, long ret). Timed only from this thread's start stamped in
     * this attachment; an exit with no start (its entry came before the tracing switched on, or after the end
     * time) was not counted at entry either and is skipped; a start stamped in an earlier attachment is a
     * counted call that spanned a switch-off: its time is unknown, counted as lost.
     */
    static List<Insn> exitProgram(Filter f, int statsFd, int slotsFd, int ctlFd, int errnoFd, int filesFd, int lostFd,
            FileNames naming, int nameBufFd, int namesFd) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label spanned = a.newLabel("spanned");
        Label noErr = a.newLabel("no_err");
        Label errFound = a.newLabel("errno_found");
        Label file = a.newLabel("file");
        Label fileFound = a.newLabel("file_found");
        Label rw = a.newLabel("file_rw");
        Label lostFile = a.newLabel("lost_file");
        Label lostErr = a.newLabel("lost_errno");
        Label name = a.newLabel("name");
        Label created = a.newLabel("file_created");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        slot(a, slotsFd, out);
        a.ldx(Size.W, Reg.R1, Reg.R9, SLOT_TID).jmp32(JmpOp.JNE, Reg.R1, Reg.R8, out)
                .ldx(Size.DW, Reg.R7, Reg.R9, SLOT_TS).jmp(JmpOp.JEQ, Reg.R7, 0, out)
                .st(Size.DW, Reg.R9, SLOT_TS, 0)
                .ldMapValue(Reg.R1, ctlFd, 0).ldx(Size.W, Reg.R1, Reg.R1, CTL_GEN).ldx(Size.W, Reg.R2, Reg.R9, SLOT_GEN)
                .jmp32(JmpOp.JNE, Reg.R1, Reg.R2, spanned)
                .call(Helper.KTIME_GET_NS).sub(Reg.R0, Reg.R7).mov(Reg.R7, Reg.R0) // R7 = ns in the call
                .ldx(Size.W, Reg.R1, Reg.R9, SLOT_NR).stx(Size.W, Reg.R10, S_NR, Reg.R1)
                .ldMapFd(Reg.R1, statsFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_NR).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .ldx(Size.DW, Reg.R1, Reg.R0, SC_NS).add(Reg.R1, Reg.R7).stx(Size.DW, Reg.R0, SC_NS, Reg.R1);
        inc(a, Reg.R0, SC_TIMED);
        a.ldx(Size.DW, Reg.R1, Reg.R6, 8).jmp(JmpOp.JSGE, Reg.R1, 0, noErr);
        inc(a, Reg.R0, SC_ERR);
        // failures by (nr, errno): a hash lookup only for calls that failed
        a.ldx(Size.W, Reg.R1, Reg.R10, S_NR).stx(Size.W, Reg.R10, S_KEY2, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R6, 8).neg(Reg.R1).stx(Size.W, Reg.R10, S_KEY2 + 4, Reg.R1)
                .ldMapFd(Reg.R1, errnoFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JNE, Reg.R0, 0, errFound)
                .st(Size.DW, Reg.R10, S_VAL, 1)
                .ldMapFd(Reg.R1, errnoFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).mov(Reg.R3, Reg.R10).add(Reg.R3, S_VAL)
                .movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM)
                .jmp(JmpOp.JSLT, Reg.R0, 0, lostErr).ja(noErr);
        a.bind(errFound);
        inc(a, Reg.R0, 0);
        a.bind(noErr).ldx(Size.W, Reg.R1, Reg.R9, SLOT_KIND).jmp(JmpOp.JNE, Reg.R1, 0, file).ja(out);
        // the call's file: (tgid, fd, inode number), the inode 0 without the file table's offsets
        a.bind(file).mov(Reg.R1, Reg.R8).rsh(Reg.R1, 32).stx(Size.W, Reg.R10, S_FKEY, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R9, SLOT_FD).stx(Size.W, Reg.R10, S_FKEY + 4, Reg.R1);
        if (naming != null) {
            naming.emitInode(a, Reg.R9, SLOT_FD, S_FKEY + 8);
        } else {
            a.st(Size.DW, Reg.R10, S_FKEY + 8, 0);
        }
        a.ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_FKEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JNE, Reg.R0, 0, fileFound);
        for (int off = 0; off < F_SIZE; off += 8) {
            a.st(Size.DW, Reg.R10, S_VAL + off, 0);
        }
        a.ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_FKEY).mov(Reg.R3, Reg.R10).add(Reg.R3, S_VAL)
                .movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM);
        if (naming != null) {
            a.jmp(JmpOp.JEQ, Reg.R0, 0, name); // made here, not by another CPU: name its file (once per entry)
        }
        a.bind(created).ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_FKEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, lostFile);
        a.bind(fileFound).ldx(Size.W, Reg.R1, Reg.R9, SLOT_KIND).jmp(JmpOp.JEQ, Reg.R1, 1, rw);
        inc(a, Reg.R0, F_SYNCS);
        a.ldx(Size.DW, Reg.R1, Reg.R0, F_SYNC_NS).add(Reg.R1, Reg.R7).stx(Size.DW, Reg.R0, F_SYNC_NS, Reg.R1).ja(out);
        a.bind(rw).ldx(Size.DW, Reg.R1, Reg.R0, F_NS).add(Reg.R1, Reg.R7).stx(Size.DW, Reg.R0, F_NS, Reg.R1)
                .ldx(Size.DW, Reg.R2, Reg.R6, 8).jmp(JmpOp.JSLE, Reg.R2, 0, out)
                .ldx(Size.DW, Reg.R1, Reg.R0, F_BYTES).add(Reg.R1, Reg.R2).stx(Size.DW, Reg.R0, F_BYTES, Reg.R1).ja(out);
        lostCounter(a, spanned, lostFd, L_SPANNED, out);
        lostCounter(a, lostFile, lostFd, L_FILES, out);
        lostCounter(a, lostErr, lostFd, L_ERRNOS, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        if (naming != null) {
            a.bind(name);
            naming.emit(a, nameBufFd, namesFd, Reg.R9, SLOT_FD, S_FKEY, created);
        }
        return a.build();
    }

    private static void lostCounter(Asm a, Label at, int lostFd, int off, Label out) {
        a.bind(at).st(Size.W, Reg.R10, S_KEY, 0)
                .ldMapFd(Reg.R1, lostFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        inc(a, Reg.R0, off);
        a.ja(out);
    }

    /**
     * Raw tracepoint sched_process_exit(struct task_struct *p): the exiting thread is current. Forgets its start
     * stamp; one of this attachment is a counted call the thread ended in (exit, exit_group), whose exit the
     * programs would otherwise have seen: counted, so every counted call is accounted for ({@link Result#inProgress()}).
     */
    static List<Insn> threadExitProgram(Filter f, int slotsFd, int ctlFd, int lostFd) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label ended = a.newLabel("ended");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        slot(a, slotsFd, out);
        a.ldx(Size.W, Reg.R1, Reg.R9, SLOT_TID).jmp32(JmpOp.JNE, Reg.R1, Reg.R8, out)
                .ldx(Size.DW, Reg.R1, Reg.R9, SLOT_TS).jmp(JmpOp.JEQ, Reg.R1, 0, out)
                .st(Size.DW, Reg.R9, SLOT_TS, 0)
                .ldMapValue(Reg.R1, ctlFd, 0).ldx(Size.W, Reg.R1, Reg.R1, CTL_GEN).ldx(Size.W, Reg.R2, Reg.R9, SLOT_GEN)
                .jmp32(JmpOp.JEQ, Reg.R1, Reg.R2, ended);
        lostCounter(a, a.newLabel("spanned"), lostFd, L_SPANNED, out);
        lostCounter(a, ended, lostFd, L_EXITED, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    private static int[] numbers(SyscallTable table, String... names) {
        return java.util.Arrays.stream(names).mapToInt(table::number).filter(n -> n >= 0 && n < MAX_SYSCALLS).toArray();
    }

    private <T extends AutoCloseable> T own(T r) {
        owned.add(r);
        return r;
    }

    /** A map key of 32 bits in the host's byte order, as the kernel reads map memory (DEVELOPERS.md, "Byte order"). */
    private static byte[] host32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** A map key or value read in the host's byte order. */
    private static ByteBuffer host(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }
}
