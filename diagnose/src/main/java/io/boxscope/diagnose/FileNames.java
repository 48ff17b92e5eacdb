package io.boxscope.diagnose;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.vfs.DentryWalk;
import io.boxscope.bpf.vfs.FdTable;

/**
 * The names of the files {@link SyscallCounters} charges reads, writes and fsyncs to, walked in the kernel when a
 * file's (pid, fd) entry is first made (issue 15: a short-lived process, every {@code dd} of a shell loop, is gone
 * when the window ends, and /proc/PID/fd/FD with it). The exit program, on the branch that has just created the
 * entry (once per (pid, fd, inode) per window, never on the calls that find it), takes {@code current->files->fdt->fd[fd]}
 * ({@link FdTable}) and walks its {@code f_path} up to the task's root ({@link DentryWalk}: d_path's walk by hand,
 * as trace names exec paths) into a per-CPU scratch value, then copies that into {@code dg_names}, a hash map keyed
 * as the file map. A read or write that finds its entry runs no walk.
 *
 * <p>A value: the names' length (u64), flags (u64: {@link #COMPLETE} when the walk reached the task's root), then
 * the names leaf first in {@link #ROOM} bytes. A name is read {@link DentryWalk#NAME_MAX} bytes at a time, so the
 * walk stops (incomplete) once fewer than that are left: a path whose names above the leaf's fill more than
 * {@code ROOM - NAME_MAX} bytes, or deeper than {@link #TURNS}, is shown by its end, {@code .../dir/file}. A walk that
 * gave nothing because the file is a pseudo file system's (its dentry is its own parent: a pipe, a socket, an
 * anonymous inode such as an eventfd) is named as the kernel's {@code d_dname} names it, {@code pipe:[INO]},
 * {@code socket:[INO]}, {@code anon_inode:[eventfd]} (what /proc/PID/fd/FD shows), from its inode number, its
 * super block's magic and its dentry's name ({@link #PSEUDO}); any other failure (a failed read, a file system
 * not known here, no BTF member) leaves the name to /proc at the end, as before, and is counted
 * ({@link SyscallCounters.Result#unnamed}, said under NOT MEASURED by {@link Ebpf#unnamedFiles}).
 *
 * <p>The path is the one the process sees (the walk ends at its {@code fs->root}: a container's path inside the
 * container, as sysdig's {@code fd.name}), keyed by (pid, fd, inode number) as the counters are ({@link #emitInode}): a descriptor closed and
 * reopened on another file in the window makes a new entry, named after the new file. A file unlinked when it was named has its last name followed by
 * " (deleted)", as /proc/PID/fd/FD shows it ({@link #DELETED}); one unlinked after that is shown by its name alone.
 */
record FileNames(DentryWalk walk, FdTable fds, Pseudo pseudo, int dentryHashPprev) {
    /**
     * The offset of {@code dentry.d_hash.pprev} from BTF: 0 there (an unhashed dentry) is what the kernel's
     * {@code d_unlinked} tests, with {@code !IS_ROOT}, before d_path adds " (deleted)" (fs/d_path.c, include/linux/dcache.h).
     */
    static int dentryHashPprev(Btf btf) throws BtfException {
        return (int) (btf.member("dentry.d_hash").byteOffset() + btf.member("hlist_bl_node.pprev").byteOffset());
    }

    /**
     * Where a pseudo file system's file gets the name /proc gives it: {@code file.f_inode}, {@code inode.i_ino},
     * {@code inode.i_sb}, {@code super_block.s_magic}.
     */
    record Pseudo(int fileInode, int inodeIno, int inodeSb, int sbMagic) {
        static Pseudo of(Btf btf) throws BtfException {
            return new Pseudo((int) btf.member("file.f_inode").byteOffset(), (int) btf.member("inode.i_ino").byteOffset(),
                    (int) btf.member("inode.i_sb").byteOffset(), (int) btf.member("super_block.s_magic").byteOffset());
        }
    }

