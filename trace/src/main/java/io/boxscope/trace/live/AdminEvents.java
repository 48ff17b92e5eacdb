package io.boxscope.trace.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.trace.scap.ScapEvent;

/**
 * umount2 and ptrace with the driver's own events (libs e5c53d64: UMOUNT, PTRACE; driver/syscall_table.c), their
 * parameters as its fillers write them (driver/fillers_table.c, driver/bpf/fillers.h):
 * <ul>
 * <li>umount2: the entry's flags as the caller passed them (the table's autofill of argument 1: no conversion), the
 * exit's result and the target path, read at the exit ({@link SyscallConfig#STR_EXIT}).</li>
 * <li>ptrace: the entry's request as PPM_PTRACE_* (ptrace_requests_to_scap, driver/ppm_flag_helpers.h) and pid;
 * the exit's result, then addr and data as PT_DYN (ptrace_dynamic_param: an index byte, then the value): addr always
 * a u64 (index 0); data, for PEEKTEXT, PEEKDATA and PEEKUSR the word the kernel stored at the data address (read
 * by the probe at the exit), for CONT, SINGLESTEP, DETACH and SYSCALL the signal (index 1, one byte), else the
 * argument; a failed call's both u64 0 (sys_ptrace_x).</li>
 * <li>mount: the entry's flags (argument 3) as passed, the MS_MGC_VAL magic (0xC0ED in the top 16 bits, ignored by
 * the kernel since 2.4) cleared: the MS_* bits are the PPM_MS_* bits; the exit's result, then dev, dir and type
 * (arguments 0-2, read at the exit; the type as a buffer of at most 63 bytes cut at its NUL). mount.bpf.c of libs
 * e5c53d64 (its MOUNT_X carries the flags; sysdig 0.29's MOUNT_E does).</li>
 * <li>quotactl: the entry's cmd as PPM_Q_* and type as PPM_USRQUOTA/GRPQUOTA (quotactl_cmd_to_scap,
 * quotactl_type_to_scap: {@code cmd >> 8}, {@code cmd & 0xff}; driver/ppm_flag_helpers.h), id for the per-user
 * commands only (GETQUOTA, SETQUOTA, XGETQUOTA, XSETQLIM; else 0), quota_fmt the format id of QUOTAON
 * (quotactl_fmt_to_scap) else PPM_QFMT_NOT_USED; the exit's result, special (argument 1), quotafilepath (argument
 * 3 as a string, QUOTAON only), dqi_bgrace, dqi_igrace, dqi_flags from the {@code struct if_dqinfo} at argument 3
 * for GETINFO and SETINFO when its dqi_valid says so, quota_fmt_out the u32 GETFMT stored there (quotactl.bpf.c of
 * libs e5c53d64), and the {@code struct if_dqblk} fields of GETQUOTA/SETQUOTA by its dqb_valid bits (72 bytes read
 * at the exit, whatever the call returned, as f_sys_quotactl_x copies them). When the structure the command
 * names (if_dqblk, if_dqinfo, GETFMT's u32) cannot be read at addr, the driver loses the exit: f_sys_quotactl_x
 * returns PPM_FAILURE_INVALID_USER_MEMORY (libs e5c53d64 driver/ppm_fillers.c and driver/bpf/fillers.h, the kernel
 * module and the BPF probe of sysdig 0.29's libs; still so in the kernel module's filler today), the event is not
 * written and the probe counts it in its page-fault drops (n_drops_pf, bpf/fillers.h). So does this: no exit event,
 * counted ({@link EventBuilder#faultDrops}). libs' later modern BPF probe (quotactl.bpf.c, 2023) writes zeros
 * instead; the reference here is the driver sysdig 0.29 reads.</li>
 * </ul>
 */
final class AdminEvents {
    static final Set<String> NAMES = Set.of("umount2", "ptrace", "mount", "quotactl");

    private static final int PEEKTEXT = 2;
    private static final int PEEKDATA = 3;
    private static final int PEEKUSR = 4;
    private static final int CONT = 8;
    private static final int SINGLESTEP = 10;
    private static final int DETACH = 12;
    private static final int SYSCALL = 13;

    private AdminEvents() {}

