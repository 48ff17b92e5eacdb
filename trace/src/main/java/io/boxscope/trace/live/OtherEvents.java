package io.boxscope.trace.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import io.boxscope.trace.scap.ScapEvent;

/**
 * Events of frequent system calls that sysdig's driver records with events of their own and whose parameters are
 * the caller's arguments, the result and at most one path: ioctl, lseek, kill, tkill, tgkill, mprotect, getcwd and
 * access. Event types from libs e5c53d64's driver/syscall_table.c (IOCTL_3, LSEEK, KILL, TKILL, TGKILL, MPROTECT,
 * GETCWD, ACCESS), parameters as driver/fillers_table.c and driver/ppm_fillers.c write them: ioctl's and the kill
 * family's arguments as passed (autofill), lseek's whence through lseek_whence_to_scap (SEEK_SET, SEEK_CUR,
 * SEEK_END keep their numbers, anything else is 0), mprotect's prot as PPM_PROT_* ({@link MmapFlags#prot}),
 * access's mode through access_flags_to_scap (MAY_EXEC, MAY_WRITE, MAY_READ are X_OK, W_OK, R_OK's bits; F_OK
 * is 0) and its path at the exit; getcwd's path is the buffer the kernel filled (read at the exit up to the
 * return value, which counts its NUL).
 *
 * <p>Also futex (FUTEX: addr, op through futex_op_to_scap, val), epoll_wait (EPOLLWAIT: maxevents), select (SELECT:
 * the result only), getdents and getdents64 (fd), splice (fd_in, fd_out, size, flags), shutdown (SHUTDOWN: fd, how),
 * getsockname and getpeername (no parameters at all in that driver), flock (fd, operation as PPM_LOCK_*), setsid,
 * setpgid (pid, pgid; the result as a PID) and fchmod (FCHMOD: nothing at the entry; result, fd and mode as
 * chmod_mode_to_scap, whose PPM_S_* bits are the kernel's S_I* bits of 07777, at the exit).
 *
 * <p>And the setuid family (SETUID, SETGID, SETRESUID, SETRESGID: driver/syscall_table.c gives them events of their
 * own, the fillers autofill the ids as passed and the result): the inspector's thread table takes the new user or
 * group from them (parse_setuid_exit and the like), so they are state calls under a push-down
 * ({@link SyscallConfig#STATE_CALLS}).
 *
 * <p>And the getters (GETUID, GETEUID, GETGID, GETEGID, GETRESUID, GETRESGID: events of their own in
 * driver/syscall_table.c; sinsp parses none of them): nothing at the entry (sys_empty); at the exit getuid and the like
 * carry their return value as the id (driver/fillers_table.c: sys_autofill of AF_ID_RETVAL), getresuid and getresgid
 * the result and the three ids the kernel stored behind the caller's pointers (f_sys_getresuid_and_gid_x, read at
 * the exit whatever the call returned; an id the probe could not read is 0, as the bpf driver's _READ gives; the kernel
 * module's filler drops such an event instead). The probe reads them into the buffer slot ({@link SyscallConfig#IDS}).
 */
final class OtherEvents {
    /** System calls built here. */
    static final Set<String> NAMES = Set.of("ioctl", "lseek", "kill", "tkill", "tgkill", "mprotect", "getcwd", "access",
            "futex", "epoll_wait", "select", "getdents", "getdents64", "splice", "shutdown", "getsockname", "getpeername",
            "flock", "setsid", "setpgid", "fchmod", "poll", "ppoll", "nanosleep", "getrlimit", "setrlimit", "prlimit64",
            "sendfile", "sendfile64", "sendmmsg", "recvmmsg", "seccomp", "semget", "semctl", "unshare", "setns",
            "copy_file_range", "setsockopt", "getsockopt", "semop", "setuid", "setgid", "setresuid", "setresgid", "getuid", "geteuid",
            "getgid", "getegid", "getresuid", "getresgid");

    private OtherEvents() {}

