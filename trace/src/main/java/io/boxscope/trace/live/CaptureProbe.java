package io.boxscope.trace.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.DropCounter;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.ringbuf.RingBufSet;
import io.boxscope.trace.filter.KernelFilter;

/**
 * The kernel side of {@code boxscope trace}: raw tracepoints {@code sys_enter} and {@code sys_exit}
 * (one attach each, for every system call) and {@code sched_process_fork/exec/exit}, streaming
 * {@link RawRecord}s into one ring buffer per online CPU (an array of ring buffers the programs index by
 * {@code bpf_get_smp_processor_id()}, as libs' modern probe does: no ring lock or producer position shared between
 * CPUs; {@link RingBufSet} merges them by time when read), or into one shared ring where the kernel refuses an array
 * of ring buffers ({@link #ringLayout} says which). What the {@link KernelFilter} decides is decided here before any ring space is used: the
 * process and thread sets and container cgroups (map lookups), the syscall set (a per-syscall
 * configuration array whose "traced" byte is 0 for syscalls not asked for) and failed-only (exit
 * events with a negative return; enter events are then not streamed). The configuration array also
 * says, per syscall, which arguments are user strings, which buffer the caller hands in (read at
 * entry, up to the snap length) and which one the kernel fills (read at exit, up to the return value
 * and the snap length) and which is a socket address: computed from the kernel's own
 * {@code syscalls:sys_enter_*} formats ({@link SyscallConfig}).
 *
 * <p>A generic system call's short record is written in place with {@code bpf_ringbuf_reserve}/{@code submit}
 * ({@link #genericRecord}); every other record is built in a per-CPU scratch slot and copied out with {@code bpf_ringbuf_output}
 * (its length depends on the strings read); a full ring increments the drop counter of the CPU, which
 * {@link #dropsPerCpu()} reports. The tracer's own process is never traced.
 */
public final class CaptureProbe implements AutoCloseable {
    /** Longest user string (path) read; sysdig reads PATH_MAX but prints them whole rarely. */
    public static final int STR_MAX = 1024;
    /** Longest buffer read (the snap length is capped to it). */
    public static final int BLOB_MAX = 8192;
    /** Longest socket address read. */
    public static final int SOCKADDR_MAX = 128;
    /** Syscall numbers handled (every architecture in Arch stays below 1024: ArchTablesTest). */
    public static final int MAX_SYSCALLS = 1024;
    private static final int CGROUP_LEVELS = 16;
    static final int MAX_INFLIGHT = 65536;
    static final int OFF_AFTER_STRINGS = RawRecord.DATA + 2 * STR_MAX;
    static final int OFF_AFTER_BLOB = 4096 + BLOB_MAX; // OFF_AFTER_STRINGS rounded up, plus a blob
    /**
     * Most iovecs of a msghdr or of readv and the like copied (their lengths give the events' size): the driver's
     * own limit, parse_readv_writev_bufs of libs e5c53d64 (driver/ppm_events.c) copying the array into its page of
     * str_storage only while iovcnt * 16 &lt; STR_STORAGE_SIZE (4,096); more are counted by
     * {@link EventBuilder#truncatedLists} (the driver loses such an event whole).
     */
    static final int IOV_MAX = 255;
    /** Where the data slot of a msghdr or readv and the like starts at most: after the strings' slot 0 and the iovecs. */
    static final int OFF_AFTER_IOVS = RawRecord.DATA + STR_MAX + IOV_MAX * 16;
    /** Room for the data slot of readv and the like at its verifier bound (after the iovecs, 2 snap lengths). */
    static final int VALUE_SIZE = Math.max(OFF_AFTER_BLOB + SOCKADDR_MAX, OFF_AFTER_IOVS + 2 * BLOB_MAX);

    // stack slots (negative offsets from R10)
    static final int S_OFF = -8;
    static final int S_KEY = -16;
    static final int S_CFG = -96;    // 16 bytes: -96 .. -81
    static final int S_SRC = -104;   // an address to read from
    private static final int S_FD = -112;    // a file descriptor to look up
    static final int S_MSG = -168;   // a struct user_msghdr (56 bytes on LP64)
    static final int S_IOV = -184;   // a struct iovec
    private static final int S_MAXFDS = -192; // fdtable.max_fds of the task being looked at (u32)
    /** Size of the socket endpoints record (slot 0 of an exit): see {@link #socketInfo}. */
    static final int SOCK_INFO = 56;
    /** Longest unix socket path (UNIX_PATH_MAX, include/uapi/linux/un.h). */
    static final int UNIX_PATH = 108;
    /** Size of a unix socket's endpoints record: {@link #SOCK_INFO} then the local and the peer path. */
    static final int SOCK_INFO_UNIX = SOCK_INFO + 2 * UNIX_PATH;
    private static final int S_CPU = -28;
    private static final int S_RING = -24;   // u32: the CPU whose ring is looked up in the array of rings
    private static final int S_TID = -32;
    static final int S_LEN = -40;
    static final int S_RET = -48;
    private static final int S_DROP = -52;
    private static final int S_SK = -64;     // a unix socket's struct sock *
    static final int S_REM = -72;    // readv and the like: bytes still to copy
    static final int S_TOT = -80;    // readv and the like: bytes copied
    static final int S_SLOT = -200;  // readv and the like: the data slot's offset
    static final int S_IDX = -208;
    /**
     * Most iovecs of readv, writev, preadv, pwritev whose buffers are copied (merged, up to the snap length) at the exit:
     * the verifier walks the copy loop once per turn on each of the paths that reach it, so the bound is its cost
     * (trace_exit's verified instructions, LiveWriteIovecTest); a copy the bound cut short is counted by
     * {@link EventBuilder#truncatedLists}.
     */
    static final int IOV_COPY = 96;   // readv and the like: the iovec being copied

    /** What the probe needs to know. */
    public record Options(KernelFilter filter, int snapLen, long selfPid, int ringBytes, byte[] syscallConfig,
                          List<Integer> regsArgs, int regsSyscallNr, int taskPid, int taskTgid, FdOffsets fdOffsets,
                          SchedPrograms.TaskCgroup taskCgroup) {}

    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The shared ring, or the array of per-CPU rings the programs index by CPU. */
    private final BpfMap ring;
    /** How the records reach user space: {@link #ringLayout}. */
    private final String ringLayout;
    /** Drops of system call records (enter, exit). */
    private final DropCounter drops;
    /** Drops of process records (fork, exec, exit), counted apart: their number depends on the whole host. */
    private final DropCounter procDrops;
    private final RingBufSet rings;
    /** The system call programs are tp_btf (typed pt_regs, plain loads) rather than raw tracepoints. */
    private final boolean btfRegs;
    /** Why the exec program was loaded without its path walk (and maybe its environment): {@link #execFallback}. */
    private final String execFallback;