    static ScapEvent enter(String n, RawRecord r, long ts) {
        long[] a = r.args();
        return switch (n) {
            case "umount2" -> b("PPME_SYSCALL_UMOUNT_E", r, ts).num(a[1] & 0xffff_ffffL).build();
            case "ptrace" -> b("PPME_SYSCALL_PTRACE_E", r, ts).num(request(a[0])).num(a[1]).build();
            case "mount" -> b("PPME_SYSCALL_MOUNT_E", r, ts).num(mountFlags(a[3])).build();
            case "quotactl" -> {
                int cmd = quotaCmd(a[0]);
                boolean perId = cmd == Q_GETQUOTA || cmd == Q_SETQUOTA || cmd == Q_XGETQUOTA || cmd == Q_XSETQLIM;
                yield b("PPME_SYSCALL_QUOTACTL_E", r, ts).num(cmd).num(quotaType(a[0])).num(perId ? a[2] & 0xffff_ffffL : 0)
                        .num(cmd == Q_QUOTAON ? quotaFormat(a[2] & 0xffff_ffffL) : QFMT_NOT_USED).build();
            }
            default -> throw new IllegalArgumentException(n);
        };
    }

    /**
     * {@code e}: the entry record, or the exit itself (which carries the arguments from pt_regs). Null when the driver
     * loses the exit (quotactl's structure at an unreadable addr: {@link #quotactlExit}).
     */
    static ScapEvent exit(String n, RawRecord r, RawRecord e, long ts) {
        long ret = r.ret();
        return switch (n) {
            case "umount2" -> b("PPME_SYSCALL_UMOUNT_X", r, ts).num(ret).str(r.strA().length > 0 ? r.strA() : e.strA()).build();
            case "mount" -> b("PPME_SYSCALL_MOUNT_X", r, ts).num(ret).str(r.strA().length > 0 ? r.strA() : e.strA())
                    .str(r.strB().length > 0 ? r.strB() : e.strB()).str(r.buf()).build(); // up to its NUL, its bytes unchanged
            case "quotactl" -> quotactlExit(r, e, ts);
            case "ptrace" -> {
                ScapEvent.Builder c = b("PPME_SYSCALL_PTRACE_X", r, ts).num(ret);
                if (ret < 0) {
                    yield c.bytes(dyn(0, 0, 8)).bytes(dyn(0, 0, 8)).build();
                }
                long[] a = r.args();
                int req = request(a[0]);
                byte[] data = switch (req) {
                    case PEEKTEXT, PEEKDATA, PEEKUSR -> dyn(0, r.buf().length >= 8
                            ? ByteBuffer.wrap(r.buf()).order(ByteOrder.nativeOrder()).getLong(0) : 0, 8);
                    case CONT, SINGLESTEP, DETACH, SYSCALL -> dyn(1, a[3], 1);
                    default -> dyn(0, a[3], 8);
                };
                yield c.bytes(dyn(0, a[2], 8)).bytes(data).build();
            }
            default -> throw new IllegalArgumentException(n);
        };
    }

    private static final int Q_QUOTAON = 1;
    private static final int Q_GETFMT = 1 << 2;
    private static final int Q_GETINFO = 1 << 3;
    private static final int Q_SETINFO = 1 << 4;
    private static final int Q_GETQUOTA = 1 << 5;
    private static final int Q_SETQUOTA = 1 << 6;
    private static final int Q_XGETQUOTA = 1 << 10;
    private static final int Q_XSETQLIM = 1 << 11;
    private static final int QFMT_NOT_USED = 1;