    static ScapEvent enter(String n, RawRecord r, long ts) {
        long[] a = r.args();
        return switch (n) {
            case "ioctl" -> b("PPME_SYSCALL_IOCTL_3_E", r, ts).num((int) a[0]).num(a[1]).num(a[2]).build();
            case "lseek" -> b("PPME_SYSCALL_LSEEK_E", r, ts).num((int) a[0]).num(a[1]).num(a[2] >= 0 && a[2] <= 2 ? a[2] : 0).build();
            case "kill" -> b("PPME_SYSCALL_KILL_E", r, ts).num((int) a[0]).num(a[1] & 0xff).build();
            case "tkill" -> b("PPME_SYSCALL_TKILL_E", r, ts).num((int) a[0]).num(a[1] & 0xff).build();
            case "tgkill" -> b("PPME_SYSCALL_TGKILL_E", r, ts).num((int) a[0]).num((int) a[1]).num(a[2] & 0xff).build();
            case "mprotect" -> b("PPME_SYSCALL_MPROTECT_E", r, ts).num(a[0]).num(a[1]).num(MmapFlags.prot(a[2])).build();
            case "getcwd" -> b("PPME_SYSCALL_GETCWD_E", r, ts).build();
            case "access" -> b("PPME_SYSCALL_ACCESS_E", r, ts).num(a[1] & 7).build();
            case "futex" -> b("PPME_SYSCALL_FUTEX_E", r, ts).num(a[0]).num(futexOp(a[1])).num(a[2]).build();
            // maxevents as the register holds it (the table's autofill of argument 2)
            case "epoll_wait" -> b("PPME_SYSCALL_EPOLLWAIT_E", r, ts).num(a[2]).build();
            case "select" -> b("PPME_SYSCALL_SELECT_E", r, ts).build();
            case "getdents" -> b("PPME_SYSCALL_GETDENTS_E", r, ts).num((int) a[0]).build();
            case "getdents64" -> b("PPME_SYSCALL_GETDENTS64_E", r, ts).num((int) a[0]).build();
            // fd_in, fd_out, len, flags: arguments 0, 2, 4, 5 as passed (autofill; the offsets are not recorded)
            case "splice" -> b("PPME_SYSCALL_SPLICE_E", r, ts).num((int) a[0]).num((int) a[2]).num(a[4]).num(a[5] & 0xffff_ffffL).build();
            // shutdown_how_to_scap keeps SHUT_RD, SHUT_WR, SHUT_RDWR (0, 1, 2) and passes anything else as its low bits
            case "shutdown" -> b("PPME_SOCKET_SHUTDOWN_E", r, ts).num((int) a[0]).num(a[1] & 0xff).build();
            case "getsockname" -> b("PPME_SOCKET_GETSOCKNAME_E", r, ts).build();
            case "getpeername" -> b("PPME_SOCKET_GETPEERNAME_E", r, ts).build();
            // flock_flags_to_scap: LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN (1, 2, 4, 8) are PPM_LOCK_*'s bits; others dropped
            case "flock" -> b("PPME_SYSCALL_FLOCK_E", r, ts).num((int) a[0]).num(a[1] & 0xf).build();
            case "setsid" -> b("PPME_SYSCALL_SETSID_E", r, ts).build();
            // the ids as passed (uid_t, gid_t: 32 bits; -1, "unchanged", is 4294967295 as sysdig prints it)
            case "setuid" -> b("PPME_SYSCALL_SETUID_E", r, ts).num(a[0] & 0xffff_ffffL).build();
            case "setgid" -> b("PPME_SYSCALL_SETGID_E", r, ts).num(a[0] & 0xffff_ffffL).build();
            case "setresuid" -> b("PPME_SYSCALL_SETRESUID_E", r, ts).num(a[0] & 0xffff_ffffL).num(a[1] & 0xffff_ffffL)
                    .num(a[2] & 0xffff_ffffL).build();
            case "setresgid" -> b("PPME_SYSCALL_SETRESGID_E", r, ts).num(a[0] & 0xffff_ffffL).num(a[1] & 0xffff_ffffL)
                    .num(a[2] & 0xffff_ffffL).build();
            case "setpgid" -> b("PPME_SYSCALL_SETPGID_E", r, ts).num(a[0]).num(a[1]).build();
            case "getuid" -> b("PPME_SYSCALL_GETUID_E", r, ts).build();
            case "geteuid" -> b("PPME_SYSCALL_GETEUID_E", r, ts).build();
            case "getgid" -> b("PPME_SYSCALL_GETGID_E", r, ts).build();
            case "getegid" -> b("PPME_SYSCALL_GETEGID_E", r, ts).build();
            case "getresuid" -> b("PPME_SYSCALL_GETRESUID_E", r, ts).build();
            case "getresgid" -> b("PPME_SYSCALL_GETRESGID_E", r, ts).build();
            case "fchmod" -> b("PPME_SYSCALL_FCHMOD_E", r, ts).build();
            // the pollfd array the probe read (slot 2): every fd with its events; the timeout as the register holds it
            case "poll" -> b("PPME_SYSCALL_POLL_E", r, ts).bytes(fdList(r.buf(), true)).num(a[2]).build();
            // the timespec (slot 3; none given: -1) in ns, the first 8 bytes of the sigset (slot 1; none given: 0)
            case "ppoll" -> b("PPME_SYSCALL_PPOLL_E", r, ts).bytes(fdList(r.buf(), true))
                    .num(a[2] == 0 ? -1 : reltime(r.sockaddr())).num(a[3] == 0 ? 0 : word(r.strB()) & 0xffff_ffffL).build();
            case "nanosleep" -> b("PPME_SYSCALL_NANOSLEEP_E", r, ts).num(reltime(r.buf())).build();
            case "getrlimit" -> b("PPME_SYSCALL_GETRLIMIT_E", r, ts).num(resource(a[0])).build();
            case "setrlimit" -> b("PPME_SYSCALL_SETRLIMIT_E", r, ts).num(resource(a[0])).build();
            case "prlimit64" -> b("PPME_SYSCALL_PRLIMIT_E", r, ts).num(a[0]).num(resource(a[1])).build();
            // the offset behind the pointer (slot 2), 0 without one or when it cannot be read
            case "sendfile", "sendfile64" -> b("PPME_SYSCALL_SENDFILE_E", r, ts).num((int) a[0]).num((int) a[1])
                    .num(a[2] == 0 ? 0 : word(r.buf())).num(a[3]).build();
            // sendmmsg, recvmmsg: no parameters in that driver (sys_empty)
            case "sendmmsg" -> b("PPME_SOCKET_SENDMMSG_E", r, ts).build();
            case "recvmmsg" -> b("PPME_SOCKET_RECVMMSG_E", r, ts).build();
            // the table lists one parameter (op); the autofill's second (flags) is not written
            case "seccomp" -> b("PPME_SYSCALL_SECCOMP_E", r, ts).num(a[0]).build();
            case "semget" -> b("PPME_SYSCALL_SEMGET_E", r, ts).num(a[0] & 0xffff_ffffL).num(a[1] & 0xffff_ffffL)
                    .num(semgetFlags(a[2])).build();
            // val only for SETVAL (16), else 0 (f_sys_semctl_e)
            case "semctl" -> b("PPME_SYSCALL_SEMCTL_E", r, ts).num(a[0] & 0xffff_ffffL).num(a[1] & 0xffff_ffffL)
                    .num(semctlCmd(a[2])).num(a[2] == 16 ? a[3] & 0xffff_ffffL : 0).build();
            case "unshare" -> b("PPME_SYSCALL_UNSHARE_E", r, ts).num(cloneFlags(a[0])).build();
            case "setns" -> b("PPME_SYSCALL_SETNS_E", r, ts).num((int) a[0]).num(cloneFlags(a[1])).build();
            // off_in as the pointer the caller passed (the driver does not read through it), len is argument 4
            case "copy_file_range" -> b("PPME_SYSCALL_COPY_FILE_RANGE_E", r, ts).num((int) a[0]).num(a[1]).num(a[4]).build();
            case "setsockopt" -> b("PPME_SOCKET_SETSOCKOPT_E", r, ts).build();
            case "semop" -> b("PPME_SYSCALL_SEMOP_E", r, ts).num(a[0] & 0xffff_ffffL).build();
            case "getsockopt" -> b("PPME_SOCKET_GETSOCKOPT_E", r, ts).build();
            default -> throw new IllegalArgumentException("not an OtherEvents system call: " + n);
        };
    }

