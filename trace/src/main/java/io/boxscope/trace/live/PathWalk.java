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

/**
 * The names of the exec'd file and of the working directory, walked in the kernel at the exec ({@code
 * sched_process_exec}) from {@code current->mm->exe_file->f_path} and {@code current->fs->pwd}: what the driver's
 * execve exit gives (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate: {@code d_path(&exe_file->f_path)} for the
 * exe path; older drivers filled the exit's {@code cwd} the same way from {@code fs->pwd}). Tracepoint programs
 * have no {@code bpf_d_path} (an LSM/fentry-only helper, kernel/trace/bpf_trace.c btf_allowlist_d_path), so this is
 * d_path's walk done by hand as the driver's own BPF probe does it (driver/bpf/fillers.h bpf_d_path_approx):
 * from the dentry up through {@code d_parent}, crossing a mount at its root to the dentry it is mounted on
 * ({@code struct mount} holds the {@code vfsmount}: {@code mnt_parent}, {@code mnt_mountpoint}; fs/mount.h), until
 * the task's root ({@code fs->root}: a chroot or container root ends the path there) or the namespace's root mount
 * (its {@code mnt_parent} is itself).
 *
 * <p>The program writes each component's name ({@code d_name.name}, NUL-terminated, at most {@link #NAME_MAX}
 * bytes) leaf first, back to back, and says whether the walk reached a root; {@link #path} puts the components in
 * order. A walk that did not (more than {@link #DEPTH} components, a name or path longer than the room, a failed
 * read, a dentry that is its own parent below its mount's root: a disconnected or unmounted tree) is incomplete, and
 * the consumer takes /proc's value instead (counted).
 */
