package io.boxscope.trace.live;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.trace.filter.KernelFilter;

/**
 * Bytes of file or network I/O per process or per cgroup, summed in the kernel: topprocs_file, topprocs_net,
 * topcontainers_file and topcontainers_net on a live capture ({@link KernelChisel}). Their tables sum
 * {@code evt.rawarg.res} (the return value, when above 0) of I/O events ({@code evt.is_io}: the events flagged
 * EF_READS_FROM_FD or EF_WRITES_TO_FD) whose fd has {@code fd.type=file}, or {@code ipv4}/{@code ipv6}.
 *
 * <p>One program on the raw tracepoint {@code sys_exit}, behind the capture's checks (the tracer itself, the
 * pid, tid and cgroup sets, the syscall set of the configuration array: {@link CaptureProbe#prologue},
 * {@link CaptureProbe#config}), counts the exits of the system calls {@code io} marks (the ones whose events the
 * capture decodes as I/O, with the fd as first argument) that returned more than 0. The fd (the first syscall
 * argument, still in pt_regs at the exit: {@link io.boxscope.bpf.btf.PtRegs#syscallArgs}) is looked up in the
 * current task's table as the kernel keeps it ({@link FdWalk}: {@code task->files->fdt}, checked against {@code fdt->max_fds},
 * then {@code fdt->fd[fd]}, include/linux/fdtable.h) and its file classified:
 * <ul>
 * <li>{@link FdClass#FILE}: what the event stream calls {@code file}: an fd opened by path (regular files,
 *     devices, a named FIFO) or listed by path in /proc/PID/fd, which the stream's table types as a file. In the
 *     kernel: an inode ({@code file->f_inode->i_mode}) that is not a directory nor a socket, on a file system other
 *     than the pseudo ones with no path (anon_inodefs: eventfd, timerfd, epoll..., pipefs: pipe(2), nsfs, pidfs;
 *     {@code i_sb->s_magic}, include/uapi/linux/magic.h; recent kernels give anonymous inodes S_IFREG inside the
 *     kernel (fs/anon_inodes.c; fstat(2) hides it), so the mode alone cannot tell them apart);</li>
 * <li>{@link FdClass#NET}: a socket inode whose {@code struct socket} ({@code file->private_data},
 *     include/linux/net.h) has a {@code sock} of family AF_INET or AF_INET6 ({@code sk->__sk_common.skc_family}).</li>
 * </ul>
 * The return value is added to the key of the current task ({@link KeyedSums}). Offsets come from the running
 * kernel's BTF ({@link Offsets}); the driver walks the same structures (libs e5c53d64 driver/bpf/filler_helpers.h).
 */
public final class IoProbe extends KernelProbe {
    /** S_IFMT and the types of include/uapi/linux/stat.h. */
    private static final int S_IFMT = 0xf000, S_IFDIR = 0x4000, S_IFSOCK = 0xc000;
    /** AF_INET, AF_INET6 (include/linux/socket.h). */
    private static final int AF_INET = 2, AF_INET6 = 10;
    /**
     * File systems whose files have no path (include/uapi/linux/magic.h): ANON_INODE_FS_MAGIC, PIPEFS_MAGIC,
     * NSFS_MAGIC, PID_FS_MAGIC. /proc/PID/fd shows them as {@code anon_inode:}, {@code pipe:[...]}, {@code net:[...]};
     * the stream never types them {@code file}.
     */
    static final List<Integer> PSEUDO_FS = List.of(0x09041934, 0x50495045, 0x6e736673, 0x50494446);
    private static final int S_FD = -24;
    private static final int S_SRC = -32;
    private static final int S_TMP = -40;
    private static final int S_FILE = -48;

    /** What kind of fd the bytes are counted for. */
    public enum FdClass {
        /** {@code fd.type=file}. */
        FILE,
        /** {@code fd.type=ipv4 or fd.type=ipv6}. */
        NET
    }

    /**
     * Byte offsets of the members walked from the task to the fd's inode, superblock and socket family, from BTF.
     */
    public record Offsets(FdWalk fds, int fileInode, int inodeMode, int inodeSb, int sbMagic, int filePrivate,
                          int socketSk, int skFamily) {
        /** The running kernel's offsets, or null when its BTF lacks one of the members. */
        public static Offsets of(Btf btf) {
            try {
                return new Offsets(FdWalk.of(btf), off(btf, "file.f_inode"),
                        off(btf, "inode.i_mode"), off(btf, "inode.i_sb"), off(btf, "super_block.s_magic"),
                        off(btf, "file.private_data"), off(btf, "socket.sk"), off(btf, "sock.__sk_common.skc_family"));
            } catch (BtfException e) {
                return null;
            }
        }

        private static int off(Btf btf, String path) throws BtfException {
            return (int) btf.member(path).byteOffset();
        }
    }

