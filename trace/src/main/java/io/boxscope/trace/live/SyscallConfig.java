package io.boxscope.trace.live;

import java.util.Set;
import java.util.function.Predicate;
import io.boxscope.bpf.syscalls.ArgKind;
import io.boxscope.bpf.syscalls.SyscallArg;
import io.boxscope.bpf.syscalls.SyscallSignature;
import io.boxscope.bpf.syscalls.SyscallSignatures;

/**
 * The per-syscall configuration {@link CaptureProbe} reads (8 bytes per syscall number): whether the
 * syscall is traced at all (the syscall part of the push-down), and which arguments to read from user
 * memory, as 1-based argument indexes (0: none). Computed from the kernel's own syscall signatures
 * ({@link SyscallSignatures}, from tracefs {@code sys_enter_*} formats): path and string arguments,
 * the buffer a caller hands in with its length argument, the buffer the kernel fills (its length is
 * the return value) and a socket address with its length.
 */
public final class SyscallConfig {
    /** Non-zero when the syscall is traced; with {@link #DECODED} set its arguments are read too. */
    static final int TRACED = 0;
    /**
     * Flag of the {@link #TRACED} byte: the syscall has events of its own, so its arguments are read from
     * pt_regs; a generic one's events carry only its number and the probe leaves the record's arguments zero.
     */
    static final int DECODED = 2;
    /**
     * Flag of the {@link #TRACED} byte: the exit reads the {@link #STR_A} and {@link #STR_B} strings again (open,
     * openat: the driver reads the path at both, and the exit event carries it; rename, link, symlink: both paths at
     * the exit), so that the exit record alone makes its event.
     */
    static final int STR_EXIT = 4;
    /**
     * Flag of the {@link #TRACED} byte: the syscall is outside the pushed-down syscall set and traced only because it
     * builds state ({@link #STATE_CALLS}): its records go out flagged state-only ({@link RawRecord#STATE_FLAG}).
     */
    static final int OUTSIDE = 8;
    /**
     * Flag of the {@link #TRACED} byte: the syscall builds the inspector's fd or process state ({@link #STATE_CALLS});
     * under a failed-only push-down its entry and its successful exit go out flagged state-only.
     */
    static final int STATE_CALL = 16;
    /**
     * Flag of the {@link #TRACED} byte: a datagram call (sendto, recvfrom, sendmsg, recvmsg) configured state-only
     * ({@link #OUTSIDE}, or under a failed-only push-down), sent only when its tuple teaches the consumer something (or,
     * failed-only, when it failed), without its data ({@link DatagramState}): of a msghdr only msg_name is read, not its
     * iovecs nor their buffers ({@link UserBuffers#msghdr}; session 36).
     */
    static final int DGRAM = 32;
    /**
     * Flag of the {@link #TRACED} byte: the exit reads the three u32 behind arguments 1, 2 and 3 into the buffer slot
     * (12 bytes, an unreadable one as 0): getresuid and getresgid, whose exit events carry the ids the kernel stored
     * there (libs e5c53d64 driver/bpf/fillers.h sys_getresuid_and_gid_x).
     */
    static final int IDS = 64;
    /**
     * The datagram calls {@link #DGRAM} applies to: their tuple is the socket's endpoints and a plain address (sendmsg's
     * and recvmsg's msg_name).
     */
    static final Set<String> DGRAM_CALLS = Set.of("sendto", "recvfrom", "sendmsg", "recvmsg");
    /**
     * The system calls whose events libsinsp's parser turns into fd-table and thread changes whatever the filter says
     * (sinsp_parser::process_event of libs e5c53d64, userspace/libsinsp/parsers.cpp: parse_open_openat_creat_exit,
     * parse_socket_exit, parse_connect_exit, parse_accept_exit, parse_bind_exit, parse_pipe_exit,
     * parse_eventfd/signalfd/timerfd/inotify/userfaultfd exits, parse_dup_exit, parse_fcntl_exit, parse_close_exit,
     * parse_fchdir/chdir_exit, parse_setuid/setgid exits, parse_setsid_exit; and parse_rw_exit, which names a datagram
     * socket after the tuple of a sendto, recvfrom, sendmsg or recvmsg). A push-down that leaves them out would lose the
     * fd names and tuples, users and sessions of later kept events, which sysdig, filtering after its parser, keeps:
     * they are sent state-only. "Whatever the filter says" is the event table's EF_MODIFIES_STATE: process_event runs
     * the filter first on an event without that flag and parses it only when it passes (do_filter_later), so getrlimit,
     * setrlimit and prlimit (EF_DROP_SIMPLE_CONS, EF_NONE), which sinsp parses into the process's fd limit, change
     * nothing in sysdig when a filter drops them, and are not here ({@code SyscallConfigTest} checks the flag of every
     * call listed). Only those with events of their own ({@code decoded}) count: a generic event changes no table. Left
     * out because sysdig 0.29 changes nothing with them: epoll_create(1), memfd_create, capset, pidfd_open, pidfd_getfd
     * and io_uring_setup have no events in its table (PPM_EVENT_MAX 336: generic events, parsed by nobody); listen,
     * shutdown and setpgid are parsed for nothing but their own event (parse_shutdown_exit only tells an fd listener;
     * setpgid's entry is stored). execve and the clone family are not here: their state reaches the inspector from the
     * exec and fork records ({@link EventBuilder#stateExec}, {@link EventBuilder#stateClone}).
     */
    static final Set<String> STATE_CALLS = Set.of("open", "openat", "openat2", "creat", "socket", "socketpair", "connect",
            "accept", "accept4", "bind", "pipe", "pipe2", "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create",
            "inotify_init", "inotify_init1", "userfaultfd", "dup", "dup2", "dup3", "fcntl", "close", "chdir", "fchdir",
            "setuid", "setresuid", "setgid", "setresgid", "setsid", "sendto", "recvfrom", "sendmsg", "recvmsg");
    static final int STR_A = 1;
    static final int STR_B = 2;
    static final int IN_BUF = 3;
    static final int IN_LEN = 4;
    static final int OUT_BUF = 5;
    static final int SOCKADDR = 6;
    static final int SOCKADDR_LEN = 7;
    /**
     * The fd whose socket endpoints to read from the kernel (1-based argument; 7: the return value), at the
     * exit, or at the entry when {@link #AT_ENTRY} is set.
     */
    static final int SOCK_FD = 8;
    static final int AT_ENTRY = 0x80;
    /** Exit: the argument pointing to the int[2] pipe/pipe2 filled. */
    static final int PIPE_FDS = 9;
    /** Flag of the {@link #PIPE_FDS} byte: the fds are a socketpair's; its sock and peer are read, not an inode. */
    static final int SOCK_PAIR = 0x80;
    /** Exit: the argument pointing to a socket address the kernel filled, and the one pointing to its length. */
    static final int OUT_ADDR = 10;
    static final int OUT_ADDRLEN = 11;
    /** Entry: a struct user_msghdr whose buffers the caller hands in (sendmsg). */
    static final int MSGHDR_IN = 12;
    /** Exit: a struct user_msghdr the kernel filled (recvmsg). */
    static final int MSGHDR_OUT = 13;
    /**
     * Flag of the {@link #MSGHDR_IN} / {@link #MSGHDR_OUT} byte: the argument is an iovec array and the next one its
     * count (readv, writev, preadv, pwritev), not a msghdr.
     */
    static final int IOV = 0x40;
    /** With {@link #IOV}: the buffers are written (writev, pwritev): copied whatever the call returned. */
    static final int IOV_WRITE = 0x20;
    /** Flag of a length byte ({@link #IN_LEN}, {@link #SOCKADDR_LEN}, {@link #OUT_ADDRLEN}): the length is its low 6 bits. */
    static final int LEN_CONST = 0x80;
    /**
     * Flag of the {@link #IN_BUF} / {@link #OUT_BUF} byte: the buffer is a NUL-terminated string, read with
     * {@code bpf_probe_read_user_str} up to the length (mount's type, which the driver reads as a string: libs
     * e5c53d64 driver/ppm_fillers.c f_sys_mount_e/x, bpf_val_to_ring PT_CHARBUF). A fixed-length read of a short string
     * near the end of its mapping would fail whole.
     */
    static final int BUF_STR = 0x40;
    /**
     * Flag of a length byte: the argument it names counts 8-byte items (struct pollfd); with {@link #LEN_CONST}, the low
     * 6 bits count 8-byte words (a constant length above 63: quotactl's struct if_dqblk, 72 bytes).
     */
    static final int LEN_PER8 = 0x40;
    /**
     * Flag of the {@link #OUT_ADDRLEN} byte (getsockopt): the u32 behind the length pointer is kept whole as slot 2
     * and the buffer, up to it and the snap length, as slot 3, whatever the call returned (f_sys_getsockopt_x).
     */
    static final int LEN_SOCKOPT = 0x40;
    /** The exit needs the entry's arguments (kept in a map between the two). */
    static final int KEEP_ARGS = 14;
    /** Exit: read the process's memory counters (mmap, munmap). */
    static final int MM = 15;
    /** Bytes per syscall. */
    static final int SIZE = 16;