    /** include/uapi/linux/magic.h: fs/pipe.c's pipefs_dname names its files "pipe:[INO]". */
    static final long PIPEFS_MAGIC = 0x50495045L;
    /** net/socket.c sockfs_dname: "socket:[INO]". */
    static final long SOCKFS_MAGIC = 0x534F434BL;
    /** fs/anon_inodes.c anon_inodefs_dname: "anon_inode:" and the dentry's name ("[eventfd]", "[eventpoll]"...). */
    static final long ANON_INODE_FS_MAGIC = 0x09041934L;
    static final int LEN = 0;
    static final int FLAGS = 8;
    static final int NAMES = 16;
    static final int ROOM = 512;
    /** Bytes of a {@code dg_names} value. */
    static final int SIZE = NAMES + ROOM;
    /** {@link #FLAGS}: the walk reached the task's root. */
    static final long COMPLETE = 1;
    /**
     * {@link #FLAGS}: the walk gave nothing; the value holds the file's inode number (u64 at {@link #NAMES}), its
     * file system's magic (u64 after it) and its dentry's name (from {@code NAMES + 16}, NUL-terminated), from which
     * {@link #path} makes the name the kernel's {@code d_dname} gives a pipe, a socket or an anonymous inode.
     */
    static final long PSEUDO = 2;
    /**
     * {@link #FLAGS}: the walked file's dentry was unhashed when it was named (its {@code d_hash.pprev} read 0): the file
     * was unlinked, and /proc/PID/fd/FD shows its path followed by " (deleted)" (fs/d_path.c: {@code d_unlinked}, which
     * also tests {@code !IS_ROOT}, true of every file the walk named). Not tested on a pseudo file system's file, whose
     * dentry is never hashed and which /proc names by {@code d_dname}.
     */
    static final long DELETED = 4;
    /** Dentries and mount crossings walked at most (trace's exec walk takes as many). */
    static final int TURNS = 48;

    // stack slots of the exit program, below SyscallCounters' own (its lowest is -64)
    private static final int W_SRC = -72;
    private static final int W_DENT = -80;
    private static final int W_MNT = -88;
    private static final int W_ROOTD = -96;
    private static final int W_ROOTM = -104;
    private static final int W_TURN = -112;
    private static final int W_TMP = -120;
    private static final int W_FD = -128;
    private static final int W_MAXFDS = -136;
    private static final int W_ZERO = -144;
    private static final int W_FILE = -152;
    private static final DentryWalk.Slots SLOTS = new DentryWalk.Slots(W_SRC, W_DENT, W_MNT, W_ROOTD, W_ROOTM, W_TURN, W_TMP);

    /** The per-boot cache's key for the offsets ({@link #of}). */
    static final String CACHE_KEY = "file_name_offsets";
    /** The cached value when this kernel's BTF lacks a member: no walk, /proc names the files. */
    private static final String NONE = "none";

    /** The kernel's BTF, parsed when first asked (diagnose parses it once for all its offsets, or not at all). */
    interface BtfSource {
        Btf get() throws java.io.IOException;
    }

    /**
     * The running kernel's offsets, from the per-boot cache ({@link SyscallCounters#syscallArg0}: parsing BTF costs a
     * busy target ~40-80 ms of CPU) or from {@code btf}; empty when a member is missing (a kernel without one of
     * them: the files are named from /proc, as before).
     */
    static Optional<FileNames> of(BtfSource btf, Optional<BootCache> cache) throws java.io.IOException {
        if (cache.isPresent()) {
            Optional<String> v = cache.get().get(CACHE_KEY);
            if (v.isPresent()) {
                Optional<Optional<FileNames>> parsed = parse(v.get());
                if (parsed.isPresent()) {
                    return parsed.get();
                }
            }
        }
        Optional<FileNames> out;
        try {
            Btf b = btf.get();
            out = Optional.of(new FileNames(DentryWalk.of(b), FdTable.of(b), Pseudo.of(b), dentryHashPprev(b)));
        } catch (BtfException e) {
            out = Optional.empty();
        }
        Optional<FileNames> stored = out;
        cache.ifPresent(c -> c.put(CACHE_KEY, stored.map(FileNames::format).orElse(NONE)));
        return out;
    }

    /** The cache's text: the twenty offsets, space-separated. */
    String format() {
        DentryWalk w = walk;
        return String.join(" ", Arrays.stream(new int[] {w.taskFs(), w.fsRoot(), w.filePath(), w.pathMnt(), w.pathDentry(),
                w.dParent(), w.dName(), w.mountMnt(), w.mountParent(), w.mountMountpoint(), w.mntRoot(), fds.taskFiles(),
                fds.filesFdt(), fds.maxFds(), fds.fdArray(), pseudo.fileInode(), pseudo.inodeIno(), pseudo.inodeSb(),
                pseudo.sbMagic(), dentryHashPprev}).mapToObj(Integer::toString).toList());
    }

