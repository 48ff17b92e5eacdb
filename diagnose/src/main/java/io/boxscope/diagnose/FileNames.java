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
 * entry (once per (pid, fd) per window, never on the calls that find it), takes {@code current->files->fdt->fd[fd]}
 * ({@link FdTable}) and walks its {@code f_path} up to the task's root ({@link DentryWalk}: d_path's walk by hand,
 * as trace names exec paths) into a per-CPU scratch value, then copies that into {@code dg_names}, a hash map keyed
 * as the file map. The cost of a read or write that finds its entry does not change: the same instructions run.
 *
 * <p>A value: the names' length (u64), flags (u64: {@link #COMPLETE} when the walk reached the task's root), then
 * the names leaf first in {@link #ROOM} bytes. A name is read {@link DentryWalk#NAME_MAX} bytes at a time, so the
 * walk stops (incomplete) once fewer than that are left: a path whose names above the leaf's fill more than
 * {@code ROOM - NAME_MAX} bytes, or deeper than {@link #TURNS}, is shown by its end, {@code .../dir/file}. A walk that
 * gave nothing (a pipe's or socket's file: their dentries are their own parents, the kernel names them with
 * {@code d_dname}; a failed read; no BTF member) leaves the name to /proc at the end, as before.
 *
 * <p>The path is the one the process sees (the walk ends at its {@code fs->root}: a container's path inside the
 * container, as sysdig's {@code fd.name}), keyed by (pid, fd) as the counters are: a descriptor closed and reopened
 * on another file in the window keeps its first name. An unlinked file has its last name, without /proc's
 * " (deleted)".
 */
record FileNames(DentryWalk walk, FdTable fds) {
    static final int LEN = 0;
    static final int FLAGS = 8;
    static final int NAMES = 16;
    static final int ROOM = 512;
    /** Bytes of a {@code dg_names} value. */
    static final int SIZE = NAMES + ROOM;
    /** {@link #FLAGS}: the walk reached the task's root. */
    static final long COMPLETE = 1;
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
            out = Optional.of(new FileNames(DentryWalk.of(b), FdTable.of(b)));
        } catch (BtfException e) {
            out = Optional.empty();
        }
        Optional<FileNames> stored = out;
        cache.ifPresent(c -> c.put(CACHE_KEY, stored.map(FileNames::format).orElse(NONE)));
        return out;
    }

    /** The cache's text: the fifteen offsets, space-separated. */
    String format() {
        DentryWalk w = walk;
        return String.join(" ", Arrays.stream(new int[] {w.taskFs(), w.fsRoot(), w.filePath(), w.pathMnt(), w.pathDentry(),
                w.dParent(), w.dName(), w.mountMnt(), w.mountParent(), w.mountMountpoint(), w.mntRoot(), fds.taskFiles(),
                fds.filesFdt(), fds.maxFds(), fds.fdArray()}).mapToObj(Integer::toString).toList());
    }

    /** A cached value read back: empty when it does not parse (asked of BTF again and replaced). */
    static Optional<Optional<FileNames>> parse(String v) {
        String s = v.strip();
        if (s.equals(NONE)) {
            return Optional.of(Optional.empty());
        }
        String[] f = s.split(" ");
        if (f.length != 15) {
            return Optional.empty();
        }
        int[] o = new int[15];
        try {
            for (int i = 0; i < 15; i++) {
                o[i] = Integer.parseInt(f[i]);
                if (o[i] < 0 || o[i] >= 1 << 16) {
                    return Optional.empty();
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(Optional.of(new FileNames(new DentryWalk(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9],
                o[10]), new FdTable(o[11], o[12], o[13], o[14]))));
    }

    /**
     * Names the file of the call in slot {@code slot} (its fd at {@code slotFd}) under the key at stack slot {@code
     * key}, in {@code dg_names}, then jumps to {@code done}. Uses R8 (free once the file map's key is made) and the
     * stack below -64; R6, R7 and R9 are kept.
     */
    void emit(Asm a, int bufFd, int namesFd, Reg slot, int slotFd, int key, Label done) {
        Label complete = a.newLabel("name_complete");
        Label incomplete = a.newLabel("name_incomplete");
        a.st(Size.W, Reg.R10, W_ZERO, 0)
                .ldMapFd(Reg.R1, bufFd).mov(Reg.R2, Reg.R10).add(Reg.R2, W_ZERO).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, done).mov(Reg.R8, Reg.R0)
                .st(Size.DW, Reg.R8, LEN, 0).st(Size.DW, Reg.R8, FLAGS, 0);
        walk.emitRoot(a, SLOTS, done);
        a.ldx(Size.DW, Reg.R1, slot, slotFd).stx(Size.DW, Reg.R10, W_FD, Reg.R1);
        fds.emit(a, W_SRC, W_FD, W_MAXFDS, done);
        walk.emitWalk(a, SLOTS, new DentryWalk.Out(Reg.R8, LEN, 0, NAMES, ROOM), walk.filePath(), TURNS, "name", complete, incomplete);
        a.bind(complete).st(Size.DW, Reg.R8, FLAGS, (int) COMPLETE);
        a.bind(incomplete).ldx(Size.DW, Reg.R1, Reg.R8, LEN).ldx(Size.DW, Reg.R2, Reg.R8, FLAGS).alu64(io.boxscope.bpf.asm.AluOp.OR, Reg.R1, Reg.R2)
                .jmp(JmpOp.JEQ, Reg.R1, 0, done) // nothing walked: /proc names it at the end
                .ldMapFd(Reg.R1, namesFd).mov(Reg.R2, Reg.R10).add(Reg.R2, key).mov(Reg.R3, Reg.R8)
                .movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM).ja(done);
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
        List<String> names = DentryWalk.components(value, NAMES, (int) len);
        if ((b.getLong(FLAGS) & COMPLETE) != 0) {
            return DentryWalk.join(names);
        }
        return names.isEmpty() ? null : DentryWalk.truncated(names);
    }
}