    /** {@code e} is the matching entry record, or the exit record itself when the entry was not seen. */
    static ScapEvent exit(String n, RawRecord r, RawRecord e, long ts) {
        long ret = r.ret();
        return switch (n) {
            case "ioctl" -> b("PPME_SYSCALL_IOCTL_3_X", r, ts).num(ret).build();
            case "lseek" -> b("PPME_SYSCALL_LSEEK_X", r, ts).num(ret).build();
            case "kill" -> b("PPME_SYSCALL_KILL_X", r, ts).num(ret).build();
            case "tkill" -> b("PPME_SYSCALL_TKILL_X", r, ts).num(ret).build();
            case "tgkill" -> b("PPME_SYSCALL_TGKILL_X", r, ts).num(ret).build();
            case "mprotect" -> b("PPME_SYSCALL_MPROTECT_X", r, ts).num(ret).build();
            case "getcwd" -> b("PPME_SYSCALL_GETCWD_X", r, ts).num(ret).str(ret > 0 ? r.buf() : new byte[0]).build();
            case "access" -> b("PPME_SYSCALL_ACCESS_X", r, ts).num(ret).str(r.strA().length > 0 ? r.strA() : e.strA()).build();
            case "futex" -> b("PPME_SYSCALL_FUTEX_X", r, ts).num(ret).build();
            case "epoll_wait" -> b("PPME_SYSCALL_EPOLLWAIT_X", r, ts).num(ret).build();
            case "select" -> b("PPME_SYSCALL_SELECT_X", r, ts).num(ret).build();
            case "getdents" -> b("PPME_SYSCALL_GETDENTS_X", r, ts).num(ret).build();
            case "getdents64" -> b("PPME_SYSCALL_GETDENTS64_X", r, ts).num(ret).build();
            case "splice" -> b("PPME_SYSCALL_SPLICE_X", r, ts).num(ret).build();
            case "shutdown" -> b("PPME_SOCKET_SHUTDOWN_X", r, ts).num(ret).build();
            case "getsockname" -> b("PPME_SOCKET_GETSOCKNAME_X", r, ts).build();
            case "getpeername" -> b("PPME_SOCKET_GETPEERNAME_X", r, ts).build();
            case "flock" -> b("PPME_SYSCALL_FLOCK_X", r, ts).num(ret).build();
            case "setsid" -> b("PPME_SYSCALL_SETSID_X", r, ts).num(ret).build();
            case "setuid" -> b("PPME_SYSCALL_SETUID_X", r, ts).num(ret).build();
            case "setgid" -> b("PPME_SYSCALL_SETGID_X", r, ts).num(ret).build();
            case "setresuid" -> b("PPME_SYSCALL_SETRESUID_X", r, ts).num(ret).build();
            case "setresgid" -> b("PPME_SYSCALL_SETRESGID_X", r, ts).num(ret).build();
            case "setpgid" -> b("PPME_SYSCALL_SETPGID_X", r, ts).num(ret).build();
            // the id is the return value, as a 32-bit uid_t/gid_t
            case "getuid" -> b("PPME_SYSCALL_GETUID_X", r, ts).num(ret & 0xffff_ffffL).build();
            case "geteuid" -> b("PPME_SYSCALL_GETEUID_X", r, ts).num(ret & 0xffff_ffffL).build();
            case "getgid" -> b("PPME_SYSCALL_GETGID_X", r, ts).num(ret & 0xffff_ffffL).build();
            case "getegid" -> b("PPME_SYSCALL_GETEGID_X", r, ts).num(ret & 0xffff_ffffL).build();
            case "getresuid" -> ids(b("PPME_SYSCALL_GETRESUID_X", r, ts).num(ret), r.buf()).build();
            case "getresgid" -> ids(b("PPME_SYSCALL_GETRESGID_X", r, ts).num(ret), r.buf()).build();
            // the driver reads fd and mode at the exit (f_sys_fchmod_x): the exit record's own arguments
            case "fchmod" -> b("PPME_SYSCALL_FCHMOD_X", r, ts).num(ret).num((int) r.args()[0]).num(r.args()[1] & 07777).build();
            // the pollfd array again after the call: the fds that returned something, with their revents
            case "poll" -> b("PPME_SYSCALL_POLL_X", r, ts).num(ret).bytes(fdList(r.buf(), false)).build();
            case "ppoll" -> b("PPME_SYSCALL_PPOLL_X", r, ts).num(ret).bytes(fdList(r.buf(), false)).build();
            case "nanosleep" -> b("PPME_SYSCALL_NANOSLEEP_X", r, ts).num(ret).build();
            // the rlimit at the exit (slot 2): after a failed getrlimit -1, -1 (f_sys_getrlimit_setrlrimit_x)
            case "getrlimit" -> limits(b("PPME_SYSCALL_GETRLIMIT_X", r, ts).num(ret), ret >= 0 ? r.buf() : null).build();
            case "setrlimit" -> limits(b("PPME_SYSCALL_SETRLIMIT_X", r, ts).num(ret), r.buf()).build();
            // the new limit as the entry read it, the old one the kernel wrote (-1, -1 when not given or unreadable)
            case "prlimit64" -> limits(limits(b("PPME_SYSCALL_PRLIMIT_X", r, ts).num(ret), ret >= 0 && e != r ? e.buf() : null),
                    r.buf()).build();
            case "sendfile", "sendfile64" -> b("PPME_SYSCALL_SENDFILE_X", r, ts).num(ret)
                    .num(r.args()[2] == 0 ? 0 : word(r.buf())).build();
            case "sendmmsg" -> b("PPME_SOCKET_SENDMMSG_X", r, ts).build();
            case "recvmmsg" -> b("PPME_SOCKET_RECVMMSG_X", r, ts).build();
            case "seccomp" -> b("PPME_SYSCALL_SECCOMP_X", r, ts).num(ret).build();
            case "semget" -> b("PPME_SYSCALL_SEMGET_X", r, ts).num(ret).build();
            case "semctl" -> b("PPME_SYSCALL_SEMCTL_X", r, ts).num(ret).build();
            case "unshare" -> b("PPME_SYSCALL_UNSHARE_X", r, ts).num(ret).build();
            case "setns" -> b("PPME_SYSCALL_SETNS_X", r, ts).num(ret).build();
            // fd_out and off_out (the pointer) at the exit
            case "copy_file_range" -> b("PPME_SYSCALL_COPY_FILE_RANGE_X", r, ts).num(ret).num((int) r.args()[2]).num(r.args()[3]).build();
            // nsops, then the first two sembufs as the entry read them (a missing second one as zeros; flags through
            // semop_flags_to_scap: IPC_NOWAIT 04000 as 1, SEM_UNDO 0x1000 as 2); no sembufs at all without any
            case "semop" -> {
                long nsops = r.args()[2];
                ScapEvent.Builder c = b("PPME_SYSCALL_SEMOP_X", r, ts).num(ret).num(nsops & 0xffff_ffffL);
                if (nsops == 0 || r.args()[1] == 0) {
                    yield c.build();
                }
                ByteBuffer sb = ByteBuffer.wrap(e != r ? e.buf() : new byte[0]).order(ByteOrder.nativeOrder());
                for (int j = 0; j < 2; j++) {
                    boolean have = j < nsops && sb.capacity() >= 6 * (j + 1);
                    short flg = have ? sb.getShort(6 * j + 4) : 0;
                    c.num(have ? sb.getShort(6 * j) & 0xffff : 0).num(have ? sb.getShort(6 * j + 2) : 0)
                            .num(((flg & 04000) != 0 ? 1 : 0) | ((flg & 0x1000) != 0 ? 2 : 0));
                }
                yield c.build();
            }
            // the caller's optval as the entry read it; optlen as passed
            case "setsockopt" -> {
                long[] a = r.args();
                yield b("PPME_SOCKET_SETSOCKOPT_X", r, ts).num(ret).num((int) a[0]).num(sockoptLevel(a[1])).num(sockoptName(a[1], a[2]))
                        .bytes(sockoptValue(a[1], a[2], e != r ? e.buf() : new byte[0])).num(a[4] & 0xffff_ffffL).build();
            }
            // f_sys_getsockopt_x: the u32 behind optlen after the call (slot 2, whole) and optval up to it and the snap
            // length (slot 3), even when the call failed; an unreadable optlen: 0 and no value
            case "getsockopt" -> {
                long[] a = r.args();
                long optlen = r.buf().length == 4 ? ByteBuffer.wrap(r.buf()).order(ByteOrder.nativeOrder()).getInt(0) & 0xffff_ffffL : 0;
                yield b("PPME_SOCKET_GETSOCKOPT_X", r, ts).num(ret).num((int) a[0]).num(sockoptLevel(a[1])).num(sockoptName(a[1], a[2]))
                        .bytes(sockoptValue(a[1], a[2], r.sockaddr())).num(optlen).build();
            }
            default -> throw new IllegalArgumentException("not an OtherEvents system call: " + n);
        };
    }