    /** A cached value read back: empty when it does not parse (asked of BTF again and replaced). */
    static Optional<Optional<FileNames>> parse(String v) {
        String s = v.strip();
        if (s.equals(NONE)) {
            return Optional.of(Optional.empty());
        }
        String[] f = s.split(" ");
        if (f.length != OFFSETS) {
            return Optional.empty();
        }
        int[] o = new int[OFFSETS];
        try {
            for (int i = 0; i < OFFSETS; i++) {
                o[i] = Integer.parseInt(f[i]);
                if (o[i] < 0 || o[i] >= 1 << 16) {
                    return Optional.empty();
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(Optional.of(new FileNames(new DentryWalk(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9],
                o[10]), new FdTable(o[11], o[12], o[13], o[14]), new Pseudo(o[15], o[16], o[17], o[18]), o[19])));
    }

    private static final int OFFSETS = 20;

    /**
     * Stack slot {@code out} (8 bytes) = the inode number of the file at the fd of the call in slot {@code slot} (its fd
     * at {@code slotFd}) now: {@code current->files->fdt->fd[fd]->f_inode->i_ino}, the third part of a file's key in the
     * file map (pid, fd, inode), so that a descriptor closed and reopened on another file in the window is charged to
     * a new entry, named after its new file, instead of adding to the first file's (the kernel reuses the lowest free
     * descriptor, open(2), and often the same {@code struct file} memory, so neither the fd nor the pointer tells two
     * files apart; their inode numbers do). 0 when the table or a pointer cannot be read (the descriptor closed by
     * another thread during the call): the entry is then keyed as before this, by (pid, fd). Uses the walk's stack
     * slots below -64 and R0 to R5; R6 to R9 are kept. Not one inode per file for an anonymous inode (every eventfd
     * shares one, fs/anon_inodes.c): those are named alike anyway.
     */
    void emitInode(Asm a, Reg slot, int slotFd, int out) {
        Label none = a.newLabel("ino_none");
        a.st(Size.DW, Reg.R10, out, 0).ldx(Size.DW, Reg.R1, slot, slotFd).stx(Size.DW, Reg.R10, W_FD, Reg.R1);
        fds.emit(a, W_SRC, W_FD, W_MAXFDS, none);
        FdTable.chase(a, W_SRC, pseudo.fileInode(), none);
        // bpf_probe_read_kernel zeroes its destination when the read fails (bpf-helpers(7)): 0, the fallback key
        a.ldx(Size.DW, Reg.R3, Reg.R10, W_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, none).add(Reg.R3, pseudo.inodeIno())
                .mov(Reg.R1, Reg.R10).add(Reg.R1, out).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL);
        a.bind(none);
    }

    /**
     * Names the file of the call in slot {@code slot} (its fd at {@code slotFd}) under the key at stack slot {@code
     * key}, in {@code dg_names}, then jumps to {@code done}. Uses R8 (free once the file map's key is made) and the
     * stack below -64; R6, R7 and R9 are kept.
     */
    void emit(Asm a, int bufFd, int namesFd, Reg slot, int slotFd, int key, Label done) {
        Label complete = a.newLabel("name_complete");
        Label incomplete = a.newLabel("name_incomplete");
        Label store = a.newLabel("name_store");
        Label pseudoFile = a.newLabel("name_pseudo");
        a.st(Size.W, Reg.R10, W_ZERO, 0)
                .ldMapFd(Reg.R1, bufFd).mov(Reg.R2, Reg.R10).add(Reg.R2, W_ZERO).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, done).mov(Reg.R8, Reg.R0)
                .st(Size.DW, Reg.R8, LEN, 0).st(Size.DW, Reg.R8, FLAGS, 0);
        walk.emitRoot(a, SLOTS, done);
        a.ldx(Size.DW, Reg.R1, slot, slotFd).stx(Size.DW, Reg.R10, W_FD, Reg.R1);
        fds.emit(a, W_SRC, W_FD, W_MAXFDS, done);
        a.stx(Size.DW, Reg.R10, W_FILE, Reg.R3); // FdTable leaves the struct file * in R3 too
        walk.emitWalk(a, SLOTS, new DentryWalk.Out(Reg.R8, LEN, 0, NAMES, ROOM), walk.filePath(), TURNS, "name", complete, incomplete);
        a.bind(complete).st(Size.DW, Reg.R8, FLAGS, (int) COMPLETE);
        a.bind(incomplete).ldx(Size.DW, Reg.R1, Reg.R8, LEN).ldx(Size.DW, Reg.R2, Reg.R8, FLAGS).alu64(io.boxscope.bpf.asm.AluOp.OR, Reg.R1, Reg.R2)
                .jmp(JmpOp.JEQ, Reg.R1, 0, pseudoFile); // nothing walked
        // unlinked? the file's dentry unhashed (d_hash.pprev 0); a failed read leaves the name as walked
        Label named = a.newLabel("name_named");
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_FILE).stx(Size.DW, Reg.R10, W_SRC, Reg.R1);
        FdTable.chase(a, W_SRC, walk.filePath() + walk.pathDentry(), named);
        FdTable.chase(a, W_SRC, dentryHashPprev, named);
        a.ldx(Size.DW, Reg.R1, Reg.R10, W_SRC).jmp(JmpOp.JNE, Reg.R1, 0, named)
                .ldx(Size.DW, Reg.R1, Reg.R8, FLAGS).alu64(io.boxscope.bpf.asm.AluOp.OR, Reg.R1, (int) DELETED)
                .stx(Size.DW, Reg.R8, FLAGS, Reg.R1);
        a.bind(named);
        a.bind(store).ldMapFd(Reg.R1, namesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, key).mov(Reg.R3, Reg.R8)
                .movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM).ja(done);
        // a pseudo file system's file? its inode number and super block magic, its dentry's name (user space decides)
        a.bind(pseudoFile).ldx(Size.DW, Reg.R1, Reg.R10, W_FILE).stx(Size.DW, Reg.R10, W_SRC, Reg.R1);
        FdTable.chase(a, W_SRC, pseudo.fileInode(), done);
        a.ldx(Size.DW, Reg.R3, Reg.R10, W_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, done).add(Reg.R3, pseudo.inodeIno())
                .mov(Reg.R1, Reg.R8).add(Reg.R1, NAMES).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, done);
        FdTable.chase(a, W_SRC, pseudo.inodeSb(), done);
        a.ldx(Size.DW, Reg.R3, Reg.R10, W_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, done).add(Reg.R3, pseudo.sbMagic())
                .mov(Reg.R1, Reg.R8).add(Reg.R1, NAMES + 8).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, done)
                .st(Size.B, Reg.R8, NAMES + 16, 0)
                .ldx(Size.DW, Reg.R1, Reg.R10, W_FILE).stx(Size.DW, Reg.R10, W_SRC, Reg.R1);
        FdTable.chase(a, W_SRC, walk.filePath() + walk.pathDentry(), done);
        FdTable.chase(a, W_SRC, walk.dName(), done);
        a.mov(Reg.R1, Reg.R8).add(Reg.R1, NAMES + 16).movImm(Reg.R2, DentryWalk.NAME_MAX)
                .ldx(Size.DW, Reg.R3, Reg.R10, W_SRC).call(Helper.PROBE_READ_KERNEL_STR)
                .st(Size.DW, Reg.R8, FLAGS, (int) PSEUDO).ja(store);
    }

    /**
     * The path a {@code dg_names} value holds, in the host's byte order (DEVELOPERS.md, "Byte order"); null when it
     * holds none (a length beyond the room: not written by the program).
     */
    static String path(byte[] value) {
        if (value == null || value.length < SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        long len = b.getLong(LEN);
        if (len < 0 || len > ROOM) {
            return null;
        }
        if ((b.getLong(FLAGS) & PSEUDO) != 0) {
            return pseudoName(b.getLong(NAMES), b.getLong(NAMES + 8), value);
        }
        List<String> names = DentryWalk.components(value, NAMES, (int) len);
        String deleted = (b.getLong(FLAGS) & DELETED) != 0 ? " (deleted)" : "";
        if ((b.getLong(FLAGS) & COMPLETE) != 0) {
            return DentryWalk.join(names) + deleted;
        }
        return names.isEmpty() ? null : DentryWalk.truncated(names) + deleted;
    }

    /** The name the kernel's d_dname gives a pseudo file system's file, as /proc/PID/fd/FD shows it; null for another. */
    private static String pseudoName(long ino, long magic, byte[] value) {
        if (magic == PIPEFS_MAGIC) {
            return "pipe:[" + Long.toUnsignedString(ino) + "]";
        }
        if (magic == SOCKFS_MAGIC) {
            return "socket:[" + Long.toUnsignedString(ino) + "]";
        }
        if (magic == ANON_INODE_FS_MAGIC) {
            List<String> n = DentryWalk.components(value, NAMES + 16, DentryWalk.NAME_MAX);
            return "anon_inode:" + (n.isEmpty() ? "" : n.getFirst());
        }
        return null;
    }
}
