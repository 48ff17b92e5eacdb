package io.boxscope.bpf.vfs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;

/**
 * The name of a {@code struct path} (a file's {@code f_path}, a task's {@code fs->pwd}), walked in the kernel by a
 * tracing program. Tracepoint and raw tracepoint programs have no {@code bpf_d_path} (an LSM/fentry-only helper,
 * kernel/trace/bpf_trace.c btf_allowlist_d_path), so this is d_path's walk done by hand (fs/d_path.c prepend_path),
 * as sysdig's BPF probe does it (libs e5c53d64 driver/bpf/fillers.h bpf_d_path_approx): from the dentry up through
 * {@code d_parent}, crossing a mount at its root to the dentry it is mounted on ({@code struct mount} holds the
 * {@code vfsmount}: {@code mnt_parent}, {@code mnt_mountpoint}; fs/mount.h), until the task's root ({@code
 * fs->root}: a chroot or container root ends the path there, so the path is the one the task sees) or the
 * namespace's root mount (its {@code mnt_parent} is itself).
 *
 * <p>The routine writes each component's name ({@code d_name.name}, NUL-terminated, at most {@link #NAME_MAX}
 * bytes) leaf first, back to back, into map memory ({@link Out}), and ends at one of two labels: the walk reached a
 * root (the path is whole), or it did not: more turns than asked, no room for one more name, a failed read, a
 * dentry that is its own parent below its mount's root (a disconnected tree, or a pseudo file system's file: a pipe,
 * a socket, whose name the kernel makes with {@code d_dname}). An incomplete walk still holds the leaf's end of the
 * path: {@link #truncated} shows it as {@code .../dir/file}. Used by trace (exec paths, docs/trace.md) and diagnose
 * (the files a target reads and writes, docs/diagnose.md).
 *
 * @param taskFs          {@code task_struct.fs}
 * @param fsRoot          {@code fs_struct.root} (a {@code struct path})
 * @param filePath        {@code file.f_path}
 * @param pathMnt         {@code path.mnt}
 * @param pathDentry      {@code path.dentry}
 * @param dParent         {@code dentry.d_parent}
 * @param dName           {@code dentry.d_name} + {@code qstr.name}: the name's pointer
 * @param mountMnt        {@code mount.mnt} (the {@code struct vfsmount} inside a {@code struct mount})
 * @param mountParent     {@code mount.mnt_parent}
 * @param mountMountpoint {@code mount.mnt_mountpoint}
 * @param mntRoot         {@code vfsmount.mnt_root}
 */