    public CaptureProbe(Options o) {
        try {
            List<RingBufReader> readers = new ArrayList<>();
            io.boxscope.bpf.feature.Support perCpu = io.boxscope.bpf.feature.Features.ringBufArray();
            if (perCpu.isSupported()) {
                List<Integer> online = io.boxscope.bpf.sys.Cpus.online();
                int each = perCpuRingBytes(o.ringBytes(), online.size());
                List<BpfMap> inner = new ArrayList<>();
                for (int cpu : online) {
                    inner.add(own(BpfMap.create(MapSpec.ringBuffer("trace_ev" + cpu, each))));
                }
                ring = own(BpfMap.createOuter("trace_rings", io.boxscope.bpf.sys.Cpus.possible(), inner.getFirst()));
                for (int i = 0; i < online.size(); i++) {
                    ring.setInner(online.get(i), inner.get(i));
                    readers.add(own(new RingBufReader(inner.get(i))));
                }
                ringLayout = "rings: one per CPU, " + online.size() + " x " + (each >> 20 > 0 ? (each >> 20) + " MiB" : (each >> 10) + " KiB")
                        + " (an array of ring buffers indexed by CPU; records merged by time when read)";
            } else {
                ring = own(BpfMap.create(MapSpec.ringBuffer("trace_events", o.ringBytes())));
                readers.add(own(new RingBufReader(ring)));
                ringLayout = "rings: one shared ring of " + (o.ringBytes() >> 20) + " MiB (per-CPU rings refused here: "
                        + perCpu + ")";
            }
            drops = own(new DropCounter("trace_drops"));
            procDrops = own(new DropCounter("trace_pdrops"));
            int cpus = io.boxscope.bpf.sys.Cpus.possible();
            BpfMap scratch = own(BpfMap.create(MapSpec.of("trace_scratch", MapType.ARRAY, 4, VALUE_SIZE, cpus)));
            BpfMap config = configMap(o.syscallConfig(), resources);
            BpfMap inflight = own(BpfMap.create(MapSpec.of("trace_inflight", MapType.LRU_HASH, 4, 48, MAX_INFLIGHT)));
            Maps m = Maps.withSets(ring, drops, scratch, config, inflight, o.filter(), resources);
            // tp_btf where the kernel has it: the pt_regs pointer is then typed, and the syscall number and
            // arguments are plain loads instead of a bpf_probe_read_kernel call per record (what libs' modern
            // probe does, driver/modern_bpf: SEC("tp_btf/sys_enter")); raw tracepoints otherwise
            Program[] sys = null;
            if (io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.TP_BTF).isSupported()) {
                sys = syscallPrograms(o, m, true);
            }
            btfRegs = sys != null;
            if (sys == null) {
                sys = syscallPrograms(o, m, false);
            }
            Program enter = own(sys[0]);
            Program exit = own(sys[1]);
            Maps pm = new Maps(ring, procDrops, scratch, config, inflight, m.pids(), m.tids(), m.cgroups());
            Program fork = own(Program.load(ProgramSpec.of("trace_fork", ProgramType.RAW_TRACEPOINT,
                    SchedPrograms.program(o, pm, RawRecord.FORK))));
            SchedPrograms.Exec loaded = SchedPrograms.exec(o, pm);
            Program exec = own(loaded.program());
            execFallback = loaded.fallback();
            Program pexit = own(Program.load(ProgramSpec.of("trace_pexit", ProgramType.RAW_TRACEPOINT,
                    SchedPrograms.program(o, pm, RawRecord.PROCEXIT))));
            rings = new RingBufSet(readers, RawRecord.TS);
            // process events first, so no syscall of a new process comes before its fork
            own(Attach.rawTracepoint(fork, "sched_process_fork"));
            own(Attach.rawTracepoint(exec, "sched_process_exec"));
            own(Attach.rawTracepoint(pexit, "sched_process_exit"));
            own(btfRegs ? Attach.tracing(exit) : Attach.rawTracepoint(exit, "sys_exit"));
            own(btfRegs ? Attach.tracing(enter) : Attach.rawTracepoint(enter, "sys_enter"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The sys_enter and sys_exit programs, as tp_btf ({@code btf}) or raw tracepoints; null when the tp_btf
     * pair does not load (a kernel whose tp_btf programs lack a helper the raw ones have: the caller falls
     * back to raw tracepoints, which need nothing BTF gives).
     */
    private static Program[] syscallPrograms(Options o, Maps m, boolean btf) {
        Program enter = null;
        try {
            enter = Program.load(syscallSpec("trace_enter", "sys_enter", enterProgram(o, m, btf), btf));
            return new Program[] {enter, Program.load(syscallSpec("trace_exit", "sys_exit", exitProgram(o, m, btf), btf))};
        } catch (io.boxscope.bpf.prog.VerifierException e) {
            if (enter != null) {
                closeQuietly(enter);
            }
            if (btf) {
                return null;
            }
            throw e;
        }
    }

    private static ProgramSpec syscallSpec(String name, String tracepoint, List<Insn> insns, boolean btf) {
        return btf ? ProgramSpec.tpBtf(name, insns, io.boxscope.bpf.prog.AttachTargets.rawTracepoint(tracepoint))
                : ProgramSpec.of(name, ProgramType.RAW_TRACEPOINT, insns);
    }

    /**
     * Null when the exec program was loaded whole; else one line: what was left out of it because the kernel's
     * verifier refused it ({@link SchedPrograms#exec}), and the verifier's words.
     */
    public String execFallback() {
        return execFallback;
    }

    /** Whether the system call programs are tp_btf (typed pt_regs, plain loads) rather than raw tracepoints. */
    public boolean typedRegs() {
        return btfRegs;
    }

    /** The maps the programs use; the ones a program does not need may be null (the pid, tid and cgroup sets: no check). */
    record Maps(BpfMap ring, DropCounter drops, BpfMap scratch, BpfMap config, BpfMap inflight,
                        BpfMap pids, BpfMap tids, BpfMap cgroups) {
        /**
         * These maps with the pid, tid and cgroup sets of {@code filter} that {@link #prologue} checks, made
         * here and owned by {@code owner}: the one set-up of the filter's sets, for the capture and for
         * {@link CountProbe}.
         */
        static Maps withSets(BpfMap ring, DropCounter drops, BpfMap scratch, BpfMap config, BpfMap inflight,
                             KernelFilter filter, List<AutoCloseable> owner) {
            return new Maps(ring, drops, scratch, config, inflight, set(filter.pids(), "trace_pids", 4, owner),
                    set(filter.tids(), "trace_tids", 4, owner), set(filter.cgroupIds(), "trace_cgroups", 8, owner));
        }
    }

    /** The per-syscall configuration array ({@link SyscallConfig}), owned by {@code owner}. */
    static BpfMap configMap(byte[] syscallConfig, List<AutoCloseable> owner) {
        BpfMap config = BpfMap.create(MapSpec.of("trace_sysconf", MapType.ARRAY, 4, SyscallConfig.SIZE, MAX_SYSCALLS));
        owner.add(config);
        for (int nr = 0; nr < MAX_SYSCALLS; nr++) {
            byte[] v = new byte[SyscallConfig.SIZE];
            System.arraycopy(syscallConfig, nr * SyscallConfig.SIZE, v, 0, SyscallConfig.SIZE);
            if (v[0] != 0) {
                config.update(host32(nr), v, BpfMap.ANY);
            }
        }
        return config;
    }

    /** A hash set of {@code values} (null: no set, the check is skipped). */
    private static BpfMap set(java.util.Set<Long> values, String name, int keySize, List<AutoCloseable> owner) {
        if (values == null) {
            return null;
        }
        BpfMap m = BpfMap.create(MapSpec.of(name, MapType.HASH, keySize, 1, Math.max(1, values.size())));
        owner.add(m);
        for (long v : values) {
            m.update(keySize == 4 ? host32((int) v) : host64(v), new byte[] {1}, BpfMap.ANY);
        }
        return m;
    }

    private <T extends AutoCloseable> T own(T r) {
        resources.add(r);
        return r;
    }

    /**
     * Runs of the capture's programs the kernel skipped since they were loaded (recursion_misses: a raw
     * tracepoint program re-entered on a CPU, e.g. sys_enter from an interrupt during its run): those
     * system calls are missing from the capture.
     */
    public long skipped() {
        return skippedRuns(resources);
    }

    /** The kernel's skipped runs (recursion_misses) of the programs among {@code resources}. */
    static long skippedRuns(List<AutoCloseable> resources) {
        List<Program> programs = new ArrayList<>();
        for (AutoCloseable r : resources) {
            if (r instanceof Program p) {
                programs.add(p);
            }
        }
        return io.boxscope.bpf.prog.ProgramInfo.skippedRuns(programs);
    }

    /** The rings to drain: one shared ring, or one per online CPU merged by the records' time. */
    public RingBufSet rings() {
        return rings;
    }

    /**
     * One line for {@code -v}: one ring per CPU (and their size), or one shared ring and why the per-CPU rings were
     * not made (the kernel refused an array of ring buffers: {@link io.boxscope.bpf.feature.Features#ringBufArray}).
     */
    public String ringLayout() {
        return ringLayout;
    }

    /**
     * Each CPU's ring when {@code totalBytes} are shared out over {@code cpus} rings: the largest power of two (a ring
     * buffer's size must be one) not above the share, at least one page. The default total is sysdig's 8 MiB per
     * CPU ({@link LiveCapture#defaultRingBytes}), so each CPU gets libscap's DEFAULT_DRIVER_BUFFER_BYTES_DIM, as
     * libs' modern probe sizes its per-CPU rings (on 2 CPUs; on more, where the total is rounded up to a power of
     * two or capped at 1 GiB, a share is 8 MiB or less).
     */
    static int perCpuRingBytes(int totalBytes, int cpus) {
        int page = (int) io.boxscope.bpf.sys.Sys.pageSize();
        int share = Math.max(page, totalBytes / Math.max(1, cpus));
        return Math.max(page, Integer.highestOneBit(share));
    }

    /** Records lost because the ring was full, per possible CPU: system call and process records. */
    public long[] dropsPerCpu() {
        long[] out = perCpu(drops);
        long[] p = perCpu(procDrops);
        for (int c = 0; c < out.length; c++) {
            out[c] += p[c];
        }
        return out;
    }

    /** System call records (enter and exit) lost because the ring was full, all CPUs. */
    public long syscallDrops() {
        long n = 0;
        for (long d : perCpu(drops)) {
            n += d;
        }
        return n;
    }

    private static long[] perCpu(DropCounter counter) {
        byte[] v = counter.map().lookup(new byte[4]);
        int cpus = io.boxscope.bpf.sys.Cpus.possible();
        long[] out = new long[cpus];
        if (v != null) {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            int stride = counter.map().perCpuStride();
            for (int c = 0; c < cpus && (c + 1) * stride <= v.length; c++) {
                out[c] = b.getLong(c * stride);
            }
        }
        return out;
    }

    // ---- programs ----

    /** Common prologue: R6 = ctx, R7 = pid_tgid; skips the tracer itself and what the sets exclude. */
    static void prologue(Asm a, Options o, Maps m, Label out, boolean filter) {
        prologue(a, o.selfPid(), m, out, filter);
    }

    /** The prologue for any program of the capture's filter (also {@link CountProbe}'s). */
    static void prologue(Asm a, long selfPid, Maps m, Label out, boolean filter) {
        a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R7, Reg.R0)
                .mov(Reg.R1, Reg.R7).rsh(Reg.R1, 32).jmp32(JmpOp.JEQ, Reg.R1, (int) selfPid, out);
        if (!filter) {
            return;
        }
        if (m.pids() != null) {
            a.mov(Reg.R1, Reg.R7).rsh(Reg.R1, 32).stx(Size.W, Reg.R10, S_KEY, Reg.R1);
            lookupOrOut(a, m.pids(), S_KEY, out);
        }
        if (m.tids() != null) {
            a.stx(Size.W, Reg.R10, S_KEY, Reg.R7);
            lookupOrOut(a, m.tids(), S_KEY, out);
        }
        if (m.cgroups() != null) {
            Label pass = a.newLabel("cgroup_pass");
            a.call(Helper.GET_CURRENT_CGROUP_ID).stx(Size.DW, Reg.R10, S_KEY, Reg.R0)
                    .ldMapFd(Reg.R1, m.cgroups().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY)
                    .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JNE, Reg.R0, 0, pass);
            for (int level = 1; level < CGROUP_LEVELS; level++) {
                a.movImm(Reg.R1, level).call(Helper.GET_CURRENT_ANCESTOR_CGROUP_ID)
                        .jmp(JmpOp.JEQ, Reg.R0, 0, out) // deeper than the task's cgroup: no match
                        .stx(Size.DW, Reg.R10, S_KEY, Reg.R0)
                        .ldMapFd(Reg.R1, m.cgroups().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_KEY)
                        .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JNE, Reg.R0, 0, pass);
            }
            a.ja(out).bind(pass);
        }
    }