    private SyscallConfig() {}

    /**
     * The configuration array for syscall numbers below {@link CaptureProbe#MAX_SYSCALLS}.
     *
     * @param traced  the syscall numbers to trace, or null for all
     * @param decoded whether user memory is read for a syscall (by name): only for those whose events
     *                carry the data; the others are reported as generic events
     */
    public static byte[] build(SyscallSignatures sigs, Set<Integer> traced, Predicate<String> decoded) {
        return build(sigs, traced, decoded, false);
    }

    /**
     * As {@link #build(SyscallSignatures, Set, Predicate)}; with {@code state}, the {@link #STATE_CALLS} with events of
     * their own are configured whatever {@code traced} says, flagged {@link #STATE_CALL}, and {@link #OUTSIDE} when
     * {@code traced} leaves them out: the capture's push-down then keeps the inspector's tables whole.
     */
    public static byte[] build(SyscallSignatures sigs, Set<Integer> traced, Predicate<String> decoded, boolean state) {
        return build(sigs, traced, decoded, state, false);
    }

    /**
     * As {@link #build(SyscallSignatures, Set, Predicate, boolean)}; {@code failedOnly}: the push-down keeps failed
     * exits only, so the datagram calls' records are state-only but for a failed exit, and {@link #DGRAM} applies to them
     * inside the syscall set too.
     */
    public static byte[] build(SyscallSignatures sigs, Set<Integer> traced, Predicate<String> decoded, boolean state,
                               boolean failedOnly) {
        byte[] out = new byte[CaptureProbe.MAX_SYSCALLS * SIZE];
        for (var e : sigs.table().all().entrySet()) {
            int nr = e.getKey();
            if (nr < 0 || nr >= CaptureProbe.MAX_SYSCALLS) {
                continue;
            }
            SyscallSignature sig = sigs.of(nr).orElse(null);
            boolean stateCall = state && sig != null && STATE_CALLS.contains(sig.name()) && decoded.test(sig.name());
            boolean outside = traced != null && !traced.contains(nr);
            if (outside && !stateCall) {
                continue;
            }
            int base = nr * SIZE;
            out[base + TRACED] = 1;
            if (sig == null || !decoded.test(sig.name())) {
                continue;
            }
            out[base + TRACED] = (byte) (1 | DECODED | (stateCall ? STATE_CALL : 0) | (stateCall && outside ? OUTSIDE : 0));
            int strings = 0;
            for (SyscallArg a : sig.args()) {
                int idx = a.index() + 1;
                switch (a.kind()) {
                    case PATH, STRING -> {
                        if (strings < 2) {
                            out[base + (strings++ == 0 ? STR_A : STR_B)] = (byte) idx;
                        }
                    }
                    case BUFFER -> {
                        if (a.lengthArg() < 0 || sig.args().get(a.lengthArg()).isPointer()) {
                            break;
                        }
                        if (a.isInput() && out[base + IN_BUF] == 0) {
                            out[base + IN_BUF] = (byte) idx;
                            out[base + IN_LEN] = (byte) (a.lengthArg() + 1);
                        } else if (!a.isInput() && out[base + OUT_BUF] == 0) {
                            out[base + OUT_BUF] = (byte) idx;
                        }
                    }
                    case SOCKADDR -> {
                        if (a.lengthArg() >= 0 && !sig.args().get(a.lengthArg()).isPointer() && out[base + SOCKADDR] == 0) {
                            out[base + SOCKADDR] = (byte) idx;
                            out[base + SOCKADDR_LEN] = (byte) (a.lengthArg() + 1);
                        }
                    }
                    case FD, FLAGS, MODE, PID, UID, GID, SIGNAL, POINTER, INTEGER -> { }
                }
            }
            // what the driver reads beyond the arguments' own memory (libs e5c53d64 driver/bpf/fillers.h):
            // the socket behind an fd, the fds pipe wrote, the addresses and buffers behind a msghdr
            switch (sig.name()) {
                case "accept", "accept4" -> out[base + SOCK_FD] = 7;
                case "connect", "recvfrom", "recvmsg" -> out[base + SOCK_FD] = 1;
                case "sendto" -> out[base + SOCK_FD] = (byte) (AT_ENTRY | 1);
                case "pipe", "pipe2" -> out[base + PIPE_FDS] = 1;
                case "sendmsg" -> {
                    out[base + MSGHDR_IN] = 2;
                    out[base + SOCK_FD] = (byte) (AT_ENTRY | 1);
                }
                case "mmap", "munmap", "brk" -> out[base + MM] = 1;
                // the iovec array (argument 2, its count argument 3): read at the exit (both), and at the entry of
                // the writes, whose entry event has the buffers' size
                case "readv", "preadv" -> {
                    out[base + IN_BUF] = 0;
                    out[base + OUT_BUF] = 0;
                    out[base + MSGHDR_OUT] = IOV | 2;
                }
                // semop: the first two struct sembuf (argument 2; 6 bytes each), read at the entry
                case "semop" -> {
                    out[base + IN_BUF] = 2;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 12);
                    out[base + OUT_BUF] = 0;
                }
                // setsockopt: the caller's optval (argument 4, optlen argument 5) at the entry; getsockopt: the optval the
                // kernel wrote and the u32 behind the optlen pointer, at the exit, even when it failed (LEN_SOCKOPT)
                case "setsockopt" -> {
                    out[base + IN_BUF] = 4;
                    out[base + IN_LEN] = 5;
                    out[base + OUT_BUF] = 0;
                }
                case "getsockopt" -> {
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = 0;
                    out[base + OUT_BUF] = 0;
                    out[base + OUT_ADDR] = 4;
                    out[base + OUT_ADDRLEN] = (byte) (LEN_SOCKOPT | 5);
                }
                // struct pollfd[nfds] (arguments 1, 2) at both; ppoll's timespec (3) and sigset (4) at the entry
                case "poll", "ppoll" -> {
                    out[base + IN_BUF] = 1;
                    out[base + IN_LEN] = (byte) (LEN_PER8 | 2);
                    out[base + OUT_BUF] = 1;
                    if (sig.name().equals("ppoll")) {
                        out[base + SOCKADDR] = 3;
                        out[base + SOCKADDR_LEN] = (byte) (LEN_CONST | 16);
                        out[base + OUT_ADDR] = 4;
                        out[base + OUT_ADDRLEN] = (byte) (LEN_CONST | 8);
                    }
                }
                // the struct timespec asked for (argument 1)
                case "nanosleep" -> {
                    out[base + IN_BUF] = 1;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 16);
                    out[base + OUT_BUF] = 0;
                }
                // the struct rlimit (argument 2) at the exit, whichever way it went
                case "getrlimit", "setrlimit" -> {
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 16);
                    out[base + OUT_BUF] = 2;
                }
                // the new struct rlimit (argument 3) at the entry (the caller's, unchanged by the call), the old one
                // (argument 4) at the exit
                case "prlimit64" -> {
                    out[base + IN_BUF] = 3;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 16);
                    out[base + OUT_BUF] = 4;
                }
                // the off_t behind offset (argument 3) at both
                case "sendfile", "sendfile64" -> {
                    out[base + IN_BUF] = 3;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 8);
                    out[base + OUT_BUF] = 3;
                }
                case "writev", "pwritev" -> {
                    out[base + IN_BUF] = 0;
                    out[base + OUT_BUF] = 0;
                    out[base + MSGHDR_IN] = IOV | IOV_WRITE | 2;
                    out[base + MSGHDR_OUT] = IOV | IOV_WRITE | 2;
                }
                // clone3: the u64 flags at the head of struct clone_args (argument 1), read at the exit, the parent's and
                // the child's (its memory a copy of the parent's or the same), whose events carry them (f_proc_startupdate)
                case "clone3" -> {
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 8);
                    out[base + OUT_BUF] = 1;
                }
                // umount2's target (argument 1, typed char *, not const: not taken for a string by its signature)
                case "umount2" -> out[base + STR_A] = 1;
                // mount: dev_name and dir_name (arguments 1 and 2, char *: not strings by their signature) at the exit, and
                // the filesystem type (argument 3) as a string of at most 63 bytes in the buffer's slot (a third string
                // has no slot of its own)
                case "mount" -> {
                    out[base + STR_A] = 1;
                    out[base + STR_B] = 2;
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 63);
                    out[base + OUT_BUF] = 3 | BUF_STR;
                }
                // quotactl: special (argument 2) and addr (argument 4) as a string (QUOTAON's quota file) at the exit, and
                // the first 72 bytes at addr (a struct if_dqblk; a struct if_dqinfo or GETFMT's u32 are its first 24 and 4)
                // at the exit, whichever way it went, as f_sys_quotactl_x copies them (LEN_PER8: 9 words)
                case "quotactl" -> {
                    out[base + STR_A] = 2;
                    out[base + STR_B] = 4;
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = (byte) (LEN_CONST | LEN_PER8 | 9);
                    out[base + OUT_BUF] = 4;
                }
                // ptrace: the word PEEKTEXT, PEEKDATA and PEEKUSR stored at the data address (argument 4), read at the
                // exit whatever the request (AdminEvents keeps it for those only)
                case "ptrace" -> {
                    out[base + IN_BUF] = 0;
                    out[base + IN_LEN] = (byte) (LEN_CONST | 8);
                    out[base + OUT_BUF] = 4;
                }
                case "getresuid", "getresgid" -> out[base + TRACED] |= IDS;
                // the int[2] socketpair wrote (argument 4), read as pipe's
                case "socketpair" -> out[base + PIPE_FDS] = (byte) (SOCK_PAIR | 4);
                // struct open_how (argument 3, its size argument 4): flags, mode and resolve, read at the entry
                case "openat2" -> {
                    out[base + IN_BUF] = 3;
                    out[base + IN_LEN] = 4;
                }
                default -> { }
            }
            if (sig.name().equals("recvfrom")) {
                out[base + OUT_ADDR] = 5;
                out[base + OUT_ADDRLEN] = 6;
            }
            if (sig.name().equals("recvmsg")) {
                out[base + MSGHDR_OUT] = 2;
            }
            // (a buffer of a constant or counted length at the exit needs no entry: the exit has the arguments)
            boolean sized = (out[base + IN_LEN] & (LEN_CONST | LEN_PER8)) != 0;
            if (out[base + OUT_BUF] != 0 && !sized || out[base + SOCK_FD] != 0 || out[base + PIPE_FDS] != 0
                    || out[base + OUT_ADDR] != 0 && (out[base + OUT_ADDRLEN] & LEN_CONST) == 0 || out[base + MSGHDR_OUT] != 0 && (out[base + MSGHDR_OUT] & IOV) == 0) {
                out[base + KEEP_ARGS] = 1;
            }
            if ((sig.name().equals("open") || sig.name().equals("openat") || FileEvents.PATH_AT_EXIT.contains(sig.name())
                    || FileEvents.PATHS_AT_EXIT.contains(sig.name()) || sig.name().equals("access") || sig.name().equals("umount2")
                    || sig.name().equals("mount") || sig.name().equals("quotactl"))
                    && out[base + STR_A] != 0) {
                out[base + TRACED] |= STR_EXIT;
            }
            // write and pwrite64: the driver copies the caller's buffer at the exit, up to the return value when the
            // call succeeded (the comment in EventBuilder): read it there, so that the exit record alone makes the
            // exit event (arguments at the exit come from pt_regs, no map between entry and exit)
            if ((sig.name().equals("write") || sig.name().equals("pwrite64")) && out[base + IN_BUF] != 0) {
                out[base + OUT_BUF] = out[base + IN_BUF];
                out[base + IN_BUF] = 0;
                out[base + IN_LEN] = 0;
            }
            // a datagram sent only for its tuple: no data (its events are never printed), so that the tuple's bytes
            // sit at fixed places for DatagramState to compare (sendmsg and recvmsg keep their msghdr byte: its msg_name
            // is the address, and UserBuffers.msghdr reads nothing else for them)
            if (stateCall && (outside || failedOnly) && DGRAM_CALLS.contains(sig.name())) {
                out[base + TRACED] |= DGRAM;
                out[base + IN_BUF] = 0;
                out[base + IN_LEN] = 0;
                out[base + OUT_BUF] = 0;
            }
        }
        return out;
    }

    /** Whether a configuration array traces syscall {@code nr}. */
    static boolean traced(byte[] config, int nr) {
        return nr >= 0 && nr < CaptureProbe.MAX_SYSCALLS && config[nr * SIZE + TRACED] != 0
                && (config[nr * SIZE + TRACED] & OUTSIDE) == 0;
    }

    /** Kinds that are read from user memory (for the Javadoc's account; used by tests). */
    static final Set<ArgKind> READ_KINDS = Set.of(ArgKind.PATH, ArgKind.STRING, ArgKind.BUFFER, ArgKind.SOCKADDR);
}
