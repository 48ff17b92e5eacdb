package io.boxscope.trace.live;

import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;

/**
 * {@link CaptureProbe}'s process programs, on the scheduler's raw tracepoints: {@code sched_process_fork} (the child's
 * ids and its v2 cgroup), {@code sched_process_exec} (the new image's comm, cgroup, argv, environment, paths, limits
 * and memory: {@link ExecRecord}) and {@code sched_process_exit}. They are what keeps the consumer's thread table
 * ({@link LiveThreads}) right for a process that is gone by the time its records are read: sysdig's driver reads the
 * same fields from the task at clone and execve exits (libs driver/bpf/fillers.h and driver/modern_bpf,
 * f_proc_startupdate and its {@code cgroups} parameter), where /proc, read later, no longer has them.
 */
final class SchedPrograms {
    private SchedPrograms() {}

    /**
     * Where a task's v2 cgroup id is ({@code task_struct.cgroups → css_set.dfl_cgrp → cgroup.kn → kernfs_node.id},
     * include/linux/sched.h, cgroup-defs.h, kernfs.h): what {@code bpf_get_current_cgroup_id} reads for the current
     * task (kernel/bpf/helpers.c, task_dfl_cgroup), here read for the child of a fork, which is not current at
     * {@code sched_process_fork} (the parent is). Null when the kernel's BTF lacks one of them: the fork record then
     * carries the parent's id, which is the child's unless it was cloned into another cgroup (CLONE_INTO_CGROUP).
     */
    record TaskCgroup(int taskCgroups, int dflCgrp, int cgroupKn, int knId) {
        static TaskCgroup of(Btf btf) {
            try {
                return new TaskCgroup((int) btf.member("task_struct.cgroups").byteOffset(),
                        (int) btf.member("css_set.dfl_cgrp").byteOffset(), (int) btf.member("cgroup.kn").byteOffset(),
                        (int) btf.member("kernfs_node.id").byteOffset());
            } catch (BtfException e) {
                return null;
            }
        }
    }

    /** The exec program and, when it had to be loaded without parts, why ({@link CaptureProbe#execFallback}). */
    record Exec(Program program, String fallback) {}

    /**
     * The exec program, whole (the path walk and the exe access check: about 110,000 verified instructions on Linux
     * 6.18, two {@link PathWalk#DEPTH}-turn loops), else without them, else without the environment too: another
     * kernel's verifier may refuse the walk (a lower complexity limit, a pruning that does not merge its turns), and
     * a refused exec program must not fail the whole capture. What is left out is then taken from /proc as for any
     * walk that did not reach a root (counted: {@link EventBuilder#pathsFromProc}); {@link Exec#fallback} says why.
     */
    static Exec exec(CaptureProbe.Options o, CaptureProbe.Maps pm) {
        FdOffsets.Mm mm = o.fdOffsets() == null ? null : o.fdOffsets().mm();
        if (mm == null || (mm.paths() == null && mm.access() == null)) {
            return new Exec(Program.load(execSpec(o, pm, mm, true)), null);
        }
        try {
            return new Exec(Program.load(execSpec(o, pm, mm, true)), null);
        } catch (io.boxscope.bpf.prog.VerifierException e) {
            FdOffsets.Mm plain = new FdOffsets.Mm(mm.taskMm(), mm.totalVm(), mm.rss(), mm.stride(), mm.pageShift(),
                    mm.argStart(), mm.argEnd(), mm.taskSignal(), mm.nofileCur(), mm.envStart(), mm.envEnd(), null,
                    mm.exeFile(), null);
            String why = verifierReason(e);
            try {
                return new Exec(Program.load(execSpec(o, pm, plain, true)),
                        "exec paths from /proc: the kernel refused the walk: " + why);
            } catch (io.boxscope.bpf.prog.VerifierException e2) {
                return new Exec(Program.load(execSpec(o, pm, plain, false)),
                        "exec paths from /proc: the kernel refused the walk: " + why
                                + "; and the environment's copy: " + verifierReason(e2));
            }
        }
    }

    private static ProgramSpec execSpec(CaptureProbe.Options o, CaptureProbe.Maps pm, FdOffsets.Mm mm, boolean env) {
        return ProgramSpec.of("trace_exec", ProgramType.RAW_TRACEPOINT, program(o, pm, RawRecord.EXEC, mm, env));
    }