    /**
     * QUOTACTL_X (libs e5c53d64 driver/ppm_fillers.c f_sys_quotactl_x): the dqblk fields of GETQUOTA/SETQUOTA by their
     * dqb_valid bits from the 72 bytes at addr read at the exit (also of a failed call: the caller's buffer as it was),
     * the dqinfo fields and the format as the command has them. Null when the structure the command reads (72 bytes of
     * if_dqblk, 24 of if_dqinfo, GETFMT's 4) could not be read at addr: f_sys_quotactl_x returns
     * PPM_FAILURE_INVALID_USER_MEMORY there and the exit is lost (the probe read it whole, or up to the end of its
     * page: {@code UserBuffers.constWordsAgain}; fewer bytes than the structure is a read the driver's copy failed).
     */
    private static ScapEvent quotactlExit(RawRecord r, RawRecord e, long ts) {
        long[] a = r.args();
        int cmd = quotaCmd(a[0]);
        int needs = cmd == Q_GETQUOTA || cmd == Q_SETQUOTA ? 72 : cmd == Q_GETINFO || cmd == Q_SETINFO ? 24 : cmd == Q_GETFMT ? 4 : 0;
        if (r.buf().length < needs) {
            return null; // the driver loses it: PPM_FAILURE_INVALID_USER_MEMORY
        }
        ScapEvent.Builder c = b("PPME_SYSCALL_QUOTACTL_X", r, ts).num(r.ret()).str(r.strA().length > 0 ? r.strA() : e.strA())
                .str(cmd == Q_QUOTAON ? (r.strB().length > 0 ? r.strB() : e.strB()) : new byte[0]);
        byte[] buf = r.buf();
        long[] dq = new long[7];
        if ((cmd == Q_GETQUOTA || cmd == Q_SETQUOTA) && buf.length >= 72) {
            // struct if_dqblk (include/uapi/linux/quota.h): u64 dqb_bhardlimit, dqb_bsoftlimit, dqb_curspace,
            // dqb_ihardlimit, dqb_isoftlimit, dqb_curinodes, dqb_btime, dqb_itime, u32 dqb_valid; each field written
            // when its QIF_* bit is set, as f_sys_quotactl_x (dqb_curinodes never)
            ByteBuffer d = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
            int valid = d.getInt(64);
            if ((valid & 1) != 0) { // QIF_BLIMITS
                dq[0] = d.getLong(0);
                dq[1] = d.getLong(8);
            }
            dq[2] = (valid & 2) != 0 ? d.getLong(16) : 0; // QIF_SPACE
            if ((valid & 4) != 0) { // QIF_ILIMITS
                dq[3] = d.getLong(24);
                dq[4] = d.getLong(32);
            }
            dq[5] = (valid & 16) != 0 ? d.getLong(48) : 0; // QIF_BTIME
            dq[6] = (valid & 32) != 0 ? d.getLong(56) : 0; // QIF_ITIME
        }
        for (long v : dq) {
            c.num(v);
        }
        long bgrace = 0;
        long igrace = 0;
        long flags = 0;
        if ((cmd == Q_GETINFO || cmd == Q_SETINFO) && buf.length >= 24) {
            // struct if_dqinfo (include/uapi/linux/quota.h): u64 dqi_bgrace, u64 dqi_igrace, u32 dqi_flags, u32 dqi_valid
            ByteBuffer d = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
            int valid = d.getInt(20);
            bgrace = (valid & 1) != 0 ? d.getLong(0) : 0;   // IIF_BGRACE
            igrace = (valid & 2) != 0 ? d.getLong(8) : 0;   // IIF_IGRACE
            flags = (valid & 4) != 0 ? d.getInt(16) & 0xff : 0; // IIF_FLAGS, a PT_FLAGS8
        }
        long fmtOut = QFMT_NOT_USED;
        if (cmd == Q_GETFMT && buf.length >= 4) {
            fmtOut = quotaFormat(ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getInt(0) & 0xffff_ffffL);
        }
        return c.num(bgrace).num(igrace).num(flags).num(fmtOut).build();
    }

    /** mount's flags as the driver writes them: the MS_MGC_VAL magic in the top 16 bits cleared (PPM_MS_MGC_MSK/VAL). */
    static long mountFlags(long arg) {
        long f = arg & 0xffff_ffffL;
        return (f & 0xffff_0000L) == 0xC0ED_0000L ? f & 0xffffL : f;
    }

    /** quotactl_cmd_to_scap: {@code cmd >> 8} (SUBCMDSHIFT) as PPM_Q_* (include/uapi/linux/quota.h, dqblk_xfs.h); others 0. */
    static int quotaCmd(long arg) {
        return switch ((int) ((arg & 0xffff_ffffL) >>> 8)) {
            case 0x800002 -> Q_QUOTAON;
            case 0x800003 -> 1 << 1;         // Q_QUOTAOFF
            case 0x800004 -> Q_GETFMT;
            case 0x800005 -> Q_GETINFO;
            case 0x800006 -> Q_SETINFO;
            case 0x800007 -> Q_GETQUOTA;
            case 0x800008 -> Q_SETQUOTA;
            case 0x800001 -> 1 << 7;         // Q_SYNC
            case 0x5801 -> 1 << 8;           // Q_XQUOTAON ('X' << 8 | 1)
            case 0x5802 -> 1 << 9;           // Q_XQUOTAOFF
            case 0x5803 -> Q_XGETQUOTA;
            case 0x5804 -> Q_XSETQLIM;
            case 0x5805 -> 1 << 12;          // Q_XGETQSTAT
            case 0x5806 -> 1 << 13;          // Q_XQUOTARM
            case 0x5807 -> 1 << 14;          // Q_XQUOTASYNC
            default -> 0;
        };
    }

