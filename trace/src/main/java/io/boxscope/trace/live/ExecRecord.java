package io.boxscope.trace.live;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;

/**
 * The part of {@link CaptureProbe}'s exec program ({@code sched_process_exec}) that reads the new image from the
 * task at the exec: its argv area, its memory counters and its open-files limit, what the driver's execve exit
 * (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate) reads from the task. It uses the program's stack slots and
 * record layout ({@link RawRecord}) as CaptureProbe defines them.
 */
final class ExecRecord {
    private ExecRecord() {}

    /**
     * exec: the new image's argument area, {@code current->mm->arg_start..arg_end} (the NUL-separated argv the
     * kernel copied to the new stack), at most {@link CaptureProbe#STR_MAX} bytes, as slot 1 after the comm. As the
     * driver's execve exit (libs driver/ppm_fillers.c f_proc_startupdate) it is read from the task itself
     * at the exec, so a process that exits (or execs again) before its record is read still has its own
     * exe and args, not what /proc or its parent had. Left empty when a read fails (the table then asks /proc).
     * {@code env}: whether the environment is copied too (slot 2; left empty otherwise: the fallback of a kernel
     * whose verifier refuses the program with it, CaptureProbe's execProgram).
     */
    static void fill(Asm a, FdOffsets.Mm k, boolean env) {
        fillArgs(a, k, env);
    }

    /** Longest environment copied: the driver's STR_STORAGE_SIZE (one page, driver/ppm_fillers.c f_proc_startupdate). */
    static final int ENV_MAX = 4096;
    /** Where the environment's slot ends at most: after the comm, the argv area and the environment. */
    static final int ENV_END = RawRecord.DATA + RawRecord.EXEC_COMM + CaptureProbe.STR_MAX + ENV_MAX;

    /**
     * exec: the new image's environment, {@code current->mm->env_start..env_end} (the NUL-separated strings the kernel
     * copied to the new stack), at most {@link #ENV_MAX} bytes, as slot 2: the execve exit's env, which the driver
     * copies from the same area (f_proc_startupdate, "Parameter 16: env"). Left empty when a read fails.
     */
    private static void env(Asm a, FdOffsets.Mm k) {
        copyArea(a, k, "env_skip", k.envStart(), k.envEnd(), ENV_MAX, 2, RawRecord.DATA + RawRecord.EXEC_COMM + CaptureProbe.STR_MAX);
    }

    /**
     * Copies the user memory between two of {@code current->mm}'s bounds (at {@code startOff}/{@code endOff} in
     * mm_struct), at most {@code max} bytes, into record slot {@code slot} ending at most at {@code maxOff}; nothing
     * when a read fails or the area is empty. The kernel lays the arguments and the environment out the same way
     * (NUL-separated strings on the new stack: fs/exec.c copy_strings), hence one routine for both.
     */
    private static void copyArea(Asm a, FdOffsets.Mm k, String label, int startOff, int endOff, int max, int slot,
            int maxOff) {
        Label skip = a.newLabel(label);
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, k.taskMm(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, endOff)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_LEN).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip);
        CaptureProbe.chase(a, startOff, skip);
        a.ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN).ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).alu64(AluOp.SUB, Reg.R2, Reg.R3)
                .jmp(JmpOp.JSLE, Reg.R2, 0, skip);
        CaptureProbe.cap(a, max);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, max, slot, maxOff, skip);
        a.bind(skip);
    }

    private static void fillArgs(Asm a, FdOffsets.Mm k, boolean withEnv) {
        copyArea(a, k, "argv_skip", k.argStart(), k.argEnd(), CaptureProbe.STR_MAX, 1, RawRecord.DATA + RawRecord.EXEC_COMM);
        if (withEnv) {
            env(a, k);
        }
        if (k.paths() != null) {
            k.paths().emit(a, k.taskMm(), ENV_END);
        }
        if (k.access() != null) {
            k.access().emit(a, k.taskMm(), k.exeFile());
        }
        // the new image's memory counters, as mmCounters lays them out, in the (unused) argument words 0-4;
        // word 5 = 1 when read: the execve exit's vm_size/vm_rss/vm_swap (f_proc_startupdate reads the mm too)
        Label noMm = a.newLabel("exec_mm_skip");
        for (int i = 0; i < 6; i++) {
            a.st(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, 0);
        }
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, k.taskMm(), noMm);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, noMm);
        CaptureProbe.field(a, k.totalVm(), 8, RawRecord.ARGS);
        for (int c = 0; c < 4; c++) {
            CaptureProbe.field(a, k.rss() + c * k.stride(), 8, RawRecord.ARGS + 8 + 8 * c);
        }
        a.st(Size.DW, Reg.R9, RawRecord.ARGS + 40, 1).bind(noMm);
        // the open-files soft limit in the (unused) return value: current->signal->rlim[RLIMIT_NOFILE].rlim_cur, the
        // execve exit's fdlimit (f_proc_startupdate reads the task's rlimit); -1 when it could not be read
        Label noLimit = a.newLabel("exec_nofile_skip");
        a.st(Size.DW, Reg.R9, RawRecord.RET, -1).call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, k.taskSignal(), noLimit);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, noLimit);
        CaptureProbe.field(a, k.nofileCur(), 8, RawRecord.RET);
        a.bind(noLimit);
    }

}
