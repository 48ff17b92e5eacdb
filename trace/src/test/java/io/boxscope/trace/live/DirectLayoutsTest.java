package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.tasks.TaskTable;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code -w}'s direct path writes the events of read, write, pread64, pwrite64, close, fcntl and the dup family
 * from the ring record without building them: each block must be, byte for byte, the block of the event
 * {@link EventBuilder} builds from the same record (the full path, which the capture takes with a filter or
 * lines), for arguments wider than their parameters, negative fds and return values, fcntl commands with and
 * without a PPM_FCNTL number, and buffers of 0, 1 and 80 bytes behind other slots. Records are laid out as
 * {@link CaptureProbe} writes them ({@link RawRecord}).
 */
class DirectLayoutsTest {
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final long EPOCH = 1_700_000_000_000_000_000L;
    private static final CaptureTables NO_TABLES = new CaptureTables(null, List.of(), List.of(), List.of(), List.of(), Map.of());

    private final SyscallTable table = SyscallTable.current();
    private final DirectLayouts layouts = new DirectLayouts(table);

    /** A record of {@code kind} for syscall {@code nr}: arguments, return value, slots 0 and 2 (slot 1 and 3 empty). */
    private static MemorySegment record(int kind, long nr, long[] args, long ret, int slot0, int slot2) {
        MemorySegment r = MemorySegment.ofArray(new byte[RawRecord.DATA + slot0 + slot2]);
        r.set(I32, RawRecord.KIND, kind);
        r.set(I32, RawRecord.CPU, 1);
        r.set(I64, RawRecord.TS, 123_456_789L);
        r.set(I64, RawRecord.PID_TGID, 4000L << 32 | 4001L);
        r.set(I64, RawRecord.ID, nr);
        r.set(I64, RawRecord.RET, ret);
        for (int i = 0; i < 6; i++) {
            r.set(I64, RawRecord.ARGS + 8L * i, args[i]);
        }
        r.set(I16, RawRecord.LENS, (short) slot0);
        r.set(I16, RawRecord.LENS + 4, (short) slot2);
        for (int i = 0; i < slot0 + slot2; i++) {
            r.set(ValueLayout.JAVA_BYTE, RawRecord.DATA + i, (byte) (i < slot0 ? 'x' : 'a' + i % 26));
        }
        return r;
    }

    @Test
    void directBlocksAreTheBlocksOfTheBuiltEvents() throws Exception {
        EventBuilder builder = new EventBuilder(table, OpenFlags.of(Arch.current()),
                new LiveThreads(new TaskTable(HostPaths.DEFAULT), List.of()), EPOCH);
        long[][] argSets = {
            {3, 0x7fff_0000_1000L, 80, 0, 0, 0},
            {0x1234_5678_ffff_ff9cL, 0, 0x1_0000_0050L, 1L << 40, 7, 8}, // fd -100 in the low 32 bits, size wider than u32
            {5, 3, 1030, 0, 0, 0},         // fcntl F_DUPFD_CLOEXEC
            {5, 9999, 0, 0, 0, 0},         // an fcntl command without a PPM_FCNTL number
            {-1, 2, 0, 0, 0, 0},
        };
        long[][] exits = {{-9, 0, 0}, {0, 0, 0}, {80, 0, 80}, {1, 5, 1}, {1L << 33, 0, 0}}; // ret, slot0, slot2
        int compared = 0;
        int present = 0;
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        ByteArrayOutputStream built = new ByteArrayOutputStream();
        try (ScapWriter d = ScapWriter.to(direct, NO_TABLES); ScapWriter b = ScapWriter.to(built, NO_TABLES)) {
            long[] numbers = new long[DirectLayouts.MAX_NUMBERS];
            for (String name : List.of("read", "write", "pread64", "pwrite64", "close", "fcntl", "dup", "dup2", "dup3")) {
                int nr = table.number(name);
                if (nr < 0) {
                    continue; // not on this architecture (dup2 on aarch64)
                }
                present++;
                for (long[] args : argSets) {
                    compared += both(builder, layouts.of(nr, true), record(RawRecord.ENTER, nr, args, 0, 0, 0), d, b, numbers);
                    for (long[] x : exits) {
                        DirectLayouts.Layout l = layouts.of(nr, false);
                        int slot2 = l.buffer() ? (int) x[2] : 0;
                        compared += both(builder, l, record(RawRecord.EXIT, nr, args, x[0], (int) x[1], slot2), d, b, numbers);
                    }
                }
            }
        }
        assertTrue(present >= 7, "the syscall table lacks read, write, close...: " + present);
        assertEquals(present * argSets.length * (1 + exits.length), compared);
        assertArrayEquals(built.toByteArray(), direct.toByteArray());
    }

    /** Writes {@code rec} through the layout and through the builder; returns 1. */
    private static int both(EventBuilder builder, DirectLayouts.Layout l, MemorySegment rec, ScapWriter d, ScapWriter b,
                            long[] numbers) throws Exception {
        assertNotNull(l);
        List<ScapEvent> events = builder.events(RawRecord.parse(rec));
        assertEquals(1, events.size());
        ScapEvent e = events.getFirst();
        assertEquals(e.type(), l.type(), e.toString());
        b.write(e);
        long lens = rec.get(I64, RawRecord.LENS);
        long bufOff = RawRecord.DATA + (lens & 0xffff) + (lens >>> 16 & 0xffff);
        int bufLen = l.buffer() ? (int) (lens >>> 32 & 0xffff) : -1;
        l.values(rec, numbers);
        d.writeNumbers(e.ts(), e.tid(), e.cpu(), l.type(), l.sizes(), numbers, rec, bufOff, bufLen);
        assertEquals(b.offset(), d.offset(), e.toString());
        return 1;
    }

    @Test
    void systemCallsOutsideTheLayoutsTakeTheFullPath() {
        for (String name : List.of("openat", "connect", "mmap", "execve", "getppid")) {
            int nr = table.number(name);
            if (nr >= 0) {
                assertNull(layouts.of(nr, true), name);
                assertNull(layouts.of(nr, false), name);
            }
        }
        assertNull(layouts.of(-1, true));
        assertNull(layouts.of(CaptureProbe.MAX_SYSCALLS, false));
    }

    /** A generic system call's record is sent short (kind to id): it parses as a record without arguments. */
    @Test
    void shortGenericRecordsParse() {
        MemorySegment r = MemorySegment.ofArray(new byte[RawRecord.GENERIC_SIZE]);
        r.set(I32, RawRecord.KIND, RawRecord.EXIT);
        r.set(I32, RawRecord.CPU, 1);
        r.set(I64, RawRecord.TS, 99);
        r.set(I64, RawRecord.PID_TGID, 7L << 32 | 8);
        r.set(I64, RawRecord.ID, 110);
        RawRecord p = RawRecord.parse(r);
        assertEquals(RawRecord.EXIT, p.kind());
        assertEquals(7, p.pid());
        assertEquals(8, p.tid());
        assertEquals(110, p.id());
        assertEquals(0, p.buf().length);
        r.set(I32, RawRecord.KIND, RawRecord.FORK);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RawRecord.parse(r),
                "only system call records are sent short");
    }
}
