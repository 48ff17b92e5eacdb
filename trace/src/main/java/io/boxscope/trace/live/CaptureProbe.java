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
 * <p>The system call programs' code is {@link SyscallPrograms}'s (with {@link KernelObjects} and {@link UserBuffers});
 * this class holds their maps, stack slots and shared pieces (prologue, configuration, header, output), loads and
 * attaches them and reports drops. A generic system call's short record is written in place with
 * {@code bpf_ringbuf_reserve}/{@code submit}; every other record is built in a per-CPU scratch slot and copied out with {@code bpf_ringbuf_output}
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
    static final int S_FD = -112;    // a file descriptor to look up
    static final int S_MSG = -168;   // a struct user_msghdr (56 bytes on LP64)
    static final int S_IOV = -184;   // a struct iovec
    static final int S_MAXFDS = -192; // fdtable.max_fds of the task being looked at (u32)
    static final int S_CPU = -28;
    static final int S_RING = -24;   // u32: the CPU whose ring is looked up in the array of rings
    static final int S_TID = -32;
    static final int S_LEN = -40;
    static final int S_RET = -48;
    static final int S_DROP = -52;
    static final int S_SK = -64;     // a unix socket's struct sock *
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
            Maps m = Maps.withSets(ring, drops, scratch, config, inflight, o.filter(), resources)
                    .withDgram(DatagramState.maps(o.syscallConfig(), resources));
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
            enter = Program.load(syscallSpec("trace_enter", "sys_enter", SyscallPrograms.enterProgram(o, m, btf), btf));
            return new Program[] {enter, Program.load(syscallSpec("trace_exit", "sys_exit", SyscallPrograms.exitProgram(o, m, btf), btf))};
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
                        BpfMap pids, BpfMap tids, BpfMap cgroups, DatagramState.Maps dgram) {
        Maps(BpfMap ring, DropCounter drops, BpfMap scratch, BpfMap config, BpfMap inflight,
             BpfMap pids, BpfMap tids, BpfMap cgroups) {
            this(ring, drops, scratch, config, inflight, pids, tids, cgroups, null);
        }

        /** These maps with the datagram state maps {@code d} (null: none). */
        Maps withDgram(DatagramState.Maps d) {
            return new Maps(ring, drops, scratch, config, inflight, pids, tids, cgroups, d);
        }

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
        output(a, m, out, null);
    }

    /** As {@link #output(Asm, Maps, Label)}; a record not sent then goes to {@code failed} (null: on, as a sent one). */
    static void output(Asm a, Maps m, Label out, Label failed) {
        Label done = a.newLabel("sent");
        ringOrDrop(a, m, out);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_OFF).jmp(JmpOp.JGT, Reg.R3, VALUE_SIZE, out)
                .mov(Reg.R2, Reg.R9).movImm(Reg.R4, RingBufReader.BPF_RB_NO_WAKEUP)
                .call(Helper.RINGBUF_OUTPUT).jmp(JmpOp.JEQ, Reg.R0, 0, done);
        m.drops().emitIncrement(a, S_DROP);
        if (failed != null) {
            a.ja(failed);
        }
        a.bind(done);
    }

    /** Whether the programs write into one ring per CPU, looked up in the array {@link Maps#ring} by CPU. */
    static boolean perCpuRings(Maps m) {
        return m.ring().type() == MapType.ARRAY_OF_MAPS;
    }

    /**
     * R1 = the ring this CPU writes to: the shared ring, or this CPU's from the array of rings (the CPU number is left
     * at {@link #S_RING}; the program cannot migrate while it runs). A CPU without a ring (one that came online after
     * the capture started) counts a drop on this CPU and goes to {@code out}, so read + dropped = produced still holds.
     * Clobbers R0–R5.
     */
    static void ringOrDrop(Asm a, Maps m, Label out) {
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

    /** R1 = args[cfg byte - 1] of the record (cfg byte in R1 on entry, non-zero). */
    static void argOfCfg(Asm a, Reg cfgAndResult) {
        a.add(cfgAndResult, -1).alu64(AluOp.AND, cfgAndResult, 7).lsh(cfgAndResult, 3)
                .add(cfgAndResult, Reg.R9).ldx(Size.DW, cfgAndResult, cfgAndResult, RawRecord.ARGS);
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

    /** Reads {@code size} bytes at S_SRC + {@code off} (kernel memory) to the record at {@code dst}; a failed read leaves zeros. */
    static void field(Asm a, int off, int size, int dst) {
        if (off < 0) {
            return;
        }
        a.mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, size)
                .ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).add(Reg.R3, off).call(Helper.PROBE_READ_KERNEL);
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
