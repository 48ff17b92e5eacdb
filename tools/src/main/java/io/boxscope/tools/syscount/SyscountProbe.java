package io.boxscope.tools.syscount;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.DropCounter;
import io.boxscope.bpf.sys.Sys;

/**
 * The in-kernel part of {@code boxscope syscount}: programs on raw_syscalls:sys_enter/sys_exit that
 * count (and time) system calls in a per-CPU hash keyed by syscall number or by process; nothing is
 * streamed to user space. Filters are compiled into the program as constants, so an unused filter
 * costs nothing. Field offsets are those of the raw_syscalls tracepoint format (tracefs
 * events/raw_syscalls/sys_exit/format: {@code long id} at 8, {@code long ret} at 16), stable since 2.6.
 */
public final class SyscountProbe implements AutoCloseable {
    static final int VALUE_SIZE = 32; // u64 count, u64 total_ns, char comm[16]
    /** Syscall numbers stay below 1024 on x86_64 and aarch64; processes get libbpf-tools' 8192. */
    private static final int MAX_SYSCALL_KEYS = 1024;
    private static final int MAX_PROCESS_KEYS = 8192;
    /** Threads in a system call at once (latency mode's start timestamps). */
    private static final int MAX_THREADS = 10240;

    /** What to count. {@code cgroupDir} is a cgroup v2 directory (descendants included). */
    public record Options(Integer pid, Path cgroupDir, boolean failures, Integer errno, boolean latency, boolean byProcess) {}

    /** One row: syscall number or PID, calls, summed latency, process name (by-process only). */
    public record Row(int key, long count, long totalNs, String comm) {}

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final BpfMap data;
    private final DropCounter drops;

