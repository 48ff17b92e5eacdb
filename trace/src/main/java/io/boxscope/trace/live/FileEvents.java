package io.boxscope.trace.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import io.boxscope.trace.scap.ScapEvent;

/**
 * The events of the directory, name and fd-creating system calls that sysdig's driver records with events of
 * their own (not generic ones): chdir, fchdir, mkdir, mkdirat, rmdir, unlink, unlinkat, rename, renameat,
 * renameat2, creat, openat2, socketpair, eventfd/eventfd2, signalfd/signalfd4, timerfd_create,
 * inotify_init/inotify_init1, userfaultfd and bpf. Each has the event type the syscall table of falcosecurity/libs
 * e5c53d64 (driver/syscall_table.c, what sysdig 0.29 reads) gives it and the parameters its filler writes
 * (driver/fillers_table.c and driver/ppm_fillers.c of that commit), including the driver's quirks: mkdir's entry
 * mode, signalfd's mask and flags, timerfd_create's clockid and flags, inotify_init's and eventfd's flags are
 * written as 0 (the table's AF_ID_USEDEFAULT: ppm_fillers.c leaves them unfilled); userfaultfd's and renameat2's flags
 * as the caller passed them; a dirfd of AT_FDCWD as PPM_AT_FDCWD (-100, the same number). Also chmod, fchmodat,
 * link, linkat, symlink and symlinkat (CHMOD, FCHMODAT, LINK_2, LINKAT_2, SYMLINK, SYMLINKAT: an empty entry, the
 * result, the paths, dirfds, mode and flags at the exit).
 *
 * <p>Paths come from the exit record when the probe read them there ({@link SyscallConfig#STR_EXIT}: the
 * single-path calls, whose exit event carries the path as the driver reads it at the exit), else from the entry's.
 */
final class FileEvents {
    /** System calls built here. */
    static final Set<String> NAMES = Set.of("chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
            "rename", "renameat", "renameat2", "creat", "openat2", "socketpair", "eventfd", "eventfd2", "signalfd",
            "signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "userfaultfd", "bpf", "chmod", "fchmodat", "link",
            "linkat", "symlink", "symlinkat", "chroot");
    /** Those whose exit event carries the first path: the probe reads it again at the exit. */
    static final Set<String> PATH_AT_EXIT = Set.of("chdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
            "rename", "renameat", "renameat2", "creat", "openat2");
    /**
     * Those whose events have nothing at the entry and every parameter at the exit, where the driver reads their
     * paths (f_sys_chmod_x, f_sys_fchmodat_x, the autofill of LINK_2_X and SYMLINK_X, f_sys_linkat_x,
     * f_sys_symlinkat_x): the probe reads both path arguments again at the exit.
     */
    static final Set<String> PATHS_AT_EXIT = Set.of("chmod", "fchmodat", "link", "linkat", "symlink", "symlinkat", "chroot");

    /** Linux's O_CREAT (the same on every architecture: include/uapi/asm-generic/fcntl.h). */
    private static final long O_CREAT = 0100;
    /** AT_REMOVEDIR (include/uapi/linux/fcntl.h), PPM_AT_REMOVEDIR the same value (ppm_events_public.h). */
    private static final long AT_REMOVEDIR = 0x200;
    /** bpf(2) commands whose result is a new fd (include/uapi/linux/bpf.h): BPF_MAP_CREATE, BPF_PROG_LOAD. */
    private static final long BPF_MAP_CREATE = 0;
    private static final long BPF_PROG_LOAD = 5;

    private FileEvents() {}