public record DentryWalk(int taskFs, int fsRoot, int filePath, int pathMnt, int pathDentry, int dParent, int dName,
                         int mountMnt, int mountParent, int mountMountpoint, int mntRoot) {
    /** Bytes read per component: NAME_MAX (255, include/uapi/linux/limits.h) and its NUL. */
    public static final int NAME_MAX = 256;

    /**
     * The stack slots the routine uses (8 bytes each, distinct, negative offsets from R10).
     *
     * @param src   a pointer: the object holding the {@code struct path} walked (set by the caller), then each name's
     * @param dent  the current dentry
     * @param mnt   the current {@code vfsmount}
     * @param rootD the task's root dentry ({@link #emitRoot})
     * @param rootM the task's root {@code vfsmount}
     * @param turn  the turn counter
     * @param tmp   scratch
     */
    public record Slots(int src, int dent, int mnt, int rootD, int rootM, int turn, int tmp) {}

    /**
     * Where the names go: map memory at register {@code buf}. The running length of the names (a u64) is kept at
     * {@code buf + lenOff}, in map memory, where the verifier does not track values: every turn of the loop then looks
     * alike to it and its states prune (only the turn counter is exact). A name is written at {@code buf + base +
     * [baseSlot] + length}, {@code baseSlot} a stack slot holding a further offset (0: none), while the length is at
     * most {@code room - NAME_MAX}: the caller's memory must hold {@code base + max[baseSlot] + room} bytes.
     */
    public record Out(Reg buf, int lenOff, int baseSlot, int base, int room) {
        public Out {
            if (room < NAME_MAX) {
                throw new IllegalArgumentException("room for the names (" + room + " bytes) is less than one name (" + NAME_MAX + ")");
            }
        }
    }

    /** The running kernel's offsets, from its BTF; a BtfException naming the member this kernel lacks. */
    public static DentryWalk of(Btf btf) throws BtfException {
        return new DentryWalk(off(btf, "task_struct.fs"), off(btf, "fs_struct.root"), off(btf, "file.f_path"),
                off(btf, "path.mnt"), off(btf, "path.dentry"), off(btf, "dentry.d_parent"),
                off(btf, "dentry.d_name") + off(btf, "qstr.name"), off(btf, "mount.mnt"), off(btf, "mount.mnt_parent"),
                off(btf, "mount.mnt_mountpoint"), off(btf, "vfsmount.mnt_root"));
    }

    private static int off(Btf btf, String path) throws BtfException {
        return (int) btf.member(path).byteOffset();
    }

    /**
     * The current task's root ({@code current->fs->root}) into slots {@code rootD} and {@code rootM}, or a jump to
     * {@code fail}. Uses slot {@code src}; clobbers R0 to R5.
     */
    public void emitRoot(Asm a, Slots s, Label fail) {
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, s.src(), Reg.R0);
        FdTable.chase(a, s.src(), taskFs, fail);
        a.ldx(Size.DW, Reg.R3, Reg.R10, s.src()).jmp(JmpOp.JEQ, Reg.R3, 0, fail);
        read(a, s.src(), fsRoot + pathDentry, s.rootD(), fail);
        read(a, s.src(), fsRoot + pathMnt, s.rootM(), fail);
    }

    /**
     * One walk from the {@code struct path} at (the pointer in slot {@code src}) + {@code path}, after {@link
     * #emitRoot}: the names, leaf first, into {@code o}, adding to the length there (which the caller zeroes first);
     * then a jump to {@code complete} when it reached a root, to {@code incomplete} otherwise (the routine's last
     * instruction is a jump: the caller binds both labels). At most {@code turns} dentries and mount crossings.
     * {@code tag} names the routine's own labels. Clobbers R0 to R5.
     */
    public void emitWalk(Asm a, Slots s, Out o, int path, int turns, String tag, Label complete, Label incomplete) {
        Label loop = a.newLabel(tag + "_loop");
        Label notRoot = a.newLabel(tag + "_notroot");
        Label inner = a.newLabel(tag + "_inner");
        read(a, s.src(), path + pathDentry, s.dent(), incomplete);
        read(a, s.src(), path + pathMnt, s.mnt(), incomplete);
        a.st(Size.DW, Reg.R10, s.turn(), 0).bind(loop)
                .ldx(Size.DW, Reg.R1, Reg.R10, s.turn()).jmp(JmpOp.JGE, Reg.R1, turns, incomplete)
                .add(Reg.R1, 1).stx(Size.DW, Reg.R10, s.turn(), Reg.R1)
                // the task's root: the path ends here
                .ldx(Size.DW, Reg.R1, Reg.R10, s.dent()).ldx(Size.DW, Reg.R2, Reg.R10, s.rootD()).jmp(JmpOp.JNE, Reg.R1, Reg.R2, notRoot)
                .ldx(Size.DW, Reg.R1, Reg.R10, s.mnt()).ldx(Size.DW, Reg.R2, Reg.R10, s.rootM()).jmp(JmpOp.JEQ, Reg.R1, Reg.R2, complete)
                .bind(notRoot);
        read(a, s.mnt(), mntRoot, s.tmp(), incomplete);
        a.ldx(Size.DW, Reg.R1, Reg.R10, s.dent()).ldx(Size.DW, Reg.R2, Reg.R10, s.tmp()).jmp(JmpOp.JNE, Reg.R1, Reg.R2, inner);
        // the root of a mount: on to the dentry it is mounted on, in the parent mount (fs/d_path.c prepend_path)
        a.ldx(Size.DW, Reg.R1, Reg.R10, s.mnt()).add(Reg.R1, -mountMnt).stx(Size.DW, Reg.R10, s.mnt(), Reg.R1);
        read(a, s.mnt(), mountParent, s.tmp(), incomplete);
        a.ldx(Size.DW, Reg.R1, Reg.R10, s.mnt()).ldx(Size.DW, Reg.R2, Reg.R10, s.tmp())
                .jmp(JmpOp.JEQ, Reg.R1, Reg.R2, complete); // the namespace's root mount
        read(a, s.mnt(), mountMountpoint, s.dent(), incomplete);
        a.ldx(Size.DW, Reg.R1, Reg.R10, s.tmp()).add(Reg.R1, mountMnt).stx(Size.DW, Reg.R10, s.mnt(), Reg.R1).ja(loop);
        // a component: its name, then its parent
        a.bind(inner);
        read(a, s.dent(), dParent, s.tmp(), incomplete);
        a.ldx(Size.DW, Reg.R1, Reg.R10, s.dent()).ldx(Size.DW, Reg.R2, Reg.R10, s.tmp())
                .jmp(JmpOp.JEQ, Reg.R1, Reg.R2, incomplete); // its own parent below its mount's root: not connected
        read(a, s.dent(), dName, s.src(), incomplete);
        a.ldx(Size.DW, Reg.R4, o.buf(), o.lenOff()).jmp(JmpOp.JGT, Reg.R4, o.room() - NAME_MAX, incomplete);
        if (o.baseSlot() != 0) {
            a.ldx(Size.DW, Reg.R5, Reg.R10, o.baseSlot()).add(Reg.R4, Reg.R5);
        }
        a.mov(Reg.R1, o.buf()).add(Reg.R1, Reg.R4);
        if (o.base() != 0) {
            a.add(Reg.R1, o.base());
        }
        a.movImm(Reg.R2, NAME_MAX)
                .ldx(Size.DW, Reg.R3, Reg.R10, s.src()).call(Helper.PROBE_READ_KERNEL_STR)
                .jmp(JmpOp.JSLE, Reg.R0, 0, incomplete)
                .ldx(Size.DW, Reg.R4, o.buf(), o.lenOff()).add(Reg.R4, Reg.R0).stx(Size.DW, o.buf(), o.lenOff(), Reg.R4)
                .ldx(Size.DW, Reg.R1, Reg.R10, s.tmp()).stx(Size.DW, Reg.R10, s.dent(), Reg.R1).ja(loop);
    }

    /** Stack slot {@code dst} = the u64 at (the pointer in stack slot {@code src}) + {@code off}, or a jump to {@code fail}. */
    private static void read(Asm a, int src, int off, int dst, Label fail) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, fail).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, dst).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, fail);
    }

    /**
     * The path named by a whole walk's components ({@code leafFirst}, as the program wrote them): "/" and the names
     * root first, joined by "/"; "/" for none (the root itself).
     */
    public static String join(List<String> leafFirst) {
        StringBuilder b = new StringBuilder();
        for (String n : leafFirst.reversed()) {
            b.append('/').append(n);
        }
        return b.isEmpty() ? "/" : b.toString();
    }

    /**
     * The end of a path an incomplete walk gave ({@code leafFirst}, at least one): {@code .../dir/file}, saying that
     * what is above it is not known.
     */
    public static String truncated(List<String> leafFirst) {
        if (leafFirst.isEmpty()) {
            throw new IllegalArgumentException("an incomplete walk without a component names nothing");
        }
        return "..." + join(leafFirst);
    }

    /**
     * The NUL-terminated names in {@code bytes} (the first {@code len} of {@code b}), as the program wrote them, each
     * decoded as UTF-8 (an invalid sequence as U+FFFD: for display; trace keeps the bytes themselves, its RawText). A
     * last name without its NUL (cut) is kept.
     */
    public static List<String> components(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IllegalArgumentException("components of bytes " + off + ".." + (off + len) + " of " + b.length);
        }
        List<String> out = new ArrayList<>();
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < off + len) {
            out.add(new String(b, start, off + len - start, StandardCharsets.UTF_8));
        }
        return out;
    }
}
