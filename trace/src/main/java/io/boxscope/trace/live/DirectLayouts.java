package io.boxscope.trace.live;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.trace.scap.EventInfo;
import io.boxscope.trace.scap.EventTable;
import io.boxscope.trace.scap.ParamType;
import io.boxscope.trace.scap.ScapWriter;

/**
 * Per system call number, how {@code -w} writes the entry and exit events of the busiest decoded system calls
 * (read, write, pread64, pwrite64, open, openat, close, fcntl, dup, dup2, dup3, ioctl, lseek, kill, tkill,
 * tgkill, mprotect, futex, epoll_wait, select, getdents, getdents64, splice, shutdown, setpgid) straight from the ring record
 * ({@link ScapWriter#writeNumbers}): numbers taken from the record's arguments or return value, and the
 * buffer or path slot copied whole as its parameter. Computed once from the event table, so
 * the per-record work is a few loads and one copy. Each layout is the event {@link EventBuilder} builds for the
 * same record (DirectLayoutsTest compares the blocks byte for byte); every one of them is made from its own
 * record alone (the exits need nothing from their entry: write's buffer is read at the exit, open's path at
 * both, see {@link SyscallConfig}), so a record written here leaves no pairing state behind. One difference
 * from the full path: a path that is not UTF-8 is copied as the kernel read it, where the full path decodes and
 * re-encodes it (replacement characters); the driver writes the bytes as they are.
 */
final class DirectLayouts {
    /**
     * A parameter's source: an argument as a C int (an fd), an argument, the return value, fcntl's command
     * ({@link FcntlCommands}), open's flags and mode ({@link OpenFlags}: flags argument, then mode argument),
     * zero, a data slot of the record copied whole (the one variable-length parameter), lseek's whence (as
     * libs' lseek_whence_to_scap: 0, 1, 2 kept, anything else 0) or mprotect's prot ({@link MmapFlags#prot}).
     * A number is written in its parameter's size, so a 1-byte signal keeps the argument's low byte (the
     * builder's {@code & 0xff}).
     */
    private static final byte ARG_INT = 0;
    private static final byte ARG = 1;
    private static final byte RET = 2;
    private static final byte FCNTL = 3;
    private static final byte OFLAGS = 4;
    private static final byte OMODE = 5;
    private static final byte ZERO = 6;
    private static final byte SLOT = 7;
    private static final byte WHENCE = 8;
    private static final byte PROT = 9;
    private static final byte FUTEX = 10;

    /**
     * One event type's layout: parameter i is {@code sizes[i]} bytes from {@code ops[i]} on argument
     * {@code args[i]} (and {@code args2[i]}), except parameter {@code varIndex} (-1: none), data slot
     * {@code varSlot} of the record ({@code sizes[varIndex]} {@link ScapWriter#RAW} or {@link ScapWriter#CSTRING}).
     */
    record Layout(int type, byte[] sizes, byte[] ops, byte[] args, byte[] args2, int varIndex, int varSlot) {}

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    /** The most parameters of a layout (the length of the values array a caller passes). */
    static final int MAX_PARAMS = 6;

    private final OpenFlags openFlags;
    private final Layout[] enter = new Layout[CaptureProbe.MAX_SYSCALLS];
    private final Layout[] exit = new Layout[CaptureProbe.MAX_SYSCALLS];

