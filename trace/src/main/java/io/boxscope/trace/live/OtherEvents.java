package io.boxscope.trace.live;

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
 */
final class OtherEvents {
    /** System calls built here. */
    static final Set<String> NAMES = Set.of("ioctl", "lseek", "kill", "tkill", "tgkill", "mprotect", "getcwd", "access");

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
            default -> throw new IllegalArgumentException("not an OtherEvents system call: " + n);
        };
    }

    private static ScapEvent.Builder b(String constant, RawRecord r, long ts) {
        return ScapEvent.builder(constant, ts, r.tid(), r.cpu());
    }
}
