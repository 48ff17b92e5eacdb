package io.boxscope.trace.live;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;

/**
 * The part of {@link CaptureProbe}'s entry program that copies an execve's (or execveat's) {@code argv} and
 * {@code envp} string arrays from the caller's memory into the entry record: {@code argv}'s strings as slot 1 and
 * {@code envp}'s as slot 2, each string with its NUL, back to back. A failed call's exit event carries them: the
 * driver's execve exit takes {@code exe} (argv[0]), {@code args} (argv[1..]) and {@code env} from these arrays when
 * the call returned a negative value, everything else from the calling task (libs driver/modern_bpf execve.bpf.c
 * and execveat.bpf.c, "In case of success we take `exe` and `args` directly from the kernel otherwise we get them
 * from the syscall arguments"; auxmap__store_execve_exe/_args: at most 16 pointers per array,
 * MAX_CHARBUF_POINTERS). A successful call's exit takes them from the new image instead ({@link ExecRecord}), so the
 * consumer ({@link EventBuilder}) uses these only for a failed one.
 *
 * <p>Why at the entry: the exit program is near 200,000 verified instructions; the entry program is at ~17,000 and
 * this costs it {@link #POINTERS} turns per array, each turn's running length kept in the record's map memory (its
 * slot length), which the verifier does not track, so the turns' early ends prune into one state. The caller is
 * blocked in the call between its entry and exit, so its arrays are the ones the driver reads at the exit (unless
 * another thread of the process rewrites them meanwhile). A successful exec's entry record grows by the two areas
 * (at most {@link #ARGV_MAX} + {@link #ENV_MAX} bytes of ring), nothing else does.
 */
final class ExecArgv {
    private ExecArgv() {}

    /** Pointers read per array: the driver's MAX_CHARBUF_POINTERS (libs driver/modern_bpf/definitions). */
    static final int POINTERS = 16;
    /** Most bytes of argv copied: as much as the exec record's argument area ({@link CaptureProbe#STR_MAX}). */
    static final int ARGV_MAX = CaptureProbe.STR_MAX;
    /** Most bytes of envp copied: the exec record's environment ({@link ExecRecord#ENV_MAX}, the driver's STR_STORAGE_SIZE). */
    static final int ENV_MAX = ExecRecord.ENV_MAX;
    /** Where the argv slot starts at most: after strings A and B. */
    private static final int ARGV_START_MAX = CaptureProbe.OFF_AFTER_STRINGS;
    /** Where the envp slot starts at most. */
    private static final int ENV_START_MAX = ARGV_START_MAX + ARGV_MAX;
    /** The argv and envp user pointers while they are walked (stack slots the entry program does not use for an exec). */
    private static final int S_ARGV = CaptureProbe.S_REM;
    private static final int S_ENVP = CaptureProbe.S_TOT;

    /** Bytes the two slots may reach in the record (each string read may write up to its area past the slot start). */
    static final int END_MAX = ENV_START_MAX + 2 * ENV_MAX;

    /**
     * R8 holds the system call number and R9 the entry record (arguments copied, S_OFF after strings A and B): for
     * {@code execveNr} (argv, envp = arguments 1, 2) or {@code execveatNr} (2, 3) the two arrays' strings as slots 1
     * and 2; nothing for any other call (a negative number: that call does not exist here).
     */
    static void emit(Asm a, int execveNr, int execveatNr, FdOffsets.Mm mm) {
        Label done = a.newLabel("execargv_done");
        Label execve = a.newLabel("execargv_execve");
        Label execveat = a.newLabel("execargv_execveat");
        Label walk = a.newLabel("execargv_walk");
        if (execveNr >= 0) {
            a.jmp(JmpOp.JEQ, Reg.R8, execveNr, execve);
        }
        if (execveatNr >= 0) {
            a.jmp(JmpOp.JEQ, Reg.R8, execveatNr, execveat);
        }
        a.ja(done);
        a.bind(execve);
        pointers(a, 1, 2);
        a.ja(walk).bind(execveat);
        pointers(a, 2, 3);
        a.bind(walk);
        array(a, S_ARGV, 1, ARGV_MAX, ARGV_START_MAX);
        array(a, S_ENVP, 2, ENV_MAX, ENV_START_MAX);
        if (mm != null) {
            task(a, mm);
        }
        a.bind(done);
    }