    /** quotactl_type_to_scap: {@code cmd & 0xff} (SUBCMDMASK), USRQUOTA 0 and GRPQUOTA 1 as PPM_USRQUOTA/GRPQUOTA; others 0. */
    static int quotaType(long arg) {
        return switch ((int) (arg & 0xff)) {
            case 0 -> 1;
            case 1 -> 2;
            default -> 0;
        };
    }

    /** quotactl_fmt_to_scap: QFMT_VFS_OLD 1, QFMT_VFS_V0 2, QFMT_VFS_V1 4 as PPM_QFMT_*; others PPM_QFMT_NOT_USED. */
    static int quotaFormat(long fmt) {
        return fmt == 1 ? 2 : fmt == 2 ? 4 : fmt == 4 ? 8 : QFMT_NOT_USED;
    }

    /** A PT_DYN value: its index byte, then {@code size} bytes of {@code v}, little-endian as the driver writes. */
    private static byte[] dyn(int index, long v, int size) {
        byte[] out = new byte[1 + size];
        out[0] = (byte) index;
        for (int i = 0; i < size; i++) {
            out[1 + i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    /**
     * ptrace_requests_to_scap: the requests of include/uapi/linux/ptrace.h, and x86's own
     * (arch/x86/include/uapi/asm/ptrace-abi.h) on x86_64, as PPM_PTRACE_* (driver/ppm_events_public.h); others 0.
     */
    static int request(long req) {
        if (req != (int) req) {
            return 0;
        }
        int generic = switch ((int) req) {
            case 0 -> 1;        // TRACEME
            case 1 -> PEEKTEXT;
            case 2 -> PEEKDATA;
            case 3 -> PEEKUSR;
            case 4 -> 5;        // POKETEXT
            case 5 -> 6;        // POKEDATA
            case 6 -> 7;        // POKEUSR
            case 7 -> CONT;
            case 8 -> 9;        // KILL
            case 9 -> SINGLESTEP;
            case 16 -> 11;      // ATTACH
            case 17 -> DETACH;
            case 24 -> SYSCALL;
            case 0x4200 -> 14;  // SETOPTIONS
            case 0x4201 -> 15;  // GETEVENTMSG
            case 0x4202 -> 16;  // GETSIGINFO
            case 0x4203 -> 17;  // SETSIGINFO
            case 0x4204 -> 18;  // GETREGSET
            case 0x4205 -> 19;  // SETREGSET
            case 0x4206 -> 20;  // SEIZE
            case 0x4207 -> 21;  // INTERRUPT
            case 0x4208 -> 22;  // LISTEN
            case 0x4209 -> 23;  // PEEKSIGINFO
            case 0x420a -> 24;  // GETSIGMASK
            case 0x420b -> 25;  // SETSIGMASK
            default -> 0;
        };
        if (generic != 0 || Arch.current() != Arch.X86_64) {
            return generic;
        }
        return switch ((int) req) {
            case 12 -> 26;      // GETREGS
            case 13 -> 27;      // SETREGS
            case 14 -> 28;      // GETFPREGS
            case 15 -> 29;      // SETFPREGS
            case 18 -> 30;      // GETFPXREGS
            case 19 -> 31;      // SETFPXREGS
            case 21 -> 32;      // OLDSETOPTIONS
            case 25 -> 33;      // GET_THREAD_AREA
            case 26 -> 34;      // SET_THREAD_AREA
            case 30 -> 35;      // ARCH_PRCTL
            case 31 -> 36;      // SYSEMU
            case 32 -> 37;      // SYSEMU_SINGLESTEP
            case 33 -> 38;      // SINGLEBLOCK
            default -> 0;
        };
    }

    private static ScapEvent.Builder b(String constant, RawRecord r, long ts) {
        return ScapEvent.builder(constant, ts, r.tid(), r.cpu());
    }
}
