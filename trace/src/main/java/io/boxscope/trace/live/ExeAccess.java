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
 * Whether the exec'd file is writable by the process that runs it: the execve (and execveat) exit's flag
 * PPM_EXE_WRITABLE, which the driver sets when {@code file_permission(exe_file, MAY_WRITE)} succeeds or
 * {@code inode_owner_or_capable} holds (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate, "exe_writable").
 * Decided in the exec program from {@code mm->exe_file->f_inode} ({@code i_uid}, {@code i_gid}, {@code i_mode},
 * {@code i_sb->s_flags}) and {@code current->cred} ({@code fsuid}, {@code fsgid}, {@code cap_effective}) as
 * fs/namei.c decides: the owner (fsuid = i_uid) or CAP_FOWNER (inode_owner_or_capable); else, on a filesystem not
 * mounted read-only (SB_RDONLY), CAP_DAC_OVERRIDE or the mode's write bit of the caller's class (generic_permission:
 * owner, group, others; the group class by in_group_p: the fsgid, else a member of {@code cred->group_info}, the
 * supplementary groups: {@link #supplementary}). Not modelled: ACLs, user namespaces' id maps, immutable inodes. {@code cap_effective} is a kernel_cap_t: {@code struct { u64 val; }} since Linux 6.3
 * (include/linux/capability.h, commit f122a08b197d), {@code struct { __u32 cap[2]; }} before; which one is decided
 * from BTF ({@link #capField}), not from the kernel version, and the old layout is read as cap[0], a u32 (CAP_FOWNER
 * and CAP_DAC_OVERRIDE are below 32): one u64 read there would take the wrong half on a big-endian host.
 *
 * @param capEffective where the capability word to test is in {@code struct cred}
 * @param capSize      its size: 8 (kernel_cap_t.val) or 4 (kernel_cap_t.cap[0])
 */
record ExeAccess(int taskCred, int fsuid, int fsgid, int capEffective, int capSize, int fileInode, int iUid, int iGid,
                 int iMode, int iSb, int sFlags, Groups groups) {
    /**
     * Where a cred's supplementary groups are: {@code cred.group_info}, {@code group_info.ngroups} (an int) and
     * {@code group_info.gid} (a flexible array of kgid_t, sorted: include/linux/cred.h; set_groups' callers sort it
     * with groups_sort, kernel/groups.c). Null when the kernel's BTF lacks one: the group class is then the fsgid's
     * alone, as before.
     */
    record Groups(int credGroupInfo, int ngroups, int gid) {
        static Groups of(Btf btf) {
            try {
                return new Groups(off(btf, "cred.group_info"), off(btf, "group_info.ngroups"), off(btf, "group_info.gid"));
            } catch (BtfException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * Steps of the binary search over {@code group_info.gid}: 17 decide any list of up to 2^17 - 1 groups, more than
     * the kernel's NGROUPS_MAX (65,536, include/uapi/linux/limits.h; setgroups refuses more: kernel/groups.c), so the
     * search is the kernel's groups_search whole, not a cut of it. libs' modern probe makes 16
     * (MAX_GROUP_SEARCH_DEPTH, driver/modern_bpf/helpers/extract/extract_from_kernel.h groups_search), one short of
     * a list of 65,536. Should a search end undecided all the same, the group is taken as not the caller's.
     */
    static final int SEARCH_STEPS = 17;
    /** Bit of the exec record's id set when the check was made. */
    static final long KNOWN = 1L << 34;
    /** Bit of the exec record's id set when the exe file is writable (PPM_EXE_WRITABLE). */
    static final long WRITABLE = 1L << 35;
    private static final int CAP_DAC_OVERRIDE = 1;
    private static final int CAP_FOWNER = 3;
    private static final int SB_RDONLY = 1;

    // stack slots (the walk's, free again once PathWalk is done)
    private static final int A_UID = -216;
    private static final int A_GID = -224;
    private static final int A_MODE = -232;
    private static final int A_SBF = -240;
    private static final int A_FSUID = -248;
    private static final int A_FSGID = -256;
    private static final int A_CAP = -264;
    // below PathWalk's slots (its last is -280): the group search's
    private static final int A_GI = -288;
    private static final int A_G = -296;
    private static final int A_MID = -304;

    /** The running kernel's offsets; null when its BTF lacks one. */
    static ExeAccess of(Btf btf) {
        try {
            int[] cap = capField(btf);
            return new ExeAccess(off(btf, "task_struct.cred"), off(btf, "cred.fsuid"), off(btf, "cred.fsgid"),
                    cap[0], cap[1], off(btf, "file.f_inode"), off(btf, "inode.i_uid"), off(btf, "inode.i_gid"),
                    off(btf, "inode.i_mode"), off(btf, "inode.i_sb"), off(btf, "super_block.s_flags"), Groups.of(btf));
        } catch (BtfException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The offset in {@code struct cred} and the size of the capability word holding CAP_FOWNER and CAP_DAC_OVERRIDE:
     * {@code cap_effective.val} (u64) where kernel_cap_t has a {@code val}, else {@code cap_effective.cap[0]} (u32)
     * where it has the array {@code cap}.
     */
    static int[] capField(Btf btf) throws BtfException {
        var cap = btf.member("cred.cap_effective");
        int type = btf.resolve(cap.typeId());
        if (btf.type(type) instanceof io.boxscope.bpf.btf.BtfType.Struct s) {
            for (var m : s.members()) {
                if (m.name().equals("val") && btf.sizeOf(m.type()) == 8) {
                    return new int[] {(int) (cap.byteOffset() + m.bitOffset() / 8), 8};
                }
                if (m.name().equals("cap") && btf.type(btf.resolve(m.type())) instanceof io.boxscope.bpf.btf.BtfType.Array a
                        && btf.sizeOf(a.elementType()) == 4) {
                    return new int[] {(int) (cap.byteOffset() + m.bitOffset() / 8), 4};
                }
            }
        }
        throw new BtfException("cred.cap_effective is neither { u64 val; } nor { u32 cap[]; }");
    }

    private static int off(Btf btf, String path) throws BtfException {
        return (int) btf.member(path).byteOffset();
    }

    /** Sets {@link #KNOWN} and maybe {@link #WRITABLE} in the record's id; nothing when a read fails. */
    void emit(Asm a, int taskMm, int mmExeFile) {
        Label end = a.newLabel("access_end");
        Label yes = a.newLabel("access_yes");
        Label no = a.newLabel("access_no");
        Label group = a.newLabel("access_group");
        Label other = a.newLabel("access_other");
        for (int s : new int[] {A_UID, A_GID, A_MODE, A_SBF, A_FSUID, A_FSGID, A_CAP}) {
            a.st(Size.DW, Reg.R10, s, 0);
        }
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskMm, end);
        CaptureProbe.chase(a, mmExeFile, end);
        CaptureProbe.chase(a, fileInode, end);
        read(a, iUid, 4, A_UID, end);
        read(a, iGid, 4, A_GID, end);
        read(a, iMode, 2, A_MODE, end);
        CaptureProbe.chase(a, iSb, end);
        read(a, sFlags, 8, A_SBF, end);
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskCred, end);
        read(a, fsuid, 4, A_FSUID, end);
        read(a, fsgid, 4, A_FSGID, end);
        read(a, capEffective, capSize, A_CAP, end);
        Size cap = capSize == 4 ? Size.W : Size.DW; // the slot's first bytes: a u32 loaded as one on either byte order
        a.ldx(Size.W, Reg.R1, Reg.R10, A_FSUID).ldx(Size.W, Reg.R2, Reg.R10, A_UID).jmp(JmpOp.JEQ, Reg.R1, Reg.R2, yes)
                .ldx(cap, Reg.R1, Reg.R10, A_CAP).alu64(AluOp.AND, Reg.R1, 1 << CAP_FOWNER).jmp(JmpOp.JNE, Reg.R1, 0, yes)
                .ldx(Size.DW, Reg.R1, Reg.R10, A_SBF).alu64(AluOp.AND, Reg.R1, SB_RDONLY).jmp(JmpOp.JNE, Reg.R1, 0, no)
                .ldx(cap, Reg.R1, Reg.R10, A_CAP).alu64(AluOp.AND, Reg.R1, 1 << CAP_DAC_OVERRIDE).jmp(JmpOp.JNE, Reg.R1, 0, yes)
                .ldx(Size.W, Reg.R1, Reg.R10, A_FSGID).ldx(Size.W, Reg.R2, Reg.R10, A_GID).jmp(JmpOp.JEQ, Reg.R1, Reg.R2, group);
        if (groups != null) {
            supplementary(a, group, other);
        }
        a.bind(other).ldx(Size.H, Reg.R3, Reg.R10, A_MODE).alu64(AluOp.AND, Reg.R3, 0002).jmp(JmpOp.JNE, Reg.R3, 0, yes).ja(no)
                .bind(group).ldx(Size.H, Reg.R3, Reg.R10, A_MODE).alu64(AluOp.AND, Reg.R3, 0020).jmp(JmpOp.JNE, Reg.R3, 0, yes).ja(no);
        a.bind(yes).ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ID).mov(Reg.R2, Reg.R1).movImm(Reg.R1, 3).lsh(Reg.R1, 34)
                .alu64(AluOp.OR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R1).ja(end);
        a.bind(no).ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ID).mov(Reg.R2, Reg.R1).movImm(Reg.R1, 1).lsh(Reg.R1, 34)
                .alu64(AluOp.OR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R1);
        a.bind(end);
    }

    /**
     * The kernel's in_group_p past the fsgid (kernel/groups.c): a binary search of the inode's gid in the sorted
     * {@code current->cred->group_info->gid[0..ngroups)}, as groups_search makes it, {@link #SEARCH_STEPS} steps
     * unrolled; found jumps to {@code group}, else (or a failed read) to {@code other}. The bounds lo and hi live in
     * the record's argument words 0 and 1 (map memory, zeroed after this by {@link ExecRecord}): the verifier does
     * not track map values, so a step's two outcomes (lo = mid + 1, hi = mid) reach the next step in one state and
     * the 17 steps cost it about 17 times a step's instructions, not 2^17 paths.
     */
    private void supplementary(Asm a, Label group, Label other) {
        int lo = RawRecord.ARGS;
        int hi = RawRecord.ARGS + 8;
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R0);
        CaptureProbe.chase(a, taskCred, other);
        CaptureProbe.chase(a, groups.credGroupInfo(), other);
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, other)
                .stx(Size.DW, Reg.R10, A_GI, Reg.R3).st(Size.DW, Reg.R10, A_G, 0);
        read(a, groups.ngroups(), 4, A_G, other);
        a.st(Size.DW, Reg.R9, lo, 0).ldx(Size.W, Reg.R1, Reg.R10, A_G).stx(Size.DW, Reg.R9, hi, Reg.R1);
        for (int step = 0; step < SEARCH_STEPS; step++) {
            Label below = a.newLabel("groups_below" + step);
            Label next = a.newLabel("groups_next" + step);
            a.ldx(Size.DW, Reg.R1, Reg.R9, lo).ldx(Size.DW, Reg.R2, Reg.R9, hi).jmp(JmpOp.JGE, Reg.R1, Reg.R2, other)
                    .add(Reg.R1, Reg.R2).rsh(Reg.R1, 1).stx(Size.DW, Reg.R10, A_MID, Reg.R1)
                    .lsh(Reg.R1, 2).ldx(Size.DW, Reg.R3, Reg.R10, A_GI).add(Reg.R3, Reg.R1).add(Reg.R3, groups.gid())
                    .st(Size.DW, Reg.R10, A_G, 0).mov(Reg.R1, Reg.R10).add(Reg.R1, A_G).movImm(Reg.R2, 4)
                    .call(Helper.PROBE_READ_KERNEL).jmp(JmpOp.JNE, Reg.R0, 0, other)
                    .ldx(Size.W, Reg.R1, Reg.R10, A_G).ldx(Size.W, Reg.R2, Reg.R10, A_GID).jmp(JmpOp.JEQ, Reg.R1, Reg.R2, group)
                    .jmp(JmpOp.JLT, Reg.R2, Reg.R1, below)
                    .ldx(Size.DW, Reg.R1, Reg.R10, A_MID).add(Reg.R1, 1).stx(Size.DW, Reg.R9, lo, Reg.R1).ja(next)
                    .bind(below).ldx(Size.DW, Reg.R1, Reg.R10, A_MID).stx(Size.DW, Reg.R9, hi, Reg.R1)
                    .bind(next);
        }
        a.ja(other);
    }

    /** Stack slot {@code dst} (zeroed) = {@code size} bytes at S_SRC + {@code off} (kernel memory), or a jump to {@code fail}. */
    private static void read(Asm a, int off, int size, int dst, Label fail) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, fail).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, dst).movImm(Reg.R2, size).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, fail);
    }
}