    DirectLayouts(SyscallTable syscalls, OpenFlags openFlags) {
        this.openFlags = openFlags;
        for (int nr = 0; nr < CaptureProbe.MAX_SYSCALLS; nr++) {
            String name = syscalls.name(nr);
            switch (name) {
                case "read" -> io(nr, "PPME_SYSCALL_READ", p(ARG_INT, 0), p(ARG, 2));
                case "write" -> io(nr, "PPME_SYSCALL_WRITE", p(ARG_INT, 0), p(ARG, 2));
                case "pread64" -> io(nr, "PPME_SYSCALL_PREAD", p(ARG_INT, 0), p(ARG, 2), p(ARG, 3));
                case "pwrite64" -> io(nr, "PPME_SYSCALL_PWRITE", p(ARG_INT, 0), p(ARG, 2), p(ARG, 3));
                case "close" -> simple(nr, "PPME_SYSCALL_CLOSE", p(ARG_INT, 0));
                case "fcntl" -> simple(nr, "PPME_SYSCALL_FCNTL", p(ARG_INT, 0), p(FCNTL, 1));
                // the driver of libs e5c53d64 records dup2 and dup3 as dup events, oldfd only (as EventBuilder)
                case "dup", "dup2", "dup3" -> simple(nr, "PPME_SYSCALL_DUP", p(ARG_INT, 0));
                // the path is read at the entry and again at the exit (SyscallConfig#STR_EXIT), as the driver does
                case "open" -> {
                    enter[nr] = layout("PPME_SYSCALL_OPEN_E", p(SLOT, 0), p(OFLAGS, 1), p(OMODE, 1, 2));
                    exit[nr] = layout("PPME_SYSCALL_OPEN_X", p(RET, 0), p(SLOT, 0), p(OFLAGS, 1), p(OMODE, 1, 2), p(ZERO, 0));
                }
                case "openat" -> {
                    enter[nr] = layout("PPME_SYSCALL_OPENAT_2_E", p(ARG_INT, 0), p(SLOT, 0), p(OFLAGS, 2), p(OMODE, 2, 3));
                    exit[nr] = layout("PPME_SYSCALL_OPENAT_2_X", p(RET, 0), p(ARG_INT, 0), p(SLOT, 0), p(OFLAGS, 2),
                            p(OMODE, 2, 3), p(ZERO, 0));
                }
                // OtherEvents' calls whose events are their arguments and result alone (not getcwd, whose path
                // depends on the result, nor access, whose exit may take the entry's path)
                case "ioctl" -> simple(nr, "PPME_SYSCALL_IOCTL_3", p(ARG_INT, 0), p(ARG, 1), p(ARG, 2));
                case "lseek" -> simple(nr, "PPME_SYSCALL_LSEEK", p(ARG_INT, 0), p(ARG, 1), p(WHENCE, 2));
                case "kill", "tkill" -> simple(nr, "kill".equals(name) ? "PPME_SYSCALL_KILL" : "PPME_SYSCALL_TKILL",
                        p(ARG_INT, 0), p(ARG, 1));
                case "tgkill" -> simple(nr, "PPME_SYSCALL_TGKILL", p(ARG_INT, 0), p(ARG_INT, 1), p(ARG, 2));
                case "mprotect" -> simple(nr, "PPME_SYSCALL_MPROTECT", p(ARG, 0), p(ARG, 1), p(PROT, 2));
                // the busiest of the numeric-only calls OtherEvents builds (futex's op as futex_op_to_scap; shutdown's
                // how and splice's flags are their parameters' low bytes, as the builder masks them)
                case "futex" -> simple(nr, "PPME_SYSCALL_FUTEX", p(ARG, 0), p(FUTEX, 1), p(ARG, 2));
                case "epoll_wait" -> simple(nr, "PPME_SYSCALL_EPOLLWAIT", p(ARG, 2));
                case "select" -> simple(nr, "PPME_SYSCALL_SELECT");
                case "getdents" -> simple(nr, "PPME_SYSCALL_GETDENTS", p(ARG_INT, 0));
                case "getdents64" -> simple(nr, "PPME_SYSCALL_GETDENTS64", p(ARG_INT, 0));
                case "splice" -> simple(nr, "PPME_SYSCALL_SPLICE", p(ARG_INT, 0), p(ARG_INT, 2), p(ARG, 4), p(ARG, 5));
                case "shutdown" -> {
                    enter[nr] = layout("PPME_SOCKET_SHUTDOWN_E", p(ARG_INT, 0), p(ARG, 1));
                    exit[nr] = layout("PPME_SOCKET_SHUTDOWN_X", p(RET, 0));
                }
                case "setpgid" -> simple(nr, "PPME_SYSCALL_SETPGID", p(ARG, 0), p(ARG, 1));
                default -> { }
            }
        }
    }