    /** Jumps to {@code notExec} unless R8 is {@code execveNr} or {@code execveatNr}. */
    static void onlyExec(Asm a, int execveNr, int execveatNr, Label notExec) {
        Label exec = a.newLabel("execargv_is_exec");
        if (execveNr >= 0) {
            a.jmp(JmpOp.JEQ, Reg.R8, execveNr, exec);
        }
        if (execveatNr >= 0) {
            a.jmp(JmpOp.JEQ, Reg.R8, execveatNr, exec);
        }
        a.ja(notExec).bind(exec);
    }

    /**
     * Bytes of slot 3 of an exec entry: total_vm, the four rss_stat counters, 1 when they were read, the NOFILE soft
     * limit, whether the caller's exe is writable by it.
     */
    static final int TASK_INFO = 64;
    /** Word of {@link #TASK_INFO} that is 1 when the memory counters were read. */
    static final int TASK_MM_READ = 5;
    /** Word of {@link #TASK_INFO} holding the open-files soft limit, -1 when it was not read. */
    static final int TASK_NOFILE = 6;
    /** Word of {@link #TASK_INFO}: 1 when the caller's exe is writable by it, 0 when not, -1 when not decided. */
    static final int TASK_EXE_WRITABLE = 7;

    /**
     * The caller's memory counters and open-files soft limit as slot 3, {@link #TASK_INFO} bytes: a failed exec's
     * vm_size, vm_rss, vm_swap and fdlimit, which the driver's exit reads from the calling task (libs
     * driver/modern_bpf execve.bpf.c: extract__fdlimit, extract__vm_size/rss/swap of {@code task->mm}, whatever the
     * return value). Read here, at the entry, for the exit program's cost (near the verifier's budget): a failed exec
     * never reached the point of no return (fs/exec.c begin_new_exec), so the task's mm and rlimits at its exit are
     * the ones it had at its entry, but for what another thread of the process changed meanwhile. Words 0-4 as
     * {@link KernelObjects#mmCounters} lays them out (total_vm, then rss_stat's file, anon, swap, shmem counters), word
     * {@link #TASK_MM_READ} 1 when they were read, word {@link #TASK_NOFILE}
     * {@code current->signal->rlim[RLIMIT_NOFILE].rlim_cur}, -1 when not read; word {@link #TASK_EXE_WRITABLE} the
     * exit's PPM_EXE_WRITABLE, which the driver decides from the task's {@code mm->exe_file} whatever the return
     * value (execve.bpf.c, extract__exe_writable; libs' driver test execveX_failure expects the flag on a failed
     * call), so a failed exec's is the caller's own exe's: {@link ExeAccess}, as the exec program decides it for the
     * new image. ExeAccess marks the record's id and uses argument words 0 and 1; both are put back here (the entry
     * event and the exit's lookup of its entry read them).
     */
    private static void task(Asm a, FdOffsets.Mm k) {
        Label noMm = a.newLabel("exectask_nomm");
        Label noLimit = a.newLabel("exectask_nolimit");
        Label out = a.newLabel("exectask_out");
        a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, END_MAX, out)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4);
        for (int i = 0; i < TASK_INFO; i += 8) {
            a.st(Size.DW, Reg.R1, i, i == 8 * TASK_NOFILE || i == 8 * TASK_EXE_WRITABLE ? -1 : 0);
        }
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, k.taskMm(), noMm);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, noMm);
        word(a, k.totalVm(), 0, noMm);
        for (int c = 0; c < 4; c++) {
            word(a, k.rss() + c * k.stride(), 1 + c, noMm);
        }
        a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, END_MAX, out)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).st(Size.DW, Reg.R1, 8 * TASK_MM_READ, 1);
        a.bind(noMm).call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, k.taskSignal(), noLimit);
        word(a, k.nofileCur(), TASK_NOFILE, noLimit);
        a.bind(noLimit);
        if (k.access() != null) {
            writable(a, k);
        }
        a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, END_MAX, out)
                .st(Size.H, Reg.R9, RawRecord.LENS + 2 * 3, TASK_INFO)
                .add(Reg.R4, TASK_INFO).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R4)
                .bind(out);
    }

    /**
     * Word {@link #TASK_EXE_WRITABLE} from {@link ExeAccess}'s bits in the record's id (R8, the call's number, is
     * written back), with argument words 0 and 1 kept aside in S_ARGV/S_ENVP (free once the arrays are copied).
     */
    private static void writable(Asm a, FdOffsets.Mm k) {
        Label out = a.newLabel("exectask_access_out");
        Label known = a.newLabel("exectask_access_known");
        a.ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ARGS).stx(Size.DW, Reg.R10, S_ARGV, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ARGS + 8).stx(Size.DW, Reg.R10, S_ENVP, Reg.R1);
        k.access().emit(a, k.taskMm(), k.exeFile());
        a.ldx(Size.DW, Reg.R1, Reg.R10, S_ARGV).stx(Size.DW, Reg.R9, RawRecord.ARGS, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_ENVP).stx(Size.DW, Reg.R9, RawRecord.ARGS + 8, Reg.R1)
                .ldx(Size.DW, Reg.R2, Reg.R9, RawRecord.ID).stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R8)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, END_MAX, out)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4)
                .rsh(Reg.R2, 34).alu64(AluOp.AND, Reg.R2, 3).jmp(JmpOp.JNE, Reg.R2, 0, known)
                .ja(out).bind(known).rsh(Reg.R2, 1).stx(Size.DW, Reg.R1, 8 * TASK_EXE_WRITABLE, Reg.R2)
                .bind(out);
    }

    /** Word {@code word} of the record's slot at S_OFF = the 8 bytes at S_SRC + {@code off} (kernel memory); {@code fail} when the read fails. */
    private static void word(Asm a, int off, int word, Label fail) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, fail).add(Reg.R3, off)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, END_MAX, fail)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).add(Reg.R1, 8 * word).movImm(Reg.R2, 8)
                .call(Helper.PROBE_READ_KERNEL).jmp(JmpOp.JNE, Reg.R0, 0, fail);
    }

    private static void pointers(Asm a, int argv, int envp) {
        a.ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ARGS + 8 * argv).stx(Size.DW, Reg.R10, S_ARGV, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ARGS + 8 * envp).stx(Size.DW, Reg.R10, S_ENVP, Reg.R1);
    }

    /**
     * The strings of the NULL-terminated pointer array at stack slot {@code ptrSlot} as record slot {@code slot}, at
     * most {@code max} bytes and {@link #POINTERS} strings: a failed pointer read or a NULL pointer ends the array
     * (auxmap__store_execve_args); a string that cannot be read is an empty one (its NUL), as the driver pushes it;
     * the last string is cut at {@code max}, with its NUL. The running length lives in the slot's length field.
     */
    private static void array(Asm a, int ptrSlot, int slot, int max, int startMax) {
        Label end = a.newLabel("execargv_end");
        int lens = RawRecord.LENS + 2 * slot;
        for (int i = 0; i < POINTERS; i++) {
            Label ok = a.newLabel("execargv_str");
            a.ldx(Size.DW, Reg.R3, Reg.R10, ptrSlot).jmp(JmpOp.JEQ, Reg.R3, 0, end).add(Reg.R3, 8 * i)
                    .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_SRC).movImm(Reg.R2, 8).call(Helper.PROBE_READ_USER)
                    .jmp(JmpOp.JNE, Reg.R0, 0, end)
                    .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, end)
                    // room left: max - used (used from map memory, bounded here)
                    .ldx(Size.H, Reg.R4, Reg.R9, lens).jmp(JmpOp.JGE, Reg.R4, max, end)
                    .movImm(Reg.R2, max).alu64(AluOp.SUB, Reg.R2, Reg.R4)
                    .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R1, startMax, end)
                    .add(Reg.R1, Reg.R4).mov(Reg.R4, Reg.R1).mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4)
                    .call(Helper.PROBE_READ_USER_STR)
                    // an unreadable string: the helper zeroed its first byte, an empty string
                    .jmp(JmpOp.JSGT, Reg.R0, 0, ok).movImm(Reg.R0, 1).bind(ok)
                    .ldx(Size.H, Reg.R1, Reg.R9, lens).add(Reg.R1, Reg.R0).stx(Size.H, Reg.R9, lens, Reg.R1);
        }
        Label capped = a.newLabel("execargv_capped");
        a.bind(end).ldx(Size.H, Reg.R1, Reg.R9, lens).jmp(JmpOp.JLE, Reg.R1, max, capped).movImm(Reg.R1, max)
                .stx(Size.H, Reg.R9, lens, Reg.R1).bind(capped)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).add(Reg.R4, Reg.R1).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R4);
    }
}
