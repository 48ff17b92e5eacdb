package io.boxscope.trace.live;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.vfs.DentryWalk;

/**
 * The names of the exec'd file and of the working directory, walked in the kernel at the exec ({@code
 * sched_process_exec}) from {@code current->mm->exe_file->f_path} and {@code current->fs->pwd}: what the driver's
 * execve exit gives (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate: {@code d_path(&exe_file->f_path)} for the
 * exe path; older drivers filled the exit's {@code cwd} the same way from {@code fs->pwd}). Tracepoint programs
 * have no {@code bpf_d_path}, so each is d_path's walk done by hand, bpf's {@link DentryWalk} (shared with diagnose,
 * which names the files a target writes with it).
 *
 * <p>The program writes each component's name ({@code d_name.name}, NUL-terminated, at most {@link #NAME_MAX}
 * bytes) leaf first, back to back, and says whether the walk reached a root; {@link #path} puts the components in
 * order ({@link DentryWalk#join}). A walk that did not (more than {@link #DEPTH} components, a name or path longer than the room, a failed
 * read, a dentry that is its own parent below its mount's root: a disconnected or unmounted tree) is incomplete, and
 * the consumer takes /proc's value instead (counted).
 */
public record PathWalk(DentryWalk walk, int fsPwd, int mmExeFile) {
    /** Most components walked per path (a deeper path is incomplete: /proc is asked). */
    static final int DEPTH = 48;
    /**
     * The turns the program is built with: {@link #DEPTH}; tests raise it past what the verifier accepts to check
     * that a refused walk leaves the capture running (CaptureProbe's execProgram falls back to /proc).
     */
    static volatile int depth = DEPTH;
    /** Bytes read per component: NAME_MAX (255, include/uapi/linux/limits.h) and its NUL. */
    static final int NAME_MAX = DentryWalk.NAME_MAX;
    /** Room for both paths' components together (the exe path's, then the cwd's). */
    static final int ROOM = 8192;

    // stack slots of the exec program (below CaptureProbe's)
    private static final int W_DENT = -216;
    private static final int W_MNT = -224;
    private static final int W_ROOTD = -232;
    private static final int W_ROOTM = -240;
    private static final int W_I = -248;
    private static final int W_TMP = -256;
    private static final int W_FLAGS = -264;
    private static final int W_EXELEN = -272;
    private static final int W_BASE = -280;
    private static final DentryWalk.Slots SLOTS = new DentryWalk.Slots(CaptureProbe.S_SRC, W_DENT, W_MNT, W_ROOTD, W_ROOTM, W_I, W_TMP);
    /** The names go into the record (R9) at its current end (W_BASE); their running length is the record's id. */
    private static final DentryWalk.Out OUT = new DentryWalk.Out(Reg.R9, RawRecord.ID, W_BASE, 0, ROOM);

    /** Bit of the record's id (above bit 32) set when the exe path's walk reached a root. */
    static final long EXE_DONE = 1L << 32;
    /** Bit of the record's id set when the cwd's walk reached a root. */
    static final long CWD_DONE = 1L << 33;

    /** The running kernel's offsets, from its BTF; null when one is missing (the walk is then not made). */
    static PathWalk of(Btf btf) {
        try {
            return new PathWalk(DentryWalk.of(btf), off(btf, "fs_struct.pwd"), off(btf, "mm_struct.exe_file"));
        } catch (BtfException | RuntimeException e) {
            return null;
        }
    }

    private static int off(Btf btf, String path) throws BtfException {
        return (int) btf.member(path).byteOffset();
    }

    /**
     * Both walks into slot 3 of the exec record, which starts at the record's current end (stack slot {@code
     * S_OFF}, at most {@code maxBase}): the exe path's components then the cwd's; the record's id gets the exe
     * path's byte count in its low 32 bits and {@link #EXE_DONE} / {@link #CWD_DONE}. {@code taskMm}: {@code
     * task_struct.mm}. Uses R9 (the record) and the program's S_SRC and S_OFF slots.
     */
    void emit(Asm a, int taskMm, int maxBase) {
        Label end = a.newLabel("paths_end");
        a.st(Size.DW, Reg.R9, RawRecord.ID, 0).st(Size.DW, Reg.R10, W_FLAGS, 0).st(Size.DW, Reg.R10, W_EXELEN, 0)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R1, maxBase, end)
                .stx(Size.DW, Reg.R10, W_BASE, Reg.R1);
        // the task's root: fs->root.{dentry,mnt}
        Label exe = a.newLabel("paths_exe");
        walk.emitRoot(a, SLOTS, end);
        // exe: current->mm->exe_file->f_path
        Label cwd = a.newLabel("paths_cwd");
        a.bind(exe).call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskMm, cwd);
        CaptureProbe.chase(a, mmExeFile, cwd);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, cwd);
        walk(a, walk.filePath(), EXE_DONE >>> 32, "exe");
        a.bind(cwd).ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ID).stx(Size.DW, Reg.R10, W_EXELEN, Reg.R1);
        // cwd: current->fs->pwd
        Label done = a.newLabel("paths_done");
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, walk.taskFs(), done);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, done);
        walk(a, fsPwd, CWD_DONE >>> 32, "cwd");
        // slot 3 = both paths' components; id = the exe path's length | the flags
        a.bind(done).ldx(Size.DW, Reg.R2, Reg.R9, RawRecord.ID).jmp(JmpOp.JGT, Reg.R2, ROOM, end)
                .stx(Size.H, Reg.R9, RawRecord.LENS + 6, Reg.R2)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_BASE).add(Reg.R1, Reg.R2).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_FLAGS).lsh(Reg.R1, 32)
                .ldx(Size.DW, Reg.R2, Reg.R10, W_EXELEN).alu64(AluOp.OR, Reg.R1, Reg.R2)
                .stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R1);
        a.bind(end);
    }

    /**
     * One walk ({@link DentryWalk#emitWalk}) from the {@code struct path} at S_SRC + {@code path}; sets {@code flag}
     * in W_FLAGS when it reached a root. The running length of the components is kept in the record's id.
     */
    private void walk(Asm a, int path, long flag, String tag) {
        Label out = a.newLabel(tag + "_out");
        Label complete = a.newLabel(tag + "_complete");
        walk.emitWalk(a, SLOTS, OUT, path, depth, tag, complete, out);
        a.bind(complete).ldx(Size.DW, Reg.R1, Reg.R10, W_FLAGS).alu64(AluOp.OR, Reg.R1, (int) flag)
                .stx(Size.DW, Reg.R10, W_FLAGS, Reg.R1).bind(out);
    }

    /**
     * The path named by a walk's components ({@code leafFirst}: NUL-terminated names, the leaf's first, as the
     * program wrote them): "/" and the names root first, joined by "/"; "/" for none (the root itself).
     */
    static String path(byte[] leafFirst) {
        return DentryWalk.join(LiveThreads.nulSeparated(leafFirst));
    }
}