    /**
     * The verifier's last complaint, one line (its log ends with it, then statistics left out here), else the
     * exception's message; control characters escaped by the caller's renderer.
     */
    static String verifierReason(io.boxscope.bpf.prog.VerifierException e) {
        String log = e.log() == null ? "" : e.log();
        String last = null;
        for (String l : log.split("\n")) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("processed ") || s.startsWith("verification time") || s.startsWith("stack depth")) {
                continue;
            }
            last = s;
        }
        String m = last != null ? last : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * fork: the child's ids (from its task_struct) in ID and its v2 cgroup id in RET; exec: the new comm and the
     * task's v2 cgroup id, then argv and the rest ({@link ExecRecord}) in the data; exit: nothing.
     */
    static List<Insn> program(CaptureProbe.Options o, CaptureProbe.Maps m, int kind) {
        return program(o, m, kind, o.fdOffsets() == null ? null : o.fdOffsets().mm(), true);
    }

    /** {@link #program} with the exec record's layout {@code mm} (null: comm and cgroup only) and its environment or not. */
    static List<Insn> program(CaptureProbe.Options o, CaptureProbe.Maps m, int kind, FdOffsets.Mm mm, boolean env) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        CaptureProbe.prologue(a, o, m, out, false);
        CaptureProbe.header(a, m, kind, out);
        a.st(Size.DW, Reg.R9, RawRecord.ID, 0);
        if (kind == RawRecord.FORK) {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 8).add(Reg.R3, o.taskPid())   // ctx->args[1]: the child
                    .mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.ID).movImm(Reg.R2, 4).call(Helper.PROBE_READ_KERNEL)
                    .ldx(Size.DW, Reg.R3, Reg.R6, 8).add(Reg.R3, o.taskTgid())
                    .mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.ID + 4).movImm(Reg.R2, 4).call(Helper.PROBE_READ_KERNEL);
            childCgroup(a, o.taskCgroup());
        } else if (kind == RawRecord.EXEC) {
            // the comm (TASK_COMM_LEN, NUL-padded), then the task's v2 cgroup id at the exec: the execve exit's
            // cgroups, read in the task as the driver's f_proc_startupdate reads them, not later from /proc
            a.mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.DATA).movImm(Reg.R2, 16).call(Helper.GET_CURRENT_COMM)
                    .call(Helper.GET_CURRENT_CGROUP_ID).stx(Size.DW, Reg.R9, RawRecord.DATA + 16, Reg.R0)
                    .st(Size.H, Reg.R9, RawRecord.LENS, RawRecord.EXEC_COMM)
                    .st(Size.DW, Reg.R10, CaptureProbe.S_OFF, RawRecord.DATA + RawRecord.EXEC_COMM);
            if (mm != null) {
                ExecRecord.fill(a, mm, env);
            }
            oldTid(a);
        }
        CaptureProbe.output(a, m, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /** Where the exec record's id holds the thread's tid before the exec ({@link #oldTid}). */
    static final int OLD_TID_SHIFT = 40;
    /** Its width: PID_MAX_LIMIT is 2^22 (include/linux/threads.h), so 24 bits hold any tid. */
    static final long OLD_TID_MASK = 0xff_ffffL;

    /**
     * The exec record's id, bits {@link #OLD_TID_SHIFT} up: {@code old_pid}, the second argument of the raw tracepoint
     * sched_process_exec (include/trace/events/sched.h: the task, old_pid, the binprm), the tid the thread had before
     * the exec. A thread that is not its process's leader takes the leader's tid in de_thread (fs/exec.c
     * exchange_tids), so its record's tid is the leader's while its execve entry and thread-table entry were under
     * old_pid. Or-ed in last: PathWalk and ExeAccess write the id's low bits.
     */
    private static void oldTid(Asm a) {
        a.ldx(Size.DW, Reg.R1, Reg.R6, 8).alu64(io.boxscope.bpf.asm.AluOp.AND, Reg.R1, (int) OLD_TID_MASK).lsh(Reg.R1, OLD_TID_SHIFT)
                .ldx(Size.DW, Reg.R2, Reg.R9, RawRecord.ID).alu64(io.boxscope.bpf.asm.AluOp.OR, Reg.R2, Reg.R1)
                .stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R2);
    }

    /**
     * The fork record's RET: the child's v2 cgroup id, read through its task_struct ({@link TaskCgroup}; the child's
     * cgroups are set by cgroup_post_fork in copy_process, before the tracepoint fires in kernel_clone), else the
     * parent's (current's) id; 0 when a read failed.
     */
    private static void childCgroup(Asm a, TaskCgroup c) {
        if (c == null) {
            a.call(Helper.GET_CURRENT_CGROUP_ID).stx(Size.DW, Reg.R9, RawRecord.RET, Reg.R0);
            return;
        }
        Label skip = a.newLabel("fork_cgroup_skip");
        a.ldx(Size.DW, Reg.R3, Reg.R6, 8).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3);
        CaptureProbe.chase(a, c.taskCgroups(), skip);
        CaptureProbe.chase(a, c.dflCgrp(), skip);
        CaptureProbe.chase(a, c.cgroupKn(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(io.boxscope.bpf.asm.JmpOp.JEQ, Reg.R3, 0, skip);
        CaptureProbe.field(a, c.knId(), 8, RawRecord.RET);
        a.bind(skip);
    }
}