    static void lookupOrOut(Asm a, BpfMap map, int keySlot, Label out) {
        a.ldMapFd(Reg.R1, map.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, keySlot)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out);
    }

    /** R8 holds the syscall number: copies its configuration to S_CFG, or jumps out when not traced. */
    static void config(Asm a, Maps m, Label out) {
        a.jmp(JmpOp.JSLT, Reg.R8, 0, out).jmp(JmpOp.JGT, Reg.R8, MAX_SYSCALLS - 1, out)
                .stx(Size.W, Reg.R10, S_KEY, Reg.R8);
        lookupOrOut(a, m.config(), S_KEY, out);
        a.ldx(Size.DW, Reg.R1, Reg.R0, 0).stx(Size.DW, Reg.R10, S_CFG, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R0, 8).stx(Size.DW, Reg.R10, S_CFG + 8, Reg.R1)
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG).jmp(JmpOp.JEQ, Reg.R1, 0, out);
    }

    /** R9 = this CPU's scratch record; writes kind, cpu, timestamp, pid_tgid; zeroes ret and lengths. */
    static void header(Asm a, Maps m, int kind, Label out) {
        a.call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, S_CPU, Reg.R0);
        lookupOrOut(a, m.scratch(), S_CPU, out);
        a.mov(Reg.R9, Reg.R0).st(Size.H, Reg.R9, RawRecord.KIND, kind).st(Size.H, Reg.R9, RawRecord.SHORT_ID, 0)
                .ldx(Size.W, Reg.R1, Reg.R10, S_CPU).stx(Size.W, Reg.R9, RawRecord.CPU, Reg.R1)
                .call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R9, RawRecord.TS, Reg.R0)
                .stx(Size.DW, Reg.R9, RawRecord.PID_TGID, Reg.R7)
                .st(Size.DW, Reg.R9, RawRecord.RET, 0)
                .st(Size.DW, Reg.R9, RawRecord.LENS, 0)
                .st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA);
    }

    /** Copies the record (S_OFF bytes) to the ring; a full ring counts a drop on this CPU. */
    static void output(Asm a, Maps m, Label out) {
        Label done = a.newLabel("sent");
        ringOrDrop(a, m, out);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_OFF).jmp(JmpOp.JGT, Reg.R3, VALUE_SIZE, out)
                .mov(Reg.R2, Reg.R9).movImm(Reg.R4, RingBufReader.BPF_RB_NO_WAKEUP)
                .call(Helper.RINGBUF_OUTPUT).jmp(JmpOp.JEQ, Reg.R0, 0, done);
        m.drops().emitIncrement(a, S_DROP);
        a.bind(done);
    }

    /** Whether the programs write into one ring per CPU, looked up in the array {@link Maps#ring} by CPU. */
    private static boolean perCpuRings(Maps m) {
        return m.ring().type() == MapType.ARRAY_OF_MAPS;
    }

    /**
     * R1 = the ring this CPU writes to: the shared ring, or this CPU's from the array of rings (the CPU number is left
     * at {@link #S_RING}; the program cannot migrate while it runs). A CPU without a ring (one that came online after
     * the capture started) counts a drop on this CPU and goes to {@code out}, so read + dropped = produced still holds.
     * Clobbers R0–R5.
     */
    private static void ringOrDrop(Asm a, Maps m, Label out) {
        if (!perCpuRings(m)) {
            a.ldMapFd(Reg.R1, m.ring().fd());
            return;
        }
        Label found = a.newLabel("ring_found");
        a.call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, S_RING, Reg.R0)
                .ldMapFd(Reg.R1, m.ring().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_RING)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JNE, Reg.R0, 0, found);
        m.drops().emitIncrement(a, S_DROP);
        a.ja(out).bind(found).mov(Reg.R1, Reg.R0);
    }

    /** R1 = args[cfg byte - 1] of the record (cfg byte in R1 on entry, non-zero). */
    static void argOfCfg(Asm a, Reg cfgAndResult) {
        a.add(cfgAndResult, -1).alu64(AluOp.AND, cfgAndResult, 7).lsh(cfgAndResult, 3)
                .add(cfgAndResult, Reg.R9).ldx(Size.DW, cfgAndResult, cfgAndResult, RawRecord.ARGS);
    }

    /** Reads the user string named by configuration byte {@code cfgByte} into the record. */
    private static void string(Asm a, int cfgByte, int slot, int maxOff) {
        Label skip = a.newLabel("str_skip");
        Label ok = a.newLabel("str_ok");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + cfgByte).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        argOfCfg(a, Reg.R3);
        a.ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, skip)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).movImm(Reg.R2, STR_MAX)
                .call(Helper.PROBE_READ_USER_STR)
                .jmp(JmpOp.JSGT, Reg.R0, 0, ok).movImm(Reg.R0, 0).bind(ok)
                .jmp(JmpOp.JGT, Reg.R0, STR_MAX, skip)
                .stx(Size.H, Reg.R9, RawRecord.LENS + 2 * slot, Reg.R0)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).add(Reg.R4, Reg.R0).stx(Size.DW, Reg.R10, S_OFF, Reg.R4)
                .bind(skip);
    }

    /**
     * Copies the six syscall arguments from the {@code struct pt_regs} in ctx->args[0] to the record: with a
     * typed pointer (tp_btf, {@code btf}) six plain loads, which the verifier makes fault-safe; otherwise one
     * bpf_probe_read_kernel of the span holding them (into the data area, not yet used), then six moves.
     */
    private static void arguments(Asm a, Options o, boolean btf) {
        if (btf) {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0);
            for (int i = 0; i < 6; i++) {
                a.ldx(Size.DW, Reg.R1, Reg.R3, o.regsArgs().get(i)).stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
            }
            return;
        }
        int lo = o.regsArgs().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int hi = o.regsArgs().stream().mapToInt(Integer::intValue).max().orElseThrow() + 8;
        a.ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, lo)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.DATA).movImm(Reg.R2, hi - lo)
                .call(Helper.PROBE_READ_KERNEL);
        for (int i = 0; i < 6; i++) {
            a.ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.DATA + o.regsArgs().get(i) - lo)
                    .stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
        }
    }

    /** Jumps to {@code generic} for a system call without events of its own ({@link SyscallConfig#DECODED} clear). */
    private static void genericOr(Asm a, Label generic) {
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.DECODED)
                .jmp(JmpOp.JEQ, Reg.R1, 0, generic);
    }

    /**
     * A generic system call's record (its events carry only its number): {@link RawRecord#GENERIC_SIZE} bytes
     * (u16 kind, u16 number, u32 CPU, u64 time, u64 pid_tgid) written in place in the ring with
     * {@code bpf_ringbuf_reserve} and {@code bpf_ringbuf_submit}, as libs' modern probe writes its events
     * (driver/modern_bpf: reserve the exact size, fill, submit with BPF_RB_NO_WAKEUP), with no scratch record,
     * argument read, return value or lengths; R8 holds the number (below {@link #MAX_SYSCALLS}, {@link #config}).
     * 32 bytes of ring with its header. Reserving instead of building the record on the stack and copying it
     * with {@code bpf_ringbuf_output} cost 20–90 ns less per system call (both programs, bpf_stats, getppid loop,
     * docs/benchmarks.md "trace: where a generic system call's kernel time goes"). The time is read before the
     * reservation, as before: a record's time is never later than the records reserved after it on its CPU.
     */
    private static void genericRecord(Asm a, Maps m, int kind, Label out) {
        Label reserved = a.newLabel("gen_reserved");
        a.call(Helper.KTIME_GET_NS).mov(Reg.R9, Reg.R0);
        ringOrDrop(a, m, out);
        a.movImm(Reg.R2, RawRecord.GENERIC_SIZE).movImm(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE).jmp(JmpOp.JNE, Reg.R0, 0, reserved);
        m.drops().emitIncrement(a, S_DROP);
        a.ja(out).bind(reserved)
                .st(Size.H, Reg.R0, RawRecord.KIND, kind).stx(Size.H, Reg.R0, RawRecord.SHORT_ID, Reg.R8)
                .stx(Size.DW, Reg.R0, RawRecord.TS, Reg.R9).stx(Size.DW, Reg.R0, RawRecord.PID_TGID, Reg.R7);
        if (perCpuRings(m)) {
            // the CPU number the ring was looked up by: no second helper call
            a.ldx(Size.W, Reg.R1, Reg.R10, S_RING).stx(Size.W, Reg.R0, RawRecord.CPU, Reg.R1).mov(Reg.R1, Reg.R0);
        } else {
            a.mov(Reg.R9, Reg.R0).call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R9, RawRecord.CPU, Reg.R0)
                    .mov(Reg.R1, Reg.R9);
        }
        a.movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT).ja(out);
    }

    /** sys_enter; {@code btf}: loaded as tp_btf (ctx->args[0] a typed {@code struct pt_regs *}). */
    static List<Insn> enterProgram(Options o, Maps m, boolean btf) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label noInflight = a.newLabel("no_inflight");
        Label generic = a.newLabel("generic");
        prologue(a, o, m, out, true);
        a.ldx(Size.DW, Reg.R8, Reg.R6, 8); // ctx->args[1]: the syscall number
        config(a, m, out);
        genericOr(a, generic);
        header(a, m, RawRecord.ENTER, out);
        a.stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R8);
        arguments(a, o, btf);
        // the kernel fills a buffer (or, failed-only, the exit reports everything): keep the arguments for the exit
        if (!o.filter().failedOnly()) {
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.KEEP_ARGS).jmp(JmpOp.JEQ, Reg.R1, 0, noInflight);
        }
        a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                .mov(Reg.R3, Reg.R9).add(Reg.R3, RawRecord.ARGS).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                .bind(noInflight);
        io.boxscope.bpf.syscalls.SyscallTable names = io.boxscope.bpf.syscalls.SyscallTable.current();
        int execve = names.number("execve");
        int execveat = names.number("execveat");
        if (o.filter().failedOnly()) {
            // only failed exits are wanted: the exit reads the strings, from the arguments kept here; but an exec's
            // entry carries the caller's argv and envp, which a failed exec's exit event is made of (ExecArgv; the
            // entry event itself is left out by the filter in Java); and the entry of a call that builds state
            // (SyscallConfig.STATE_CALL) goes out whole, state-only: its exit event is made with it (connect's
            // destination, socket's domain) and sinsp names a failed open's fd from it
            Label stateEntry = a.newLabel("state_entry");
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STATE_CALL)
                    .jmp(JmpOp.JNE, Reg.R1, 0, stateEntry);
            ExecArgv.onlyExec(a, execve, execveat, out);
            ExecArgv.emit(a, execve, execveat, o.fdOffsets() != null ? o.fdOffsets().mm() : null);
            output(a, m, out);
            a.ja(out).bind(stateEntry).st(Size.H, Reg.R9, RawRecord.KIND, RawRecord.ENTER | RawRecord.STATE_FLAG);
        } else {
            stateFlag(a, RawRecord.ENTER);
        }
        string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
        string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
        ExecArgv.emit(a, execve, execveat, o.fdOffsets() != null ? o.fdOffsets().mm() : null);
        // a small struct behind OUT_ADDR with a constant OUT_ADDRLEN, at the entry (ppoll's sigmask): slot 1
        UserBuffers.blob(a, SyscallConfig.OUT_ADDR, SyscallConfig.OUT_ADDRLEN, false, true, 0, 1, RawRecord.DATA + STR_MAX);
        if (o.fdOffsets() != null) {
            socketInfo(a, o.fdOffsets(), true);
        }
        UserBuffers.msghdr(a, SyscallConfig.MSGHDR_IN, false, Math.min(o.snapLen(), BLOB_MAX), null);
        UserBuffers.blob(a, SyscallConfig.IN_BUF, SyscallConfig.IN_LEN, false, false, Math.min(o.snapLen(), BLOB_MAX), 2, OFF_AFTER_STRINGS);
        UserBuffers.blob(a, SyscallConfig.SOCKADDR, SyscallConfig.SOCKADDR_LEN, false, false, SOCKADDR_MAX, 3, OFF_AFTER_BLOB);
        output(a, m, out);
        a.ja(out).bind(generic);
        if (!o.filter().failedOnly()) { // failed-only: a generic call's entry is no event of the capture
            genericRecord(a, m, RawRecord.ENTER, out);
        }
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /**
     * Flags the record in R9 state-only ({@link RawRecord#STATE_FLAG}) when its call is outside the pushed-down syscall
     * set and configured only because it builds state ({@link SyscallConfig#OUTSIDE}).
     */
    private static void stateFlag(Asm a, int kind) {
        Label inside = a.newLabel("inside_set");
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.OUTSIDE)
                .jmp(JmpOp.JEQ, Reg.R1, 0, inside)
                .st(Size.H, Reg.R9, RawRecord.KIND, kind | RawRecord.STATE_FLAG).bind(inside);
    }

    /** sys_exit; {@code btf}: loaded as tp_btf (ctx->args[0] a typed {@code struct pt_regs *}). */
    static List<Insn> exitProgram(Options o, Maps m, boolean btf) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label noArgs = a.newLabel("no_args");
        Label generic = a.newLabel("generic");
        prologue(a, o, m, out, true);
        if (btf) {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0).ldx(Size.DW, Reg.R8, Reg.R3, o.regsSyscallNr());
        } else {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, o.regsSyscallNr())
                    .mov(Reg.R1, Reg.R10).add(Reg.R1, S_KEY).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                    .ldx(Size.DW, Reg.R8, Reg.R10, S_KEY);
        }
        config(a, m, out);
        a.ldx(Size.DW, Reg.R1, Reg.R6, 8).stx(Size.DW, Reg.R10, S_RET, Reg.R1); // ctx->args[1]: the return value
        genericOr(a, generic);
        header(a, m, RawRecord.EXIT, out);
        a.stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R8).ldx(Size.DW, Reg.R1, Reg.R10, S_RET)
                .stx(Size.DW, Reg.R9, RawRecord.RET, Reg.R1);
        arguments(a, o, btf); // still in pt_regs at exit: an exit whose entry was not streamed has them too
        if (!o.filter().failedOnly()) {
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.KEEP_ARGS).jmp(JmpOp.JEQ, Reg.R1, 0, noArgs);
        }
        a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, noArgs);
        for (int i = 0; i < 6; i++) {
            a.ldx(Size.DW, Reg.R1, Reg.R0, 8 * i).stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
        }
        a.ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID).call(Helper.MAP_DELETE_ELEM)
                .bind(noArgs);
        stateFlag(a, RawRecord.EXIT);
        if (o.filter().failedOnly()) {
            // a successful exit: out, unless the call builds state (SyscallConfig.STATE_CALL): then state-only
            Label failed = a.newLabel("exit_failed");
            a.ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSLT, Reg.R1, 0, failed)
                    .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STATE_CALL)
                    .jmp(JmpOp.JEQ, Reg.R1, 0, out)
                    .st(Size.H, Reg.R9, RawRecord.KIND, RawRecord.EXIT | RawRecord.STATE_FLAG).bind(failed);
            string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
            string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
        } else {
            // open, openat...: the paths again at the exit (SyscallConfig.STR_EXIT), whose event carries them
            Label noPath = a.newLabel("no_exit_path");
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STR_EXIT)
                    .jmp(JmpOp.JEQ, Reg.R1, 0, noPath);
            string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
            // and the second one (rename, link, symlink...: the driver reads both at the exit); none configured: no read
            string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
            a.bind(noPath);
        }
        if (o.fdOffsets() != null) {
            socketInfo(a, o.fdOffsets(), false);
            pipeFds(a, o.fdOffsets());
            if (o.fdOffsets().mm() != null) {
                mmCounters(a, o.fdOffsets().mm());
            }
        }
        // readv and the like end their reads there (nothing else configured): the verifier then walks their
        // iovec loop's exits once, not once more through every path of the reads below
        Label iovDone = a.newLabel("iov_done");
        UserBuffers.msghdr(a, SyscallConfig.MSGHDR_OUT, true, Math.min(o.snapLen(), BLOB_MAX), iovDone);
        UserBuffers.blob(a, SyscallConfig.OUT_BUF, SyscallConfig.IN_LEN, true, false, Math.min(o.snapLen(), BLOB_MAX), 2, OFF_AFTER_STRINGS);
        outAddr(a, Math.min(o.snapLen(), BLOB_MAX));
        a.bind(iovDone);
        output(a, m, out);
        a.ja(out).bind(generic);
        if (o.filter().failedOnly()) {
            a.ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSGE, Reg.R1, 0, out);
        }
        genericRecord(a, m, RawRecord.EXIT, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /**
     * Reads {@code S_LEN} bytes (at most {@code cap}; none when 0) from the address in {@code S_SRC}, user or
     * kernel memory, into data slot {@code slot} at the record's current end.
     */
    static void readSlot(Asm a, Helper read, int cap, int slot, int maxOff, Label skip) {
        a.ldx(Size.DW, Reg.R2, Reg.R10, S_LEN).jmp(JmpOp.JEQ, Reg.R2, 0, skip).jmp(JmpOp.JGT, Reg.R2, cap, skip)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, skip)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).ldx(Size.DW, Reg.R3, Reg.R10, S_SRC)
                .call(read).jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .ldx(Size.DW, Reg.R2, Reg.R10, S_LEN).stx(Size.H, Reg.R9, RawRecord.LENS + 2 * slot, Reg.R2)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).add(Reg.R4, Reg.R2).stx(Size.DW, Reg.R10, S_OFF, Reg.R4);
    }

    /** R2 = min(R2, cap) (unsigned). */
    static void cap(Asm a, int cap) {
        Label ok = a.newLabel("capped");
        a.jmp(JmpOp.JLE, Reg.R2, cap, ok).movImm(Reg.R2, cap).bind(ok);
    }

    /** Replaces the pointer in S_SRC by the pointer stored {@code off} bytes into what it points to (kernel memory). */
    static void chase(Asm a, int off, Label skip) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, S_SRC).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip);
    }

    /**
     * S_SRC = the {@code struct file *} of fd S_FD of the current task (current->files->fdt->fd[fd]), or skip;
     * an fd at or beyond {@code fdt->max_fds} is not in the table (the kernel's files_lookup_fd_raw checks the
     * same), and reading past the array would name another file or garbage.
     */
    private static void fileOfFd(Asm a, FdOffsets k, Label skip) {
        new FdWalk(k.taskFiles(), k.filesFdt(), k.fdtableMaxFds(), k.fdtableFd()).emit(a, S_SRC, S_FD, S_MAXFDS, skip);
    }

    /** Reads {@code size} bytes at S_SRC + {@code off} (kernel memory) to the record at {@code dst}; a failed read leaves zeros. */
    static void field(Asm a, int off, int size, int dst) {
        if (off < 0) {
            return;
        }
        a.mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, size)
                .ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).add(Reg.R3, off).call(Helper.PROBE_READ_KERNEL);
    }

    /**
     * Exits of syscalls whose configuration names a socket fd (argument, or 7: the return value, when
     * it is one): the socket's endpoints and accept queue as slot 0, {@link #SOCK_INFO}
     * bytes: u16 family, u16 local port (host order), u16 peer port (network order), u16 0, u32 local and
     * u32 peer IPv4 address, 16-byte local and peer IPv6 addresses, u32 sk_ack_backlog, u32
     * sk_max_ack_backlog (sock.__sk_common and sock: what the driver's bpf_getsockname and accept filler read;
     * for accept, the listening socket's queue: {@link #listenerQueue}).
     */
    private static void socketInfo(Asm a, FdOffsets k, boolean enter) {
        Label skip = a.newLabel("sock_skip");
        Label fromArg = a.newLabel("sock_arg");
        Label have = a.newLabel("sock_fd");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.AT_ENTRY)
                .jmp(enter ? JmpOp.JEQ : JmpOp.JNE, Reg.R1, 0, skip) // configured for the other side of the call
                .alu64(AluOp.AND, Reg.R3, SyscallConfig.AT_ENTRY - 1)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip)
                .jmp(JmpOp.JNE, Reg.R3, 7, fromArg);
        if (enter) {
            a.ja(skip); // no return value at the entry
        } else {
            a.ldx(Size.DW, Reg.R3, Reg.R10, S_RET).ja(have);
        }
        a.bind(fromArg);
        argOfCfg(a, Reg.R3);
        a.bind(have).lsh(Reg.R3, 32).alu64(AluOp.ARSH, Reg.R3, 32).jmp(JmpOp.JSLT, Reg.R3, 0, skip)
                .jmp(JmpOp.JGT, Reg.R3, 1 << 24, skip).stx(Size.DW, Reg.R10, S_FD, Reg.R3);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        for (int i = 0; i < SOCK_INFO; i += 8) {
            a.st(Size.DW, Reg.R9, RawRecord.DATA + i, 0);
        }
        int d = RawRecord.DATA;
        field(a, k.family(), 2, d);
        field(a, k.num(), 2, d + 2);
        field(a, k.dport(), 2, d + 4);
        field(a, k.rcvSaddr(), 4, d + 8);
        field(a, k.daddr(), 4, d + 12);
        field(a, k.v6Rcv(), 16, d + 16);
        field(a, k.v6Daddr(), 16, d + 32);
        field(a, k.ackBacklog(), 4, d + 48);
        field(a, k.maxAckBacklog(), 4, d + 52);
        a.st(Size.H, Reg.R9, RawRecord.LENS, SOCK_INFO).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + SOCK_INFO);
        if (k.unix() != null) {
            unixInfo(a, k.unix());
        }
        if (!enter) {
            listenerQueue(a, k, skip);
        }
        a.bind(skip);
    }

    /**
     * accept and accept4 (configured 7: the socket is the returned fd): the accept queue fields become the
     * LISTENING socket's (argument 0), as sysdig 0.29's kernel module reads them (libs e5c53d64
     * driver/ppm_fillers.c f_sys_accept_x: sockfd_lookup(srvskfd)) and libs' modern probe does (accept.bpf.c);
     * the accepted socket's own sk_ack_backlog says nothing about the queue. Zeros when argument 0 is no socket.
     */
    private static void listenerQueue(Asm a, FdOffsets k, Label skip) {
        int d = RawRecord.DATA;
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).jmp(JmpOp.JNE, Reg.R3, 7, skip)
                .st(Size.W, Reg.R9, d + 48, 0).st(Size.W, Reg.R9, d + 52, 0)
                .ldx(Size.DW, Reg.R3, Reg.R9, RawRecord.ARGS)
                .lsh(Reg.R3, 32).alu64(AluOp.ARSH, Reg.R3, 32).jmp(JmpOp.JSLT, Reg.R3, 0, skip)
                .jmp(JmpOp.JGT, Reg.R3, 1 << 24, skip).stx(Size.DW, Reg.R10, S_FD, Reg.R3);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        field(a, k.ackBacklog(), 4, d + 48);
        field(a, k.maxAckBacklog(), 4, d + 52);
    }

    /**
     * A unix socket (family 1, S_SRC its sock): the record becomes {@link #SOCK_INFO_UNIX} bytes, the
     * inet addresses' place holding u64 the socket's own {@code struct sock *} (at 8) and u64 its peer's
     * (at 16, 0 when unconnected), then the bound path of the socket and of its peer
     * ({@code unix_sock.addr->name[0].sun_path}, {@link #UNIX_PATH} bytes each, NUL-terminated, empty when
     * unbound; an abstract name without its leading NUL, as the driver's AF_UNIX tuple has it).
     */
    private static void unixInfo(Asm a, FdOffsets.Unix u) {
        Label done = a.newLabel("unix_done");
        Label peerPath = a.newLabel("unix_peer_path");
        Label end = a.newLabel("unix_paths_done");
        int d = RawRecord.DATA;
        a.ldx(Size.H, Reg.R1, Reg.R9, d).jmp(JmpOp.JNE, Reg.R1, 1, done)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_SRC).stx(Size.DW, Reg.R10, S_SK, Reg.R1).stx(Size.DW, Reg.R9, d + 8, Reg.R1)
                .st(Size.DW, Reg.R9, d + 16, 0);
        field(a, u.peer(), 8, d + 16);
        for (int i = SOCK_INFO; i < SOCK_INFO_UNIX; i += 4) {
            a.st(Size.W, Reg.R9, d + i, 0);
        }
        chase(a, u.addr(), peerPath);
        unixPath(a, u, d + SOCK_INFO, peerPath);
        a.bind(peerPath).ldx(Size.DW, Reg.R1, Reg.R9, d + 16).stx(Size.DW, Reg.R10, S_SRC, Reg.R1);
        chase(a, u.addr(), end);
        unixPath(a, u, d + SOCK_INFO + UNIX_PATH, end);
        a.bind(end).ldx(Size.DW, Reg.R1, Reg.R10, S_SK).stx(Size.DW, Reg.R10, S_SRC, Reg.R1)
                .st(Size.H, Reg.R9, RawRecord.LENS, SOCK_INFO_UNIX).st(Size.DW, Reg.R10, S_OFF, d + SOCK_INFO_UNIX)
                .bind(done);
    }

    /** The sun_path of the unix_address in S_SRC to the record at {@code dst}, past a leading NUL (abstract name). */
    private static void unixPath(Asm a, FdOffsets.Unix u, int dst, Label skip) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, u.path())
                .mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, UNIX_PATH).call(Helper.PROBE_READ_KERNEL_STR)
                .ldx(Size.B, Reg.R1, Reg.R9, dst).jmp(JmpOp.JNE, Reg.R1, 0, skip)
                .ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).add(Reg.R3, u.path() + 1)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, UNIX_PATH - 1).call(Helper.PROBE_READ_KERNEL_STR);
    }

    /**
     * pipe/pipe2 exits that returned 0: the two fds the kernel wrote to the caller's int[2] and the inode
     * number of the first one's file as slot 0 (u32 fd1, u32 fd2, u64 ino), as the driver's pipe filler.
     */
    private static void pipeFds(Asm a, FdOffsets k) {
        Label skip = a.newLabel("pipe_skip");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.PIPE_FDS).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JNE, Reg.R1, 0, skip)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip);
        argOfCfg(a, Reg.R3);
        Label pair = a.newLabel("pipe_pair");
        a.mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.DATA).movImm(Reg.R2, 8).call(Helper.PROBE_READ_USER)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .st(Size.DW, Reg.R9, RawRecord.DATA + 8, 0)
                .st(Size.H, Reg.R9, RawRecord.LENS, 16).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + 16)
                .ldx(Size.W, Reg.R1, Reg.R9, RawRecord.DATA).jmp(JmpOp.JGT, Reg.R1, 1 << 24, skip)
                .stx(Size.DW, Reg.R10, S_FD, Reg.R1)
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.PIPE_FDS).alu64(AluOp.AND, Reg.R1, SyscallConfig.SOCK_PAIR)
                .jmp(JmpOp.JNE, Reg.R1, 0, pair);
        fileOfFd(a, k, skip);
        chase(a, k.fileInode(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        field(a, k.inodeIno(), 8, RawRecord.DATA + 8);
        a.ja(skip);
        // socketpair (f_sys_socketpair_x): the first fd's unix_sock (socket.sk: a unix_sock starts with its sock)
        // and that sock's peer, the other end, as u64 at 8 and 16
        a.bind(pair).st(Size.DW, Reg.R9, RawRecord.DATA + 16, 0)
                .st(Size.H, Reg.R9, RawRecord.LENS, 24).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + 24);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R9, RawRecord.DATA + 8, Reg.R3);
        if (k.unix() != null) {
            field(a, k.unix().peer(), 8, RawRecord.DATA + 16);
        }
        a.bind(skip);
    }

    /** Size of the memory counters record (slot 0 of an mmap/munmap exit): see {@link #mmCounters}. */
    static final int MM_INFO = 40;

    /**
     * mmap/munmap exits: the process's u64 total_vm and the four rss_stat counters (file, anon, swap entries,
     * shmem pages) as slot 0, {@link #MM_INFO} bytes, read from current->mm after the call.
     */
    private static void mmCounters(Asm a, FdOffsets.Mm k) {
        Label skip = a.newLabel("mm_skip");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.MM).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip)
                .call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, S_SRC, Reg.R0);
        chase(a, k.taskMm(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        for (int i = 0; i < MM_INFO; i += 8) {
            a.st(Size.DW, Reg.R9, RawRecord.DATA + i, 0);
        }
        field(a, k.totalVm(), 8, RawRecord.DATA);
        for (int c = 0; c < 4; c++) {
            field(a, k.rss() + c * k.stride(), 8, RawRecord.DATA + 8 + 8 * c);
        }
        a.st(Size.H, Reg.R9, RawRecord.LENS, MM_INFO).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + MM_INFO).bind(skip);
    }

    /**
     * The socket address the kernel wrote to the caller's memory (recvfrom's src_addr, its length from the
     * int its addrlen argument points to) as slot 3, when the call returned ≥ 0.
     *
     * <p>getsockopt ({@link SyscallConfig#LEN_SOCKOPT}) as libs e5c53d64's f_sys_getsockopt_x (driver/ppm_fillers.c):
     * the u32 behind optlen, whole, as slot 2 (the event's optlen), and optval up to it and the snap length
     * ({@code snap}) as slot 3, whether the call failed or not (a failed call leaves the caller's optlen).
     */
    private static void outAddr(Asm a, int snap) {
        Label skip = a.newLabel("oaddr_skip");
        Label addr = a.newLabel("oaddr_addr");
        Label read = a.newLabel("oaddr_read");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.OUT_ADDRLEN).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_CONST).jmp(JmpOp.JNE, Reg.R1, 0, skip) // read at the entry
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.OUT_ADDR).jmp(JmpOp.JEQ, Reg.R1, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_SOCKOPT).jmp(JmpOp.JNE, Reg.R1, 0, read)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSLT, Reg.R1, 0, skip)
                .bind(read);
        argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, S_SRC, Reg.R3).st(Size.DW, Reg.R10, S_LEN, 0)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, S_LEN).movImm(Reg.R2, 4).call(Helper.PROBE_READ_USER)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.OUT_ADDRLEN).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_SOCKOPT)
                .jmp(JmpOp.JEQ, Reg.R1, 0, addr)
                // getsockopt: the length whole (slot 2, read again from the pointer in S_SRC), then optval
                .ldx(Size.W, Reg.R1, Reg.R10, S_LEN).stx(Size.DW, Reg.R10, S_TOT, Reg.R1).st(Size.DW, Reg.R10, S_LEN, 4);
        readSlot(a, Helper.PROBE_READ_USER, 4, 2, OFF_AFTER_STRINGS, skip);
        a.ldx(Size.DW, Reg.R2, Reg.R10, S_TOT);
        cap(a, Math.max(snap, 1));
        a.stx(Size.DW, Reg.R10, S_LEN, Reg.R2).ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.OUT_ADDR);
        argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, S_SRC, Reg.R3);
        readSlot(a, Helper.PROBE_READ_USER, Math.max(snap, 1), 3, OFF_AFTER_STRINGS, skip);
        a.ja(skip);
        a.bind(addr).ldx(Size.W, Reg.R2, Reg.R10, S_LEN);
        cap(a, SOCKADDR_MAX);
        a.stx(Size.DW, Reg.R10, S_LEN, Reg.R2).ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.OUT_ADDR);
        argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, S_SRC, Reg.R3);
        readSlot(a, Helper.PROBE_READ_USER, SOCKADDR_MAX, 3, OFF_AFTER_BLOB, skip);
        a.bind(skip);
    }

    /**
     * A map key or value of 32 bits in the host's byte order, as the kernel reads map memory (big-endian on
     * s390x; DEVELOPERS.md, "Byte order").
     */
    static byte[] host32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** {@link #host32} of 64 bits. */
    static byte[] host64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    /**
     * Per program name (trace_enter, trace_exit, trace_fork...), the instructions the verifier processed to accept
     * it ({@link io.boxscope.bpf.prog.ProgramInfo#verifiedInsns}): how close each is to the kernel's 1,000,000
     * (the exit program's unrolled iovec copies grow it); empty values on kernels before 5.16.
     */
    public java.util.Map<String, java.util.OptionalLong> verifiedInsns() {
        java.util.Map<String, java.util.OptionalLong> out = new java.util.LinkedHashMap<>();
        for (AutoCloseable r : resources) {
            if (r instanceof Program p) {
                out.put(p.name(), p.info().verifiedInsns());
            }
        }
        return out;
    }

    /** Detaches first (links were created last), then programs, then maps. */
    @Override
    public void close() {
        resources.reversed().forEach(CaptureProbe::closeQuietly);
        resources.clear();
    }

    static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            // closing descriptors cannot meaningfully fail; keep closing the rest
        }
    }
}
