package io.boxscope.trace.live;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.trace.scap.EventInfo;
import io.boxscope.trace.scap.EventTable;

/**
 * Per system call number, how {@code -w} writes the entry and exit events of the busiest decoded system calls
 * (read, write, pread64, pwrite64, close, fcntl, dup, dup2, dup3) straight from the ring record
 * ({@link io.boxscope.trace.scap.ScapWriter#writeNumbers}): numbers taken from the record's arguments or return
 * value, and at the exit the buffer slot copied as the last parameter. Computed once from the event table, so
 * the per-record work is a few loads and one copy. Each layout is the event {@link EventBuilder} builds for the
 * same record (DirectLayoutsTest compares the blocks byte for byte); every one of them is made from its own
 * record alone (the exits need nothing from their entry: write's buffer is read at the exit, see
 * {@link SyscallConfig}), so a record written here leaves no pairing state behind.
 */
final class DirectLayouts {
    /** A number parameter's source: the argument as a C int (an fd), the argument, the return value, fcntl's command. */
    private static final byte ARG_INT = 0;
    private static final byte ARG = 1;
    private static final byte RET = 2;
    private static final byte FCNTL = 3;

    /**
     * One event type's layout: {@code sizes[i]} bytes of parameter i from {@code ops[i]} on argument
     * {@code args[i]}, then the record's buffer slot when {@code buffer}.
     */
    record Layout(int type, byte[] sizes, byte[] ops, byte[] args, boolean buffer) {
        /** The number parameters of record {@code rec} into {@code out}. */
        void values(MemorySegment rec, long[] out) {
            for (int i = 0; i < ops.length; i++) {
                out[i] = switch (ops[i]) {
                    case ARG_INT -> (int) rec.get(I64, RawRecord.ARGS + 8L * args[i]);
                    case ARG -> rec.get(I64, RawRecord.ARGS + 8L * args[i]);
                    case RET -> rec.get(I64, RawRecord.RET);
                    default -> FcntlCommands.toScap(rec.get(I64, RawRecord.ARGS + 8L * args[i]));
                };
            }
        }
    }

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    /** The most number parameters of a layout (the length of the values array a caller passes). */
    static final int MAX_NUMBERS = 4;

    private final Layout[] enter = new Layout[CaptureProbe.MAX_SYSCALLS];
    private final Layout[] exit = new Layout[CaptureProbe.MAX_SYSCALLS];

    DirectLayouts(SyscallTable syscalls) {
        for (int nr = 0; nr < CaptureProbe.MAX_SYSCALLS; nr++) {
            String name = syscalls.name(nr);
            switch (name == null ? "" : name) {
                case "read" -> set(nr, "PPME_SYSCALL_READ", new byte[] {ARG_INT, ARG}, new byte[] {0, 2}, true);
                case "write" -> set(nr, "PPME_SYSCALL_WRITE", new byte[] {ARG_INT, ARG}, new byte[] {0, 2}, true);
                case "pread64" -> set(nr, "PPME_SYSCALL_PREAD", new byte[] {ARG_INT, ARG, ARG}, new byte[] {0, 2, 3}, true);
                case "pwrite64" -> set(nr, "PPME_SYSCALL_PWRITE", new byte[] {ARG_INT, ARG, ARG}, new byte[] {0, 2, 3}, true);
                case "close" -> set(nr, "PPME_SYSCALL_CLOSE", new byte[] {ARG_INT}, new byte[] {0}, false);
                case "fcntl" -> set(nr, "PPME_SYSCALL_FCNTL", new byte[] {ARG_INT, FCNTL}, new byte[] {0, 1}, false);
                // the driver of libs e5c53d64 records dup2 and dup3 as dup events, oldfd only (as EventBuilder)
                case "dup", "dup2", "dup3" -> set(nr, "PPME_SYSCALL_DUP", new byte[] {ARG_INT}, new byte[] {0}, false);
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

    /** Entry {@code constant_E} from {@code ops}; exit {@code constant_X}: the return value, then the buffer when {@code buffer}. */
    private void set(int nr, String constant, byte[] ops, byte[] args, boolean buffer) {
        enter[nr] = layout(constant + "_E", ops, args, false);
        exit[nr] = layout(constant + "_X", new byte[] {RET}, new byte[] {0}, buffer);
    }

    /** Checked against the event table: the type's parameter count, each number's size, no EF_LARGE_PAYLOAD. */
    private static Layout layout(String constant, byte[] ops, byte[] args, boolean buffer) {
        EventInfo info = EventTable.get().byConstant(constant);
        if (info.params().size() != ops.length + (buffer ? 1 : 0) || info.flags().contains("EF_LARGE_PAYLOAD")) {
            throw new IllegalStateException(constant + " in the event table does not have " + ops.length
                    + " numbers" + (buffer ? " and a buffer" : "") + ": -w would write blocks sysdig misreads");
        }
        byte[] sizes = new byte[ops.length];
        for (int i = 0; i < ops.length; i++) {
            int n = info.params().get(i).type().size();
            if (n != 1 && n != 2 && n != 4 && n != 8) {
                throw new IllegalStateException(constant + " parameter " + info.params().get(i).name() + " is not a number");
            }
            sizes[i] = (byte) n;
        }
        return new Layout(info.id(), sizes, ops, args, buffer);
    }
}
