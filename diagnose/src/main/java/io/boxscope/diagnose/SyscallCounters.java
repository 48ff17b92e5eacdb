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
 *     itself is counted at entry either way.</li>
 * <li>read/write/pread64/pwrite64 are charged to their file (process, descriptor) on one call in
 *     {@link #FILE_SAMPLE}, chosen by {@code bpf_get_prandom_u32()} (so alternating reads and writes do
 *     not alias with the sampling period); their bytes and time are scaled up by that factor when read.
 *     fsync and fdatasync are rare and slow, and what the I/O-bound verdict looks at: every one is
 *     charged.</li>
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
    // lost counters: exits without their entry's slot, file table full, errno table full
    private static final int L_UNTIMED = 0, L_FILES = 8, L_ERRNOS = 16, L_SIZE = 24;

    // stack slots
    private static final int S_KEY = -8;
    private static final int S_KEY2 = -16;
    private static final int S_NR = -24;
    private static final int S_VAL = -56; // F_SIZE bytes

    /** What to count: the processes of one cgroup v2 ({@code cgroupId}) or of one process ({@code tgid}). */
    record Filter(boolean byTgid, long value) {
        static Filter cgroup(long id) {
            return new Filter(false, id);
        }

        static Filter process(int tgid) {
            return new Filter(true, tgid);
        }

        /** The same test as a probe-language predicate, for the collectors written as scripts. */
        String script() {
            return byTgid ? "pid == " + value : "cgroup == " + Long.toUnsignedString(value);
        }

        /**
         * Whether the cgroup in variable {@code var} (a {@code struct cgroup *}) is the target's, for the
         * blkcg a block request is charged to ({@link BlockRequests}): on the cgroup v2 hierarchy
         * (hierarchy_id 0, cgroups(7)) with the target's id; never for a process target ({@code 0}).
         */
        String blkcgScript(String var) {
            return byTgid ? "0" : var + "->root->hierarchy_id == 0 && " + var + "->kn->id == " + Long.toUnsignedString(value);
        }
    }

    /** One syscall's figures; {@code timedCalls} of {@code count} have their time in {@code totalNs}. */
    record Call(int nr, long count, long totalNs, long errors, long timedCalls) {}

    /** Failures of syscall {@code nr} with {@code errno}. */
    record Failure(int nr, int errno, long count) {}

    /** One (process, descriptor): bytes and time of read/write (estimated from samples), fsyncs and their time (exact). */
    record File(int pid, int fd, long bytes, long ns, long syncs) {}

    /**
     * What was counted.
     *
     * @param untimed calls whose time is unknown (their start slot was taken by another thread of the
     *                target, or the thread was there before the window opened)
     * @param lost    files and errno pairs not recorded because their table was full
     * @param tracedShare the share of the window the system calls were traced (1: all of it); the other
     *                figures are scaled up from it
     */
    record Result(List<Call> calls, List<Failure> failures, List<File> files, long untimed, long lost, double tracedShare) {
        /** Counts and times multiplied by {@code k} (figures from a share 1/k of the window, made whole). */
        Result scaled(double k) {
            return new Result(calls.stream().map(c -> new Call(c.nr(), up(c.count(), k), up(c.totalNs(), k), up(c.errors(), k),
                    up(c.timedCalls(), k))).toList(),
                    failures.stream().map(f -> new Failure(f.nr(), f.errno(), up(f.count(), k))).toList(),
                    files.stream().map(f -> new File(f.pid(), f.fd(), up(f.bytes(), k), up(f.ns(), k), up(f.syncs(), k))).toList(),
                    up(untimed, k), lost, tracedShare);
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
    private final BpfMap gen;
    private final Program enter;
    private final Program exit;
    private final Program threadExit;

    private final double budget;

    private SyscallCounters(Filter f, int arg0, SyscallTable table, double budget) {
        this.budget = budget;
        try {
            stats = own(BpfMap.create(MapSpec.of("dg_sc", MapType.PERCPU_ARRAY, 4, SC_SIZE, MAX_SYSCALLS)));
            BpfMap slots = own(BpfMap.create(MapSpec.of("dg_slots", MapType.ARRAY, 4, SLOT_SIZE, SLOTS)));
            errnos = own(BpfMap.create(MapSpec.of("dg_errno", MapType.PERCPU_HASH, 8, 8, MAX_ERRNOS)));
            files = own(BpfMap.create(MapSpec.of("dg_files", MapType.PERCPU_HASH, 8, F_SIZE, MAX_FILES)));
            lost = own(BpfMap.create(MapSpec.of("dg_lost", MapType.PERCPU_ARRAY, 4, L_SIZE, 1)));
            gen = own(BpfMap.create(MapSpec.of("dg_gen", MapType.ARRAY, 4, 8, 1)));
            int[] rw = numbers(table, "read", "write", "pread64", "pwrite64");
            int[] sync = numbers(table, "fsync", "fdatasync");
            enter = own(Program.load(ProgramSpec.of("dg_sys_enter", ProgramType.RAW_TRACEPOINT,
                    enterProgram(f, stats.fd(), slots.fd(), gen.fd(), arg0, rw, sync))));
            exit = own(Program.load(ProgramSpec.of("dg_sys_exit", ProgramType.RAW_TRACEPOINT,
                    exitProgram(f, stats.fd(), slots.fd(), gen.fd(), errnos.fd(), files.fd(), lost.fd()))));
            threadExit = own(Program.load(ProgramSpec.of("dg_task_exit", ProgramType.RAW_TRACEPOINT,
                    threadExitProgram(f, slots.fd()))));
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
        Btf btf = Btf.vmlinux(sysRoot);
        int arg0 = PtRegs.syscallArgs(btf, arch).getFirst();
        return new SyscallCounters(f, arg0, SyscallTable.of(arch), budget);
    }

    private Link threadExitLink;
    private Link exitLink;
    private Link enterLink;
    private int generation;
    private long onSince;
    private long onNs;
    private long windowStart;
    private long windowNs;
    private Thread duty;
    private volatile boolean stopping;
    private volatile boolean cycled;

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
        threadExitLink = Attach.rawTracepoint(threadExit, "sched_process_exit");
        on();
        windowStart = onSince; // the window of these figures opens when the calls start being traced
        duty = Thread.ofPlatform().daemon().name("diagnose-syscall-duty").start(() -> cycle(targetCpuNs));
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
        // This thread ends each traced share: woken late, it leaves the tracing on longer than the budget.
        // `boxscope diagnose` lowers its own priority (nice 10) to yield the CPU to its target; this
        // thread goes back to nice 0 where allowed (setpriority(2) on itself; raising a priority needs
        // CAP_SYS_NICE or RLIMIT_NICE: without, it keeps the process's value, and the traced share says
        // how long the tracing really was on). Again every period: diagnose lowers every thread's priority
        // when its window starts, after this thread was started.
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
                long tracedNow = tracedNs();
                long cpuNow = targetCpuNs.getAsLong();
                long now = System.nanoTime();
                double rate = tracedNow > traced ? (c - calls) / ((tracedNow - traced) / 1e9) : 0; // calls/s while traced
                double cpus = cpu >= 0 && cpuNow >= cpu && now > t ? (cpuNow - cpu) / (double) (now - t) : 1;
                double cost = rate * COST_NS / 1e9; // CPUs the tracing would take if always on
                double share = cost <= 0 ? 1 : Math.min(1, budget * Math.max(cpus, 0.01) / cost);
                calls = c;
                traced = tracedNow;
                cpu = cpuNow;
                t = now;
                on();
                if (share >= 1) {
                    Thread.sleep(PERIOD_MS);
                } else {
                    long onMs = Math.max(MIN_ON_MS, Math.round(share * PERIOD_MS));
                    Thread.sleep(onMs);
                    cycled = true;
                    off();
                    Thread.sleep(Math.max(0, PERIOD_MS - onMs));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** ns the system call programs have been attached so far. */
    private synchronized long tracedNs() {
        return onNs + (enterLink != null ? System.nanoTime() - onSince : 0);
    }

    private synchronized void on() {
        if (enterLink != null || stopping) {
            return;
        }
        gen.update(le32(0), java.nio.ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(++generation).array(), BpfMap.ANY);
        exitLink = Attach.rawTracepoint(exit, "sys_exit");
        enterLink = Attach.rawTracepoint(enter, "sys_enter");
        onSince = System.nanoTime();
    }

    private synchronized void off() {
        if (enterLink == null) {
            return;
        }
        onNs += System.nanoTime() - onSince; // before the close, which may wait for a grace period
        enterLink.close();
        exitLink.close();
        enterLink = null;
        exitLink = null;
    }

    private long totalCalls() {
        long n = 0;
        for (BpfMap.Entry e : stats.entries()) {
            n += le(stats.sumPerCpu(e.value(), 1)).getLong(0);
        }
        return n;
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

    /** Reads the counters (after {@link #detach()}, so they do not move while read). */
    Result read() {
        List<Call> calls = new ArrayList<>();
        for (int nr = 0; nr < MAX_SYSCALLS; nr++) {
            byte[] raw = stats.lookup(le32(nr));
            if (raw == null) {
                continue;
            }
            ByteBuffer v = le(stats.sumPerCpu(raw, SC_SIZE / 8));
            if (v.getLong(SC_COUNT) > 0) {
                calls.add(new Call(nr, v.getLong(SC_COUNT), v.getLong(SC_NS), v.getLong(SC_ERR), v.getLong(SC_TIMED)));
            }
        }
        List<Failure> failures = new ArrayList<>();
        for (BpfMap.Entry e : errnos.entries()) {
            ByteBuffer k = le(e.key());
            failures.add(new Failure(k.getInt(0), k.getInt(4), errnos.sumLong(e.value())));
        }
        List<File> out = new ArrayList<>();
        for (BpfMap.Entry e : files.entries()) {
            ByteBuffer k = le(e.key());
            ByteBuffer v = le(files.sumPerCpu(e.value(), F_SIZE / 8));
            out.add(new File(k.getInt(0), k.getInt(4), v.getLong(F_BYTES) * FILE_SAMPLE,
                    v.getLong(F_NS) * FILE_SAMPLE + v.getLong(F_SYNC_NS), v.getLong(F_SYNCS)));
        }
        ByteBuffer l = le(lost.sumPerCpu(lost.lookup(le32(0)), L_SIZE / 8));
        double share = !cycled || windowNs <= 0 ? 1 : Math.min(1, onNs / (double) windowNs);
        Result r = new Result(calls, failures, out, l.getLong(L_UNTIMED), l.getLong(L_FILES) + l.getLong(L_ERRNOS), share);
        return share >= 1 ? r : r.scaled(1 / share);
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

    /** Raw tracepoint sys_enter(struct pt_regs *regs, long id). */
    static List<Insn> enterProgram(Filter f, int statsFd, int slotsFd, int genFd, int arg0, int[] rw, int[] sync) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label isRw = a.newLabel("rw");
        Label isSync = a.newLabel("sync");
        Label fd = a.newLabel("fd");
        Label stamp = a.newLabel("stamp");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        a.ldx(Size.DW, Reg.R7, Reg.R6, 8).jmp(JmpOp.JGT, Reg.R7, MAX_SYSCALLS - 1, out) // id; -1 (unsigned: huge) skipped
                .stx(Size.W, Reg.R10, S_KEY, Reg.R7)
                .ldMapFd(Reg.R1, statsFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        inc(a, Reg.R0, SC_COUNT);
        slot(a, slotsFd, out);
        a.stx(Size.W, Reg.R9, SLOT_TID, Reg.R8).stx(Size.W, Reg.R9, SLOT_NR, Reg.R7).st(Size.W, Reg.R9, SLOT_KIND, 0)
                .ldMapValue(Reg.R1, genFd, 0).ldx(Size.W, Reg.R1, Reg.R1, 0).stx(Size.W, Reg.R9, SLOT_GEN, Reg.R1);
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
        a.bind(stamp).call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R9, SLOT_TS, Reg.R0);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /** Raw tracepoint sys_exit(struct pt_regs *regs, long ret). */
    static List<Insn> exitProgram(Filter f, int statsFd, int slotsFd, int genFd, int errnoFd, int filesFd, int lostFd) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label miss = a.newLabel("miss");
        Label noErr = a.newLabel("no_err");
        Label errFound = a.newLabel("errno_found");
        Label file = a.newLabel("file");
        Label fileFound = a.newLabel("file_found");
        Label rw = a.newLabel("file_rw");
        Label lostFile = a.newLabel("lost_file");
        Label lostErr = a.newLabel("lost_errno");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        slot(a, slotsFd, out);
        a.ldx(Size.W, Reg.R1, Reg.R9, SLOT_TID).jmp32(JmpOp.JNE, Reg.R1, Reg.R8, miss)
                .ldMapValue(Reg.R1, genFd, 0).ldx(Size.W, Reg.R1, Reg.R1, 0).ldx(Size.W, Reg.R2, Reg.R9, SLOT_GEN)
                .jmp32(JmpOp.JNE, Reg.R1, Reg.R2, miss)
                .ldx(Size.DW, Reg.R7, Reg.R9, SLOT_TS).jmp(JmpOp.JEQ, Reg.R7, 0, miss)
                .st(Size.DW, Reg.R9, SLOT_TS, 0)
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
        // the call's file: (tgid, fd)
        a.bind(file).mov(Reg.R1, Reg.R8).rsh(Reg.R1, 32).stx(Size.W, Reg.R10, S_KEY2, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R9, SLOT_FD).stx(Size.W, Reg.R10, S_KEY2 + 4, Reg.R1)
                .ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JNE, Reg.R0, 0, fileFound);
        for (int off = 0; off < F_SIZE; off += 8) {
            a.st(Size.DW, Reg.R10, S_VAL + off, 0);
        }
        a.ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).mov(Reg.R3, Reg.R10).add(Reg.R3, S_VAL)
                .movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM)
                .ldMapFd(Reg.R1, filesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY2).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, lostFile);
        a.bind(fileFound).ldx(Size.W, Reg.R1, Reg.R9, SLOT_KIND).jmp(JmpOp.JEQ, Reg.R1, 1, rw);
        inc(a, Reg.R0, F_SYNCS);
        a.ldx(Size.DW, Reg.R1, Reg.R0, F_SYNC_NS).add(Reg.R1, Reg.R7).stx(Size.DW, Reg.R0, F_SYNC_NS, Reg.R1).ja(out);
        a.bind(rw).ldx(Size.DW, Reg.R1, Reg.R0, F_NS).add(Reg.R1, Reg.R7).stx(Size.DW, Reg.R0, F_NS, Reg.R1)
                .ldx(Size.DW, Reg.R2, Reg.R6, 8).jmp(JmpOp.JSLE, Reg.R2, 0, out)
                .ldx(Size.DW, Reg.R1, Reg.R0, F_BYTES).add(Reg.R1, Reg.R2).stx(Size.DW, Reg.R0, F_BYTES, Reg.R1).ja(out);
        lostCounter(a, miss, lostFd, L_UNTIMED, out);
        lostCounter(a, lostFile, lostFd, L_FILES, out);
        lostCounter(a, lostErr, lostFd, L_ERRNOS, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    private static void lostCounter(Asm a, Label at, int lostFd, int off, Label out) {
        a.bind(at).st(Size.W, Reg.R10, S_KEY, 0)
                .ldMapFd(Reg.R1, lostFd).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        inc(a, Reg.R0, off);
        a.ja(out);
    }

    /** Raw tracepoint sched_process_exit(struct task_struct *p): the exiting thread is current. */
    static List<Insn> threadExitProgram(Filter f, int slotsFd) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1);
        filter(a, f, out);
        slot(a, slotsFd, out);
        a.ldx(Size.W, Reg.R1, Reg.R9, SLOT_TID).jmp32(JmpOp.JNE, Reg.R1, Reg.R8, out).st(Size.DW, Reg.R9, SLOT_TS, 0);
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

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }
}