    static ScapEvent enter(String n, RawRecord r, long ts, OpenFlags of) {
        long[] a = r.args();
        return switch (n) {
            case "chdir" -> b("PPME_SYSCALL_CHDIR_E", r, ts).build();
            case "fchdir" -> b("PPME_SYSCALL_FCHDIR_E", r, ts).num((int) a[0]).build();
            case "mkdir" -> b("PPME_SYSCALL_MKDIR_2_E", r, ts).num(0).build();
            case "mkdirat" -> b("PPME_SYSCALL_MKDIRAT_E", r, ts).build();
            case "rmdir" -> b("PPME_SYSCALL_RMDIR_2_E", r, ts).build();
            case "unlink" -> b("PPME_SYSCALL_UNLINK_2_E", r, ts).build();
            case "unlinkat" -> b("PPME_SYSCALL_UNLINKAT_2_E", r, ts).build();
            case "rename" -> b("PPME_SYSCALL_RENAME_E", r, ts).build();
            case "renameat" -> b("PPME_SYSCALL_RENAMEAT_E", r, ts).build();
            case "renameat2" -> b("PPME_SYSCALL_RENAMEAT2_E", r, ts).build();
            case "creat" -> b("PPME_SYSCALL_CREAT_E", r, ts).str(r.strA()).num(of.mode(O_CREAT, a[1])).build();
            case "openat2" -> {
                long[] how = openHow(r.buf());
                yield b("PPME_SYSCALL_OPENAT2_E", r, ts).num((int) a[0]).str(r.strA()).num(of.toScap(how[0]))
                        .num(of.mode(how[0], how[1])).num(resolve(how[2])).build();
            }
            // domain, type and protocol as the caller passed them (the table's autofill of arguments 0, 1, 2)
            case "socketpair" -> b("PPME_SOCKET_SOCKETPAIR_E", r, ts).num((int) a[0]).num(a[1] & 0xffff_ffffL)
                    .num(a[2] & 0xffff_ffffL).build();
            case "eventfd", "eventfd2" -> b("PPME_SYSCALL_EVENTFD_E", r, ts).num(a[0] & 0xffff_ffffL).num(0).build();
            case "signalfd", "signalfd4" -> b("PPME_SYSCALL_SIGNALFD_E", r, ts).num((int) a[0]).num(0).num(0).build();
            case "timerfd_create" -> b("PPME_SYSCALL_TIMERFD_CREATE_E", r, ts).num(0).num(0).build();
            case "inotify_init", "inotify_init1" -> b("PPME_SYSCALL_INOTIFY_INIT_E", r, ts).num(0).build();
            case "userfaultfd" -> b("PPME_SYSCALL_USERFAULTFD_E", r, ts).build();
            case "bpf" -> b("PPME_SYSCALL_BPF_E", r, ts).num(a[0]).build();
            case "chmod" -> b("PPME_SYSCALL_CHMOD_E", r, ts).build();
            case "fchmodat" -> b("PPME_SYSCALL_FCHMODAT_E", r, ts).build();
            case "link" -> b("PPME_SYSCALL_LINK_2_E", r, ts).build();
            case "linkat" -> b("PPME_SYSCALL_LINKAT_2_E", r, ts).build();
            case "symlink" -> b("PPME_SYSCALL_SYMLINK_E", r, ts).build();
            case "symlinkat" -> b("PPME_SYSCALL_SYMLINKAT_E", r, ts).build();
            case "chroot" -> b("PPME_SYSCALL_CHROOT_E", r, ts).build();
            default -> throw new IllegalArgumentException("not a FileEvents system call: " + n);
        };
    }

