package io.boxscope.trace.live;

import static io.boxscope.trace.live.CaptureProbe.S_CFG;
import static io.boxscope.trace.live.CaptureProbe.S_FD;
import static io.boxscope.trace.live.CaptureProbe.S_MAXFDS;
import static io.boxscope.trace.live.CaptureProbe.S_OFF;
import static io.boxscope.trace.live.CaptureProbe.S_RET;
import static io.boxscope.trace.live.CaptureProbe.S_SK;
import static io.boxscope.trace.live.CaptureProbe.S_SRC;
import static io.boxscope.trace.live.CaptureProbe.argOfCfg;
import static io.boxscope.trace.live.CaptureProbe.chase;
import static io.boxscope.trace.live.CaptureProbe.field;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;

/**
 * What the capture's system call programs read from the kernel objects behind a call ({@link SyscallPrograms}): the
 * socket behind an fd (endpoints, a unix socket's peer and paths, an accept's listening queue), the fds pipe and
 * socketpair made and their inode or socks, and the process's memory counters after mmap, munmap and brk; each is
 * slot 0 of the record, laid out as the driver's fillers read them (libs e5c53d64 driver/bpf/fillers.h). The offsets
 * come from the running kernel's BTF ({@link FdOffsets}).
 */
final class KernelObjects {
    /** Size of the socket endpoints record (slot 0 of an exit): see {@link #socketInfo}. */
    static final int SOCK_INFO = 56;
    /** Longest unix socket path (UNIX_PATH_MAX, include/uapi/linux/un.h). */
    static final int UNIX_PATH = 108;
    /** Size of a unix socket's endpoints record: {@link #SOCK_INFO} then the local and the peer path. */
    static final int SOCK_INFO_UNIX = SOCK_INFO + 2 * UNIX_PATH;

    private KernelObjects() {}

    /**
     * S_SRC = the {@code struct file *} of fd S_FD of the current task (current->files->fdt->fd[fd]), or skip;
     * an fd at or beyond {@code fdt->max_fds} is not in the table (the kernel's files_lookup_fd_raw checks the
     * same), and reading past the array would name another file or garbage.
     */
    private static void fileOfFd(Asm a, FdOffsets k, Label skip) {
        new FdWalk(k.taskFiles(), k.filesFdt(), k.fdtableMaxFds(), k.fdtableFd()).emit(a, S_SRC, S_FD, S_MAXFDS, skip);
    }