public record PathWalk(int taskFs, int fsRoot, int fsPwd, int mmExeFile, int filePath, int pathMnt, int pathDentry,
                       int dParent, int dName, int mountMnt, int mountParent, int mountMountpoint, int mntRoot) {
    /** Most components walked per path (a deeper path is incomplete: /proc is asked). */
    static final int DEPTH = 48;
    /**
     * The turns the program is built with: {@link #DEPTH}; tests raise it past what the verifier accepts to check
     * that a refused walk leaves the capture running (CaptureProbe's execProgram falls back to /proc).
     */
    static volatile int depth = DEPTH;
    /** Bytes read per component: NAME_MAX (255, include/uapi/linux/limits.h) and its NUL. */
    static final int NAME_MAX = 256;
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

    /** Bit of the record's id (above bit 32) set when the exe path's walk reached a root. */
    static final long EXE_DONE = 1L << 32;
    /** Bit of the record's id set when the cwd's walk reached a root. */
    static final long CWD_DONE = 1L << 33;

    /** The running kernel's offsets, from its BTF; null when one is missing (the walk is then not made). */
    static PathWalk of(Btf btf) {
        try {
            return new PathWalk(off(btf, "task_struct.fs"), off(btf, "fs_struct.root"), off(btf, "fs_struct.pwd"),
                    off(btf, "mm_struct.exe_file"), off(btf, "file.f_path"), off(btf, "path.mnt"), off(btf, "path.dentry"),
                    off(btf, "dentry.d_parent"), off(btf, "dentry.d_name") + off(btf, "qstr.name"), off(btf, "mount.mnt"),
                    off(btf, "mount.mnt_parent"), off(btf, "mount.mnt_mountpoint"), off(btf, "vfsmount.mnt_root"));
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
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskFs, end);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, end);
        read(a, CaptureProbe.S_SRC, fsRoot + pathDentry, W_ROOTD, end);
        read(a, CaptureProbe.S_SRC, fsRoot + pathMnt, W_ROOTM, end);
        // exe: current->mm->exe_file->f_path
        Label cwd = a.newLabel("paths_cwd");
        a.bind(exe).call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskMm, cwd);
        CaptureProbe.chase(a, mmExeFile, cwd);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, cwd);
        walk(a, filePath, EXE_DONE >>> 32, "exe");
        a.bind(cwd).ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ID).stx(Size.DW, Reg.R10, W_EXELEN, Reg.R1);
        // cwd: current->fs->pwd
        Label done = a.newLabel("paths_done");
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskFs, done);
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
     * One walk from the {@code struct path} at S_SRC + {@code path}; sets {@code flag} in W_FLAGS when it reached a
     * root. The running length of the components is kept in the record's id (map memory: the verifier does not track
     * values there, so every turn of the loop looks alike to it and the states prune; only the turn counter is exact).
     */
    private void walk(Asm a, int path, long flag, String tag) {
        Label out = a.newLabel(tag + "_out");
        Label complete = a.newLabel(tag + "_complete");
        Label loop = a.newLabel(tag + "_loop");
        Label notRoot = a.newLabel(tag + "_notroot");
        Label inner = a.newLabel(tag + "_inner");
        read(a, CaptureProbe.S_SRC, path + pathDentry, W_DENT, out);
        read(a, CaptureProbe.S_SRC, path + pathMnt, W_MNT, out);
        a.st(Size.DW, Reg.R10, W_I, 0).bind(loop)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_I).jmp(JmpOp.JGE, Reg.R1, depth, out)
                .add(Reg.R1, 1).stx(Size.DW, Reg.R10, W_I, Reg.R1)
                // the task's root: the path ends here
                .ldx(Size.DW, Reg.R1, Reg.R10, W_DENT).ldx(Size.DW, Reg.R2, Reg.R10, W_ROOTD).jmp(JmpOp.JNE, Reg.R1, Reg.R2, notRoot)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_MNT).ldx(Size.DW, Reg.R2, Reg.R10, W_ROOTM).jmp(JmpOp.JEQ, Reg.R1, Reg.R2, complete)
                .bind(notRoot);
        read(a, W_MNT, mntRoot, W_TMP, out);
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_DENT).ldx(Size.DW, Reg.R2, Reg.R10, W_TMP).jmp(JmpOp.JNE, Reg.R1, Reg.R2, inner);
        // the root of a mount: on to the dentry it is mounted on, in the parent mount (fs/d_path.c prepend_path)
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_MNT).add(Reg.R1, -mountMnt).stx(Size.DW, Reg.R10, W_MNT, Reg.R1);
        read(a, W_MNT, mountParent, W_TMP, out);
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_MNT).ldx(Size.DW, Reg.R2, Reg.R10, W_TMP)
                .jmp(JmpOp.JEQ, Reg.R1, Reg.R2, complete); // the namespace's root mount
        read(a, W_MNT, mountMountpoint, W_DENT, out);
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_TMP).add(Reg.R1, mountMnt).stx(Size.DW, Reg.R10, W_MNT, Reg.R1).ja(loop);
        // a component: its name, then its parent
        a.bind(inner);
        read(a, W_DENT, dParent, W_TMP, out);
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_DENT).ldx(Size.DW, Reg.R2, Reg.R10, W_TMP)
                .jmp(JmpOp.JEQ, Reg.R1, Reg.R2, out); // its own parent below its mount's root: not connected
        read(a, W_DENT, dName, CaptureProbe.S_SRC, out);
        a.ldx(Size.DW, Reg.R4, Reg.R9, RawRecord.ID).jmp(JmpOp.JGT, Reg.R4, ROOM - NAME_MAX, out)
                .ldx(Size.DW, Reg.R5, Reg.R10, W_BASE).add(Reg.R4, Reg.R5)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).movImm(Reg.R2, NAME_MAX)
                .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).call(Helper.PROBE_READ_KERNEL_STR)
                .jmp(JmpOp.JSLE, Reg.R0, 0, out)
                .ldx(Size.DW, Reg.R4, Reg.R9, RawRecord.ID).add(Reg.R4, Reg.R0).stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R4)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_TMP).stx(Size.DW, Reg.R10, W_DENT, Reg.R1).ja(loop);
        a.bind(complete).ldx(Size.DW, Reg.R1, Reg.R10, W_FLAGS).alu64(AluOp.OR, Reg.R1, (int) flag)
                .stx(Size.DW, Reg.R10, W_FLAGS, Reg.R1).bind(out);
    }

    /** Stack slot {@code dst} = the u64 at (the pointer in stack slot {@code src}) + {@code off}, or a jump to {@code fail}. */
    private static void read(Asm a, int src, int off, int dst, Label fail) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, fail).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, dst).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, fail);
    }

    /**
     * The path named by a walk's components ({@code leafFirst}: NUL-terminated names, the leaf's first, as the
     * program wrote them): "/" and the names root first, joined by "/"; "/" for none (the root itself).
     */
    static String path(byte[] leafFirst) {
        java.util.List<String> names = LiveThreads.nulSeparated(leafFirst);
        StringBuilder b = new StringBuilder();
        for (String n : names.reversed()) {
            b.append('/').append(n);
        }
        return b.isEmpty() ? "/" : b.toString();
    }
}