    /** {@code e} is the matching entry record, or the exit record itself when the entry was not seen. */
    static ScapEvent exit(String n, RawRecord r, RawRecord e, long ts, OpenFlags of) {
        long[] a = e.args();
        long ret = r.ret();
        byte[] path = r.strA().length > 0 ? r.strA() : e.strA();
        return switch (n) {
            case "chdir" -> b("PPME_SYSCALL_CHDIR_X", r, ts).num(ret).str(path).build();
            case "fchdir" -> b("PPME_SYSCALL_FCHDIR_X", r, ts).num(ret).build();
            case "mkdir" -> b("PPME_SYSCALL_MKDIR_2_X", r, ts).num(ret).str(path).build();
            case "mkdirat" -> b("PPME_SYSCALL_MKDIRAT_X", r, ts).num(ret).num((int) a[0]).str(path)
                    .num(a[2] & 0xffff_ffffL).build();
            case "rmdir" -> b("PPME_SYSCALL_RMDIR_2_X", r, ts).num(ret).str(path).build();
            case "unlink" -> b("PPME_SYSCALL_UNLINK_2_X", r, ts).num(ret).str(path).build();
            case "unlinkat" -> b("PPME_SYSCALL_UNLINKAT_2_X", r, ts).num(ret).num((int) a[0]).str(path)
                    .num(a[2] & AT_REMOVEDIR).build();
            case "rename" -> b("PPME_SYSCALL_RENAME_X", r, ts).num(ret).str(path).str(second(r, e)).build();
            case "renameat" -> b("PPME_SYSCALL_RENAMEAT_X", r, ts).num(ret).num((int) a[0]).str(path)
                    .num((int) a[2]).str(second(r, e)).build();
            case "renameat2" -> b("PPME_SYSCALL_RENAMEAT2_X", r, ts).num(ret).num((int) a[0]).str(path)
                    .num((int) a[2]).str(second(r, e)).num(a[4] & 0xffff_ffffL).build();
            // dev: 0, as open's and openat's exits here (the driver reads the file's device)
            case "creat" -> b("PPME_SYSCALL_CREAT_X", r, ts).num(ret).str(path).num(of.mode(O_CREAT, a[1])).num(0).build();
            case "openat2" -> {
                long[] how = openHow(e.buf());
                yield b("PPME_SYSCALL_OPENAT2_X", r, ts).num(ret).num((int) a[0]).str(path).num(of.toScap(how[0]))
                        .num(of.mode(how[0], how[1])).num(resolve(how[2])).build();
            }
            case "socketpair" -> {
                // the two fds the kernel wrote to sv[2] (the probe reads them as pipe's), then the first one's
                // unix_sock and its peer's (0 when the probe could not read them)
                ByteBuffer p = ByteBuffer.wrap(r.strA()).order(ByteOrder.nativeOrder());
                boolean have = ret >= 0 && r.strA().length >= 8;
                boolean socks = have && r.strA().length >= 24;
                yield b("PPME_SOCKET_SOCKETPAIR_X", r, ts).num(ret).num(have ? p.getInt(0) : 0).num(have ? p.getInt(4) : 0)
                        .num(socks ? p.getLong(8) : 0).num(socks ? p.getLong(16) : 0).build();
            }
            case "eventfd", "eventfd2" -> b("PPME_SYSCALL_EVENTFD_X", r, ts).num(ret).build();
            case "signalfd", "signalfd4" -> b("PPME_SYSCALL_SIGNALFD_X", r, ts).num(ret).build();
            case "timerfd_create" -> b("PPME_SYSCALL_TIMERFD_CREATE_X", r, ts).num(ret).build();
            case "inotify_init", "inotify_init1" -> b("PPME_SYSCALL_INOTIFY_INIT_X", r, ts).num(ret).build();
            case "userfaultfd" -> b("PPME_SYSCALL_USERFAULTFD_X", r, ts).num(ret).num(a[0] & 0xffff_ffffL).build();
            case "bpf" -> b("PPME_SYSCALL_BPF_X", r, ts).bytes(bpfResult(ret, a[0])).build();
            // chmod_mode_to_scap: PPM_S_* are the kernel's S_I* bits of 07777
            case "chmod" -> b("PPME_SYSCALL_CHMOD_X", r, ts).num(ret).str(path).num(a[1] & 07777).build();
            case "fchmodat" -> b("PPME_SYSCALL_FCHMODAT_X", r, ts).num(ret).num((int) a[0]).str(path).num(a[2] & 07777).build();
            case "link" -> b("PPME_SYSCALL_LINK_2_X", r, ts).num(ret).str(path).str(second(r, e)).build();
            // linkat_flags_to_scap: AT_SYMLINK_FOLLOW (0x400) and AT_EMPTY_PATH (0x1000), PPM_AT_* the same bits
            case "linkat" -> b("PPME_SYSCALL_LINKAT_2_X", r, ts).num(ret).num((int) a[0]).str(path).num((int) a[2])
                    .str(second(r, e)).num(a[4] & 0x1400).build();
            case "symlink" -> b("PPME_SYSCALL_SYMLINK_X", r, ts).num(ret).str(path).str(second(r, e)).build();
            case "chroot" -> b("PPME_SYSCALL_CHROOT_X", r, ts).num(ret).str(path).build();
            case "symlinkat" -> b("PPME_SYSCALL_SYMLINKAT_X", r, ts).num(ret).str(path).num((int) a[1]).str(second(r, e)).build();
            default -> throw new IllegalArgumentException("not a FileEvents system call: " + n);
        };
    }

    /** The second path: read again at the exit ({@link #PATHS_AT_EXIT}), else the entry's. */
    private static byte[] second(RawRecord r, RawRecord e) {
        return r.strB().length > 0 ? r.strB() : e.strB();
    }

    /**
     * bpf's exit parameter (PT_DYN): an index byte, then the int64: PPM_BPF_IDX_FD (0) when the call made a map
     * or a program fd, PPM_BPF_IDX_RES (1) otherwise (f_sys_bpf_x).
     */
    private static byte[] bpfResult(long ret, long cmd) {
        ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (ret >= 0 && (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD) ? 0 : 1)).putLong(ret);
        return b.array();
    }

    /** struct open_how's flags, mode, resolve (include/uapi/linux/openat2.h: three u64), zeros when not read. */
    private static long[] openHow(byte[] how) {
        if (how.length < 24) {
            return new long[3];
        }
        ByteBuffer b = ByteBuffer.wrap(how).order(ByteOrder.nativeOrder());
        return new long[] {b.getLong(0), b.getLong(8), b.getLong(16)};
    }

    /** openat2_resolve_to_scap (driver/ppm_flag_helpers.h): the kernel's RESOLVE_* bits as PPM_RESOLVE_*. */
    static long resolve(long k) {
        long res = 0;
        if ((k & 0x01) != 0) {
            res |= 16; // RESOLVE_NO_XDEV
        }
        if ((k & 0x02) != 0) {
            res |= 4; // RESOLVE_NO_MAGICLINKS
        }
        if ((k & 0x04) != 0) {
            res |= 8; // RESOLVE_NO_SYMLINKS
        }
        if ((k & 0x08) != 0) {
            res |= 1; // RESOLVE_BENEATH
        }
        if ((k & 0x10) != 0) {
            res |= 2; // RESOLVE_IN_ROOT
        }
        if ((k & 0x20) != 0) {
            res |= 32; // RESOLVE_CACHED
        }
        return res;
    }

    private static ScapEvent.Builder b(String constant, RawRecord r, long ts) {
        return ScapEvent.builder(constant, ts, r.tid(), r.cpu());
    }
}