    /** The layout of the entry ({@code enter}) or exit event of system call {@code nr}, or null (the full path). */
    Layout of(long nr, boolean enter) {
        if (nr < 0 || nr >= CaptureProbe.MAX_SYSCALLS) {
            return null;
        }
        return enter ? this.enter[(int) nr] : exit[(int) nr];
    }

    /** The number parameters of record {@code rec} under {@code l} into {@code out} (the variable one left as it is). */
    void values(Layout l, MemorySegment rec, long[] out) {
        byte[] ops = l.ops();
        for (int i = 0; i < ops.length; i++) {
            long a = rec.get(I64, RawRecord.ARGS + 8L * l.args()[i]);
            out[i] = switch (ops[i]) {
                case ARG_INT -> (int) a;
                case ARG -> a;
                case RET -> rec.get(I64, RawRecord.RET);
                case FCNTL -> FcntlCommands.toScap(a);
                case OFLAGS -> openFlags.toScap(a);
                case OMODE -> openFlags.mode(a, rec.get(I64, RawRecord.ARGS + 8L * l.args2()[i]));
                case WHENCE -> a >= 0 && a <= 2 ? a : 0;
                case PROT -> MmapFlags.prot(a);
                case FUTEX -> OtherEvents.futexOp(a);
                default -> 0;
            };
        }
    }

    /** A parameter: its source and argument indexes. */
    private static byte[] p(byte op, int arg) {
        return new byte[] {op, (byte) arg, 0};
    }

    private static byte[] p(byte op, int arg, int arg2) {
        return new byte[] {op, (byte) arg, (byte) arg2};
    }

    /** Entry {@code constant_E} from {@code params}; exit {@code constant_X}: the return value, then the buffer (slot 2). */
    private void io(int nr, String constant, byte[]... params) {
        enter[nr] = layout(constant + "_E", params);
        exit[nr] = layout(constant + "_X", p(RET, 0), p(SLOT, 2));
    }

    /** Entry {@code constant_E} from {@code params}; exit {@code constant_X}: the return value. */
    private void simple(int nr, String constant, byte[]... params) {
        enter[nr] = layout(constant + "_E", params);
        exit[nr] = layout(constant + "_X", p(RET, 0));
    }

    /**
     * Checked against the event table: the type's parameter count, each number's size, a slot only for a
     * BYTEBUF or a string, at most one slot, no EF_LARGE_PAYLOAD.
     */
    private static Layout layout(String constant, byte[]... params) {
        EventInfo info = EventTable.get().byConstant(constant);
        if (info.params().size() != params.length || params.length > MAX_PARAMS || info.flags().contains("EF_LARGE_PAYLOAD")) {
            throw new IllegalStateException(constant + " in the event table does not have " + params.length
                    + " parameters: -w would write blocks sysdig misreads");
        }
        byte[] sizes = new byte[params.length];
        byte[] ops = new byte[params.length];
        byte[] args = new byte[params.length];
        byte[] args2 = new byte[params.length];
        int varIndex = -1;
        int varSlot = 0;
        for (int i = 0; i < params.length; i++) {
            ops[i] = params[i][0];
            args[i] = params[i][1];
            args2[i] = params[i][2];
            ParamType t = info.params().get(i).type();
            if (ops[i] == SLOT) {
                if (varIndex >= 0 || t != ParamType.BYTEBUF && t != ParamType.FSPATH && t != ParamType.FSRELPATH && t != ParamType.CHARBUF) {
                    throw new IllegalStateException(constant + " parameter " + info.params().get(i).name() + " is " + t
                            + ": not the one buffer or string of a direct layout");
                }
                varIndex = i;
                varSlot = args[i];
                sizes[i] = t == ParamType.BYTEBUF ? ScapWriter.RAW : ScapWriter.CSTRING;
                continue;
            }
            int n = t.size();
            if (n != 1 && n != 2 && n != 4 && n != 8) {
                throw new IllegalStateException(constant + " parameter " + info.params().get(i).name() + " is not a number");
            }
            sizes[i] = (byte) n;
        }
        return new Layout(info.id(), sizes, ops, args, args2, varIndex, varSlot);
    }
}
