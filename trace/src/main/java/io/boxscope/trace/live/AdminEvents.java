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
 * </ul>
 */
final class AdminEvents {
    static final Set<String> NAMES = Set.of("umount2", "ptrace");

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
            default -> throw new IllegalArgumentException(n);
        };
    }

    /** {@code e}: the entry record, or the exit itself (which carries the arguments from pt_regs). */
    static ScapEvent exit(String n, RawRecord r, RawRecord e, long ts) {
        long ret = r.ret();
        return switch (n) {
            case "umount2" -> b("PPME_SYSCALL_UMOUNT_X", r, ts).num(ret).str(r.strA().length > 0 ? r.strA() : e.strA()).build();
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