    public SyscountProbe(Options o) {
        try {
            data = own(BpfMap.create(MapSpec.of("syscount_data", MapType.PERCPU_HASH, 4, VALUE_SIZE,
                    o.byProcess() ? MAX_PROCESS_KEYS : MAX_SYSCALL_KEYS)));
            drops = own(new DropCounter("syscount_drops"));
            BpfMap cgroup = o.cgroupDir() == null ? null : own(cgroupMap(o.cgroupDir()));
            BpfMap start = o.latency() ? own(BpfMap.create(MapSpec.of("syscount_start", MapType.LRU_HASH, 4, 8, MAX_THREADS))) : null;
            if (o.latency()) {
                Program enter = own(Program.load(ProgramSpec.of("syscount_enter", ProgramType.TRACEPOINT,
                        enterProgram(o, cgroup, start, drops))));
                own(Attach.tracepoint(enter, "raw_syscalls", "sys_enter"));
            }
            Program exit = own(Program.load(ProgramSpec.of("syscount_exit", ProgramType.TRACEPOINT,
                    exitProgram(o, cgroup, start, data, drops))));
            own(Attach.tracepoint(exit, "raw_syscalls", "sys_exit"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T r) {
        resources.add(r);
        return r;
    }

    /** A one-slot cgroup array holding the directory, for bpf_current_task_under_cgroup. */
    private static BpfMap cgroupMap(Path dir) {
        BpfMap m = BpfMap.create(MapSpec.of("syscount_cgroup", MapType.CGROUP_ARRAY, 4, 4, 1));
        try (Arena a = Arena.ofConfined()) {
            Sys.Result r = Sys.openat(a.allocateFrom(dir.toString()), 0);
            if (r.failed()) {
                m.close();
                throw new BpfException("open cgroup directory " + dir, r.errno(),
                        "give a cgroup v2 directory, e.g. /sys/fs/cgroup/system.slice/docker-ID.scope");
            }
            try {
                byte[] fd = new byte[4];
                MemorySegment.ofArray(fd).set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) r.value());
                m.update(new byte[4], fd, BpfMap.ANY);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            } finally {
                Sys.close((int) r.value());
            }
        }
        return m;
    }

    /** Emits the PID and cgroup filters; expects pid_tgid in R7; jumps to {@code out} when filtered. */
    private static void filters(Asm a, Options o, BpfMap cgroup, Label out) {
        if (o.pid() != null) {
            a.mov(Reg.R1, Reg.R7).rsh(Reg.R1, 32).jmp32(JmpOp.JNE, Reg.R1, o.pid(), out);
        }
        if (cgroup != null) {
            a.ldMapFd(Reg.R1, cgroup.fd()).movImm(Reg.R2, 0).call(Helper.CURRENT_TASK_UNDER_CGROUP)
                    .jmp(JmpOp.JNE, Reg.R0, 1, out);
        }
    }

    static List<Insn> enterProgram(Options o, BpfMap cgroup, BpfMap start, DropCounter drops) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R7, Reg.R0);
        filters(a, o, cgroup, out);
        a.call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, -8, Reg.R0)
                .stx(Size.W, Reg.R10, -12, Reg.R7)
                .ldMapFd(Reg.R1, start.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -12)
                .mov(Reg.R3, Reg.R10).add(Reg.R3, -8).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out);
        drops.emitIncrement(a, -16); // start map full: this call's exit will not be counted
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    static List<Insn> exitProgram(Options o, BpfMap cgroup, BpfMap start, BpfMap data, DropCounter drops) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label have = a.newLabel("have");
        Label full = a.newLabel("full");
        a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R7, Reg.R0);
        filters(a, o, cgroup, out);
        a.ldx(Size.DW, Reg.R8, Reg.R6, 8)   // id
                .jmp(JmpOp.JSLT, Reg.R8, 0, out) // -1: not a real syscall (interrupted entry)
                .ldx(Size.DW, Reg.R9, Reg.R6, 16); // ret
        if (o.failures()) {
            a.jmp(JmpOp.JSGE, Reg.R9, 0, out);
        }
        if (o.errno() != null) {
            a.jmp(JmpOp.JNE, Reg.R9, -o.errno(), out);
        }
        if (o.latency()) {
            a.stx(Size.W, Reg.R10, -4, Reg.R7)
                    .ldMapFd(Reg.R1, start.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4).call(Helper.MAP_LOOKUP_ELEM)
                    .jmp(JmpOp.JEQ, Reg.R0, 0, out) // entry not seen (tracing started mid-call)
                    .ldx(Size.DW, Reg.R1, Reg.R0, 0).stx(Size.DW, Reg.R10, -16, Reg.R1)
                    .call(Helper.KTIME_GET_NS).ldx(Size.DW, Reg.R1, Reg.R10, -16).sub(Reg.R0, Reg.R1)
                    .stx(Size.DW, Reg.R10, -16, Reg.R0)
                    .ldMapFd(Reg.R1, start.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4).call(Helper.MAP_DELETE_ELEM);
        }
        if (o.byProcess()) {
            a.mov(Reg.R1, Reg.R7).rsh(Reg.R1, 32).stx(Size.W, Reg.R10, -20, Reg.R1);
        } else {
            a.stx(Size.W, Reg.R10, -20, Reg.R8);
        }
        a.ldMapFd(Reg.R1, data.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -20).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JNE, Reg.R0, 0, have);
        // first call for this key on this CPU: insert zeros (and the name), then look up again
        for (int off = -56; off < -24; off += 8) {
            a.st(Size.DW, Reg.R10, off, 0);
        }
        if (o.byProcess()) {
            a.mov(Reg.R1, Reg.R10).add(Reg.R1, -40).movImm(Reg.R2, 16).call(Helper.GET_CURRENT_COMM);
        }
        a.ldMapFd(Reg.R1, data.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -20)
                .mov(Reg.R3, Reg.R10).add(Reg.R3, -56).movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM)
                .ldMapFd(Reg.R1, data.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -20).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .bind(have)
                // per-CPU value: no other CPU writes it, a plain add is exact
                .ldx(Size.DW, Reg.R1, Reg.R0, 0).add(Reg.R1, 1).stx(Size.DW, Reg.R0, 0, Reg.R1);
        if (o.latency()) {
            a.ldx(Size.DW, Reg.R1, Reg.R0, 8).ldx(Size.DW, Reg.R2, Reg.R10, -16).add(Reg.R1, Reg.R2)
                    .stx(Size.DW, Reg.R0, 8, Reg.R1);
        }
        a.ja(out).bind(full);
        drops.emitIncrement(a, -60);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /** Everything counted since the last take, summed over CPUs; the map is emptied as it is read. */
    public List<Row> take() {
        List<Row> rows = new ArrayList<>();
        for (BpfMap.Entry e : data.takeAll()) {
            MemorySegment v = MemorySegment.ofArray(data.sumPerCpu(e.value(), 2));
            int key = MemorySegment.ofArray(e.key()).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            byte[] comm = v.asSlice(16, 16).toArray(ValueLayout.JAVA_BYTE);
            int len = 0;
            while (len < comm.length && comm[len] != 0) {
                len++;
            }
            rows.add(new Row(key, v.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), v.get(ValueLayout.JAVA_LONG_UNALIGNED, 8),
                    new String(comm, 0, len, StandardCharsets.UTF_8)));
        }
        return rows;
    }

    /** Calls not counted because a map was full (count map keys, or threads in flight for -L). */
    public long dropped() {
        return drops.dropped();
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // closing descriptors cannot meaningfully fail; keep closing the rest
            }
        }
        resources.clear();
    }
}