    /**
     * Exits of syscalls whose configuration names a socket fd (argument, or 7: the return value, when
     * it is one): the socket's endpoints and accept queue as slot 0, {@link #SOCK_INFO}
     * bytes: u16 family, u16 local port (host order), u16 peer port (network order), u16 0, u32 local and
     * u32 peer IPv4 address, 16-byte local and peer IPv6 addresses, u32 sk_ack_backlog, u32
     * sk_max_ack_backlog (sock.__sk_common and sock: what the driver's bpf_getsockname and accept filler read;
     * for accept, the listening socket's queue: {@link #listenerQueue}).
     */
    static void socketInfo(Asm a, FdOffsets k, boolean enter) {
        Label skip = a.newLabel("sock_skip");
        Label fromArg = a.newLabel("sock_arg");
        Label have = a.newLabel("sock_fd");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.AT_ENTRY)
                .jmp(enter ? JmpOp.JEQ : JmpOp.JNE, Reg.R1, 0, skip) // configured for the other side of the call
                .alu64(AluOp.AND, Reg.R3, SyscallConfig.AT_ENTRY - 1)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip)
                .jmp(JmpOp.JNE, Reg.R3, 7, fromArg);
        if (enter) {
            a.ja(skip); // no return value at the entry
        } else {
            a.ldx(Size.DW, Reg.R3, Reg.R10, S_RET).ja(have);
        }
        a.bind(fromArg);
        argOfCfg(a, Reg.R3);
        a.bind(have).lsh(Reg.R3, 32).alu64(AluOp.ARSH, Reg.R3, 32).jmp(JmpOp.JSLT, Reg.R3, 0, skip)
                .jmp(JmpOp.JGT, Reg.R3, 1 << 24, skip).stx(Size.DW, Reg.R10, S_FD, Reg.R3);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        for (int i = 0; i < SOCK_INFO; i += 8) {
            a.st(Size.DW, Reg.R9, RawRecord.DATA + i, 0);
        }
        int d = RawRecord.DATA;
        field(a, k.family(), 2, d);
        field(a, k.num(), 2, d + 2);
        field(a, k.dport(), 2, d + 4);
        field(a, k.rcvSaddr(), 4, d + 8);
        field(a, k.daddr(), 4, d + 12);
        field(a, k.v6Rcv(), 16, d + 16);
        field(a, k.v6Daddr(), 16, d + 32);
        field(a, k.ackBacklog(), 4, d + 48);
        field(a, k.maxAckBacklog(), 4, d + 52);
        a.st(Size.H, Reg.R9, RawRecord.LENS, SOCK_INFO).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + SOCK_INFO);
        if (k.unix() != null) {
            unixInfo(a, k.unix());
        }
        if (!enter) {
            listenerQueue(a, k, skip);
        }
        a.bind(skip);
    }

    /**
     * accept and accept4 (configured 7: the socket is the returned fd): the accept queue fields become the
     * LISTENING socket's (argument 0), as sysdig 0.29's kernel module reads them (libs e5c53d64
     * driver/ppm_fillers.c f_sys_accept_x: sockfd_lookup(srvskfd)) and libs' modern probe does (accept.bpf.c);
     * the accepted socket's own sk_ack_backlog says nothing about the queue. Zeros when argument 0 is no socket.
     */
    private static void listenerQueue(Asm a, FdOffsets k, Label skip) {
        int d = RawRecord.DATA;
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).jmp(JmpOp.JNE, Reg.R3, 7, skip)
                .st(Size.W, Reg.R9, d + 48, 0).st(Size.W, Reg.R9, d + 52, 0)
                .ldx(Size.DW, Reg.R3, Reg.R9, RawRecord.ARGS)
                .lsh(Reg.R3, 32).alu64(AluOp.ARSH, Reg.R3, 32).jmp(JmpOp.JSLT, Reg.R3, 0, skip)
                .jmp(JmpOp.JGT, Reg.R3, 1 << 24, skip).stx(Size.DW, Reg.R10, S_FD, Reg.R3);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        field(a, k.ackBacklog(), 4, d + 48);
        field(a, k.maxAckBacklog(), 4, d + 52);
    }

    /**
     * A unix socket (family 1, S_SRC its sock): the record becomes {@link #SOCK_INFO_UNIX} bytes, the
     * inet addresses' place holding u64 the socket's own {@code struct sock *} (at 8) and u64 its peer's
     * (at 16, 0 when unconnected), then the bound path of the socket and of its peer
     * ({@code unix_sock.addr->name[0].sun_path}, {@link #UNIX_PATH} bytes each, NUL-terminated, empty when
     * unbound; an abstract name without its leading NUL, as the driver's AF_UNIX tuple has it).
     */
    private static void unixInfo(Asm a, FdOffsets.Unix u) {
        Label done = a.newLabel("unix_done");
        Label peerPath = a.newLabel("unix_peer_path");
        Label end = a.newLabel("unix_paths_done");
        int d = RawRecord.DATA;
        a.ldx(Size.H, Reg.R1, Reg.R9, d).jmp(JmpOp.JNE, Reg.R1, 1, done)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_SRC).stx(Size.DW, Reg.R10, S_SK, Reg.R1).stx(Size.DW, Reg.R9, d + 8, Reg.R1)
                .st(Size.DW, Reg.R9, d + 16, 0);
        field(a, u.peer(), 8, d + 16);
        for (int i = SOCK_INFO; i < SOCK_INFO_UNIX; i += 4) {
            a.st(Size.W, Reg.R9, d + i, 0);
        }
        chase(a, u.addr(), peerPath);
        unixPath(a, u, d + SOCK_INFO, peerPath);
        a.bind(peerPath).ldx(Size.DW, Reg.R1, Reg.R9, d + 16).stx(Size.DW, Reg.R10, S_SRC, Reg.R1);
        chase(a, u.addr(), end);
        unixPath(a, u, d + SOCK_INFO + UNIX_PATH, end);
        a.bind(end).ldx(Size.DW, Reg.R1, Reg.R10, S_SK).stx(Size.DW, Reg.R10, S_SRC, Reg.R1)
                .st(Size.H, Reg.R9, RawRecord.LENS, SOCK_INFO_UNIX).st(Size.DW, Reg.R10, S_OFF, d + SOCK_INFO_UNIX)
                .bind(done);
    }

    /** The sun_path of the unix_address in S_SRC to the record at {@code dst}, past a leading NUL (abstract name). */
    private static void unixPath(Asm a, FdOffsets.Unix u, int dst, Label skip) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, u.path())
                .mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, UNIX_PATH).call(Helper.PROBE_READ_KERNEL_STR)
                .ldx(Size.B, Reg.R1, Reg.R9, dst).jmp(JmpOp.JNE, Reg.R1, 0, skip)
                .ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).add(Reg.R3, u.path() + 1)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, dst).movImm(Reg.R2, UNIX_PATH - 1).call(Helper.PROBE_READ_KERNEL_STR);
    }

    /**
     * pipe/pipe2 exits that returned 0: the two fds the kernel wrote to the caller's int[2] and the inode
     * number of the first one's file as slot 0 (u32 fd1, u32 fd2, u64 ino), as the driver's pipe filler.
     */
    static void pipeFds(Asm a, FdOffsets k) {
        Label skip = a.newLabel("pipe_skip");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.PIPE_FDS).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JNE, Reg.R1, 0, skip)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip);
        argOfCfg(a, Reg.R3);
        Label pair = a.newLabel("pipe_pair");
        a.mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.DATA).movImm(Reg.R2, 8).call(Helper.PROBE_READ_USER)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .st(Size.DW, Reg.R9, RawRecord.DATA + 8, 0)
                .st(Size.H, Reg.R9, RawRecord.LENS, 16).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + 16)
                .ldx(Size.W, Reg.R1, Reg.R9, RawRecord.DATA).jmp(JmpOp.JGT, Reg.R1, 1 << 24, skip)
                .stx(Size.DW, Reg.R10, S_FD, Reg.R1)
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.PIPE_FDS).alu64(AluOp.AND, Reg.R1, SyscallConfig.SOCK_PAIR)
                .jmp(JmpOp.JNE, Reg.R1, 0, pair);
        fileOfFd(a, k, skip);
        chase(a, k.fileInode(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        field(a, k.inodeIno(), 8, RawRecord.DATA + 8);
        a.ja(skip);
        // socketpair (f_sys_socketpair_x): the first fd's unix_sock (socket.sk: a unix_sock starts with its sock)
        // and that sock's peer, the other end, as u64 at 8 and 16
        a.bind(pair).st(Size.DW, Reg.R9, RawRecord.DATA + 16, 0)
                .st(Size.H, Reg.R9, RawRecord.LENS, 24).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + 24);
        fileOfFd(a, k, skip);
        chase(a, k.filePrivate(), skip);
        chase(a, k.socketSk(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R9, RawRecord.DATA + 8, Reg.R3);
        if (k.unix() != null) {
            field(a, k.unix().peer(), 8, RawRecord.DATA + 16);
        }
        a.bind(skip);
    }

    /** Size of the memory counters record (slot 0 of an mmap/munmap exit): see {@link #mmCounters}. */
    static final int MM_INFO = 40;

    /**
     * mmap/munmap exits: the process's u64 total_vm and the four rss_stat counters (file, anon, swap entries,
     * shmem pages) as slot 0, {@link #MM_INFO} bytes, read from current->mm after the call.
     */
    static void mmCounters(Asm a, FdOffsets.Mm k) {
        Label skip = a.newLabel("mm_skip");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + SyscallConfig.MM).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R4, RawRecord.DATA, skip)
                .call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, S_SRC, Reg.R0);
        chase(a, k.taskMm(), skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, S_SRC).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        for (int i = 0; i < MM_INFO; i += 8) {
            a.st(Size.DW, Reg.R9, RawRecord.DATA + i, 0);
        }
        field(a, k.totalVm(), 8, RawRecord.DATA);
        for (int c = 0; c < 4; c++) {
            field(a, k.rss() + c * k.stride(), 8, RawRecord.DATA + 8 + 8 * c);
        }
        a.st(Size.H, Reg.R9, RawRecord.LENS, MM_INFO).st(Size.DW, Reg.R10, S_OFF, RawRecord.DATA + MM_INFO).bind(skip);
    }
}