    /**
     * What to count.
     *
     * @param syscallConfig the capture's configuration array ({@link SyscallConfig}): the user's syscall set
     * @param io            by syscall number: whether its exit's bytes count (an I/O event with its fd first)
     * @param regsSyscallNr offset of the syscall number in pt_regs
     * @param regsArg0      offset of the first syscall argument in pt_regs, valid at the exit
     */
    public record Options(KernelFilter filter, long selfPid, byte[] syscallConfig, boolean[] io, int regsSyscallNr,
                          int regsArg0, Offsets offsets, FdClass fdClass, CountProbe.By by) {}

    public IoProbe(Options o) {
        try {
            KeyedSums sums = sums(o.fdClass() == FdClass.FILE ? "trace_fbytes" : "trace_nbytes", o.by());
            BpfMap config = CaptureProbe.configMap(o.syscallConfig(), resources);
            BpfMap io = own(BpfMap.create(MapSpec.of("trace_io", MapType.ARRAY, 4, 4, CaptureProbe.MAX_SYSCALLS)));
            for (int nr = 0; nr < o.io().length && nr < CaptureProbe.MAX_SYSCALLS; nr++) {
                if (o.io()[nr]) {
                    io.update(CaptureProbe.host32(nr), CaptureProbe.host32(1), BpfMap.ANY);
                }
            }
            CaptureProbe.Maps m = CaptureProbe.Maps.withSets(null, null, null, config, null, o.filter(), resources);
            Program exit = own(Program.load(ProgramSpec.of("trace_io_exit", ProgramType.RAW_TRACEPOINT, exitProgram(o, m, io, sums))));
            own(Attach.rawTracepoint(exit, "sys_exit"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** S_SRC = the pointer stored {@code off} bytes into what S_SRC points to (kernel memory), or out. */
    private static void chase(Asm a, int off, Label out) {
        FdWalk.chase(a, S_SRC, off, out);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, out);
    }

    /** R1 = the {@code size}-byte unsigned value {@code off} bytes into what S_SRC points to, or out. */
    private static void read(Asm a, int off, int size, Label out) {
        a.st(Size.DW, Reg.R10, S_TMP, 0)
                .ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, S_TMP).movImm(Reg.R2, size).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, out)
                .ldx(size == 2 ? Size.H : size == 4 ? Size.W : Size.DW, Reg.R1, Reg.R10, S_TMP);
    }

    static List<Insn> exitProgram(Options o, CaptureProbe.Maps m, BpfMap io, KeyedSums sums) {
        Offsets k = o.offsets();
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label counted = a.newLabel("counted");
        CaptureProbe.prologue(a, o.selfPid(), m, out, true);
        exitSyscallNr(a, o.regsSyscallNr());
        CaptureProbe.config(a, m, out); // the user's syscall set; leaves the number at S_KEY
        CaptureProbe.lookupOrOut(a, io, CaptureProbe.S_KEY, out);
        a.ldx(Size.W, Reg.R1, Reg.R0, 0).jmp(JmpOp.JEQ, Reg.R1, 0, out)
                .ldx(Size.DW, Reg.R9, Reg.R6, 8).jmp(JmpOp.JSLE, Reg.R9, 0, out) // ctx->args[1]: the return value
                // the fd: the first argument, from pt_regs
                .ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, o.regsArg0())
                .mov(Reg.R1, Reg.R10).add(Reg.R1, S_FD).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, out)
                .ldx(Size.DW, Reg.R8, Reg.R10, S_FD).lsh(Reg.R8, 32).alu64(AluOp.ARSH, Reg.R8, 32)
                .jmp(JmpOp.JSLT, Reg.R8, 0, out)
                .stx(Size.DW, Reg.R10, S_FD, Reg.R8); // the fd, sign-extended: what the walk reads
        k.fds().emit(a, S_SRC, S_FD, S_TMP, out);
        a.stx(Size.DW, Reg.R10, S_FILE, Reg.R3);
        chase(a, k.fileInode(), out);
        read(a, k.inodeMode(), 2, out);
        a.alu64(AluOp.AND, Reg.R1, S_IFMT);
        if (o.fdClass() == FdClass.FILE) {
            a.jmp(JmpOp.JEQ, Reg.R1, 0, out).jmp(JmpOp.JEQ, Reg.R1, S_IFDIR, out).jmp(JmpOp.JEQ, Reg.R1, S_IFSOCK, out);
            chase(a, k.inodeSb(), out);
            read(a, k.sbMagic(), 8, out);
            for (int magic : PSEUDO_FS) {
                a.jmp(JmpOp.JEQ, Reg.R1, magic, out);
            }
        } else {
            a.jmp(JmpOp.JNE, Reg.R1, S_IFSOCK, out)
                    .ldx(Size.DW, Reg.R1, Reg.R10, S_FILE).stx(Size.DW, Reg.R10, S_SRC, Reg.R1);
            chase(a, k.filePrivate(), out);
            chase(a, k.socketSk(), out);
            read(a, k.skFamily(), 2, out);
            a.jmp(JmpOp.JEQ, Reg.R1, AF_INET, counted).jmp(JmpOp.JEQ, Reg.R1, AF_INET6, counted).ja(out);
        }
        a.bind(counted);
        sums.emitKey(a);
        sums.emitAdd(a, Reg.R9, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