    /** sockopt_level_to_scap: SOL_SOCKET (1) as PPM_SOCKOPT_LEVEL_SOL_SOCKET 1, SOL_TCP (6) as 2, others 0. */
    static long sockoptLevel(long level) {
        return switch ((int) level) {
            case 1 -> 1;
            case 6 -> 2;
            default -> 0;
        };
    }

    /**
     * sockopt_optname_to_scap: at SOL_SOCKET the kernel's SO_* (include/uapi/asm-generic/socket.h, LP64: SO_RCVTIMEO
     * is SO_RCVTIMEO_OLD...) 1..50 are PPM_SOCKOPT_SO_* of the same number, SO_PEERGROUPS 59, SO_MEMINFO 55,
     * SO_COOKIE 57 are 51, 52, 53; anything else, and every other level, 0.
     */
    static long sockoptName(long level, long name) {
        if (level != 1) {
            return 0;
        }
        return switch ((int) name) {
            case 59 -> 51;
            case 55 -> 52;
            case 57 -> 53;
            default -> name >= 1 && name <= 50 ? name : 0;
        };
    }

    /**
     * parse_sockopt's PT_DYN (sockopt_dynamic_param, libs e5c53d64 dynamic_params_table.c): an index byte, then at
     * SOL_SOCKET SO_ERROR as an ERRNO (-value, index 1), SO_RCVTIMEO and SO_SNDTIMEO's struct timeval as ns (index
     * 4), SO_COOKIE as a u64 (index 3), the int options it lists as a u32 (index 2); anything else the bytes
     * (index 0). A value the probe could not read is 0.
     */
    static byte[] sockoptValue(long level, long name, byte[] val) {
        ByteBuffer in = ByteBuffer.wrap(val).order(ByteOrder.nativeOrder());
        int kind = level != 1 ? 0 : switch ((int) name) {
            case 4 -> 1;
            case 20, 21 -> 4;
            case 57 -> 3;
            case 1, 2, 3, 5, 6, 7, 8, 32, 33, 9, 10, 11, 12, 14, 15, 16, 18, 19, 22, 23, 24, 25, 27, 29, 30, 31, 34, 35, 36,
                 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49 -> 2;
            default -> 0;
        };
        ByteBuffer out = ByteBuffer.allocate(kind == 0 ? 1 + val.length : kind == 2 ? 5 : 9).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) kind);
        switch (kind) {
            case 1 -> out.putLong(val.length >= 4 ? (long) -in.getInt(0) : 0); // -(int)val32, widened
            case 2 -> out.putInt(val.length >= 4 ? in.getInt(0) : 0);
            case 3 -> out.putLong(val.length >= 8 ? in.getLong(0) : 0);
            case 4 -> out.putLong(val.length >= 16 ? in.getLong(0) * 1_000_000_000L + in.getLong(8) * 1000 : 0);
            default -> out.put(val);
        }
        return out.array();
    }

    /**
     * clone_flags_to_scap: the kernel's CLONE_* bits (include/uapi/linux/sched.h) as PPM_CL_CLONE_*; CLONE_PIDFD,
     * CLONE_DETACHED and CLONE_CLEAR_SIGHAND have no PPM flag and are dropped.
     */
    static long cloneFlags(long k) {
        long[][] map = {{0x400, 1}, {0x200, 1 << 1}, {0x80000000L, 1 << 2}, {0x08000000, 1 << 3}, {0x40000000, 1 << 4},
            {0x20000, 1 << 5}, {0x20000000, 1 << 6}, {0x04000000, 1 << 7}, {0x100000, 1 << 9}, {0x8000, 1 << 8},
            {0x2000, 1 << 10}, {0x800, 1 << 11}, {0x40000, 1 << 12}, {0x10000, 1 << 13}, {0x800000, 1 << 14},
            {0x100, 1 << 15}, {0x10000000, 1 << 20}, {0x200000, 1 << 23}, {0x1000000, 1 << 24}, {0x80000, 1 << 25},
            {0x4000, 1 << 27}, {0x02000000, 1 << 28}};
        long res = 0;
        for (long[] m : map) {
            if ((k & m[0]) != 0) {
                res |= m[1];
            }
        }
        return res;
    }

    /** semget_flags_to_scap: IPC_CREAT (01000) as PPM_IPC_CREAT (1 &lt;&lt; 13), IPC_EXCL (02000) as 1 &lt;&lt; 14; no mode. */
    static long semgetFlags(long k) {
        return ((k & 01000) != 0 ? 1 << 13 : 0) | ((k & 02000) != 0 ? 1 << 14 : 0);
    }

    /**
     * semctl_cmd_to_scap: IPC_RMID 0, IPC_SET 1, IPC_STAT 2, IPC_INFO 3, GETPID 11, GETVAL 12, GETALL 13, GETNCNT
     * 14, GETZCNT 15, SETVAL 16, SETALL 17, SEM_STAT 18, SEM_INFO 19 (include/uapi/linux/ipc.h, sem.h) as their
     * PPM_* bits; anything else (IPC_64 set too) 0.
     */
    static long semctlCmd(long k) {
        return switch ((int) k) {
            case 0 -> 1 << 2;
            case 1 -> 1 << 1;
            case 2 -> 1;
            case 3 -> 1 << 3;
            case 11 -> 1 << 8;
            case 12 -> 1 << 9;
            case 13 -> 1 << 6;
            case 14 -> 1 << 7;
            case 15 -> 1 << 10;
            case 16 -> 1 << 12;
            case 17 -> 1 << 11;
            case 18 -> 1 << 5;
            case 19 -> 1 << 4;
            default -> 0;
        };
    }

    /**
     * futex_op_to_scap (driver/ppm_flag_helpers.h): the command (op &amp; 127) kept when it is one of FUTEX_WAIT ..
     * FUTEX_CMP_REQUEUE_PI (0..12, PPM_FU_* the same numbers), else 0; FUTEX_PRIVATE_FLAG (128) and
     * FUTEX_CLOCK_REALTIME (256) kept (include/uapi/linux/futex.h).
     */
    static long futexOp(long op) {
        long cmd = op & 127;
        return (cmd <= 12 ? cmd : 0) | (op & 128) | (op & 256);
    }

    /**
     * A PT_FDLIST (poll_parse_fds): u16 count, then per fd an int64 fd and an int16 of PPM_POLL* flags; at the
     * entry every pollfd with its events, at the exit only those whose revents are set, with them.
     */
    static byte[] fdList(byte[] pollfds, boolean enter) {
        ByteBuffer in = ByteBuffer.wrap(pollfds).order(ByteOrder.nativeOrder());
        int n = pollfds.length / 8;
        ByteBuffer out = ByteBuffer.allocate(2 + 10 * n).order(ByteOrder.LITTLE_ENDIAN);
        out.position(2);
        int count = 0;
        for (int i = 0; i < n; i++) {
            short ev = in.getShort(8 * i + (enter ? 4 : 6));
            if (!enter && ev == 0) {
                continue;
            }
            out.putLong(in.getInt(8 * i)).putShort((short) pollEvents(ev));
            count++;
        }
        out.putShort(0, (short) count);
        return java.util.Arrays.copyOf(out.array(), 2 + 10 * count);
    }

    /**
     * poll_events_to_scap: the kernel's POLL* bits (include/uapi/asm-generic/poll.h: POLLIN 1, POLLPRI 2, POLLOUT 4,
     * POLLERR 8, POLLHUP 0x10, POLLNVAL 0x20, POLLRDNORM 0x40, POLLRDBAND 0x80, POLLWRNORM 0x100, POLLWRBAND 0x200,
     * POLLRDHUP 0x2000) as PPM_POLL* (1 POLLIN, 2 PRI, 4 OUT, 8 RDHUP, 16 ERR, 32 HUP, 64 NVAL, 128 RDNORM, 256
     * RDBAND, 512 WRNORM, 1024 WRBAND).
     */
    static int pollEvents(int k) {
        // POLLIN, PRI, OUT keep their bits; POLLERR .. POLLWRBAND (0x8 .. 0x200) move up one; POLLRDHUP 0x2000 is 8.
        // Bit operations rather than a table walked per pollfd: a poll-heavy capture converts two lists per call.
        return k & 0x7 | (k & 0x3f8) << 1 | (k & 0x2000) >>> 10;
    }

    /** rlimit_resource_to_scap: RLIMIT_CPU .. RLIMIT_RTTIME (0..15, asm-generic/resource.h) kept, others 255. */
    static long resource(long k) {
        return k >= 0 && k <= 15 ? k : 255;
    }

    /** A struct timespec (two LP64 longs) as ns (timespec_parse); 0 when not read. */
    private static long reltime(byte[] ts) {
        if (ts.length < 16) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(ts).order(ByteOrder.nativeOrder());
        return b.getLong(0) * 1_000_000_000L + b.getLong(8);
    }

    /** The first 8 bytes of a slot as a number (an off_t, a sigset word); 0 when not read. */
    private static long word(byte[] slot) {
        return slot.length < 8 ? 0 : ByteBuffer.wrap(slot).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /** The three u32 ids the probe read behind getresuid's or getresgid's pointers (slot 2, 12 bytes); 0 for each missing. */
    private static ScapEvent.Builder ids(ScapEvent.Builder c, byte[] slot) {
        ByteBuffer b = ByteBuffer.wrap(slot).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 3; i++) {
            c.num(slot.length >= 4 * (i + 1) ? b.getInt(4 * i) & 0xffff_ffffL : 0);
        }
        return c;
    }

    /** cur and max of a struct rlimit (two u64 as int64), or -1, -1 (none, or not read). */
    private static ScapEvent.Builder limits(ScapEvent.Builder c, byte[] rl) {
        if (rl == null || rl.length < 16) {
            return c.num(-1).num(-1);
        }
        ByteBuffer b = ByteBuffer.wrap(rl).order(ByteOrder.nativeOrder());
        return c.num(b.getLong(0)).num(b.getLong(8));
    }

    private static ScapEvent.Builder b(String constant, RawRecord r, long ts) {
        return ScapEvent.builder(constant, ts, r.tid(), r.cpu());
    }
}
