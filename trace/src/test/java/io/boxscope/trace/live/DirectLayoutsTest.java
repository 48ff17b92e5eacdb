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
 * (and open, openat, ioctl, lseek, kill, tkill, tgkill, mprotect, futex, epoll_wait, select, getdents, getdents64, splice,
 * shutdown, setpgid) from the ring record without building them: each block must be, byte for byte, the block of the event
 * {@link EventBuilder} builds from the same record (the full path, which the capture takes with a filter or
 * lines), for arguments wider than their parameters, negative fds and return values, fcntl commands with and
 * without a PPM_FCNTL number, open flags and modes, lseek whences in and out of SEEK_SET..SEEK_END, mprotect
 * prots, signals above 255, paths (UTF-8, unread, empty) and buffers of 0, 1 and 80
 * bytes behind other slots. Records are laid out as
 * {@link CaptureProbe} writes them ({@link RawRecord}).
 */
class DirectLayoutsTest {
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final long EPOCH = 1_700_000_000_000_000_000L;
    private static final CaptureTables NO_TABLES = new CaptureTables(null, List.of(), List.of(), List.of(), List.of(), Map.of());

    private final SyscallTable table = SyscallTable.current();
    private final DirectLayouts layouts = new DirectLayouts(table, OpenFlags.of(Arch.current()));

    /**
     * A record of {@code kind} for syscall {@code nr}: arguments, return value, slots 0 and 2 (slot 1 and 3 empty);
     * slot 0 holds {@code path} when given (its length is then slot0), else 'x's.
     */
    private static MemorySegment record(int kind, long nr, long[] args, long ret, int slot0, int slot2, byte[] path) {
        MemorySegment r = MemorySegment.ofArray(new byte[RawRecord.DATA + slot0 + slot2]);
        r.set(I16, RawRecord.KIND, (short) kind);
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
            r.set(ValueLayout.JAVA_BYTE, RawRecord.DATA + i, (byte) (i < slot0 ? (path != null ? path[i] : 'x') : 'a' + i % 26));
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
            {-100, 0x241, 0x241, 0644, 0, 0}, // open(at) with O_WRONLY|O_CREAT|O_TRUNC and a mode
            {3, 0x80000, 0x410000, 0, 0, 0}, // O_CLOEXEC, O_DIRECTORY|O_TMPFILE bits
            {7, -4096, 2, 0, 0, 0},        // lseek SEEK_END back 4096; tgkill signal 2
            {7, 0x1_0000_0001L, 1, 0, 0, 0}, // lseek SEEK_CUR; mprotect PROT_READ
            {7, 10, 3, 0, 0, 0},           // lseek SEEK_DATA (recorded as 0); mprotect PROT_READ|PROT_WRITE
            {0x7f00_0000_0000L, 4096, 0x1000007, 0, 0, 0}, // mprotect PROT_READ|WRITE|EXEC|GROWSDOWN
            {4001, 0x10a, 0x10a, 0, 0, 0}, // a signal above 255 (its low byte is the driver's u8)
            {0x7f00_0000_1000L, 0x189, 1, 0, 0, 0}, // futex FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME
            {0x1000, 13, -1, 0, 1L << 35, 0x1_0000_0007L}, // futex FUTEX_LOCK_PI2 (no PPM number); splice len, flags wide
        };
        // paths as bpf_probe_read_user_str leaves them: the bytes and their NUL; none (the read failed); an empty one
        byte[][] paths = {"/etc/passwd\0".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "/tmp/caf\u00e9 dir/x\0".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[0], new byte[1]};
        long[][] exits = {{-9, 0, 0}, {0, 0, 0}, {80, 0, 80}, {1, 5, 1}, {1L << 33, 0, 0}}; // ret, slot0, slot2
        int compared = 0;
        int present = 0;
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        ByteArrayOutputStream built = new ByteArrayOutputStream();
        try (ScapWriter d = ScapWriter.to(direct, NO_TABLES); ScapWriter b = ScapWriter.to(built, NO_TABLES)) {
            long[] numbers = new long[DirectLayouts.MAX_PARAMS];
            for (String name : List.of("read", "write", "pread64", "pwrite64", "close", "fcntl", "dup", "dup2", "dup3", "open", "openat",
                    "ioctl", "lseek", "kill", "tkill", "tgkill", "mprotect", "futex", "epoll_wait", "select", "getdents", "getdents64",
                    "splice", "shutdown", "setpgid")) {
                int nr = table.number(name);
                if (nr < 0) {
                    continue; // not on this architecture (dup2 on aarch64)
                }
                present++;
                boolean opens = name.startsWith("open");
                for (long[] args : argSets) {
                    for (int pi = 0; pi < (opens ? paths.length : 1); pi++) {
                        byte[] path = opens ? paths[pi] : null;
                        int slot0 = opens ? path.length : 0;
                        compared += both(builder, layouts, layouts.of(nr, true), record(RawRecord.ENTER, nr, args, 0, slot0, 0, path),
                                d, b, numbers);
                        for (long[] x : exits) {
                            DirectLayouts.Layout l = layouts.of(nr, false);
                            int slot2 = l.varIndex() >= 0 && l.varSlot() == 2 ? (int) x[2] : 0;
                            compared += both(builder, layouts, l, record(RawRecord.EXIT, nr, args, x[0], opens ? slot0 : (int) x[1], slot2,
                                    path), d, b, numbers);
                        }
                    }
                }
            }
        }
        assertTrue(present >= 14, "the syscall table lacks read, write, close, openat, ioctl, lseek...: " + present);
        assertTrue(compared >= present * argSets.length * (1 + exits.length), "compared " + compared);
        assertArrayEquals(built.toByteArray(), direct.toByteArray());
    }

    /** Writes {@code rec} through the layout and through the builder; returns 1. */
    private static int both(EventBuilder builder, DirectLayouts layouts, DirectLayouts.Layout l, MemorySegment rec, ScapWriter d,
                            ScapWriter b, long[] numbers) throws Exception {
        assertNotNull(l);
        List<ScapEvent> events = builder.events(RawRecord.parse(rec));
        assertEquals(1, events.size());
        ScapEvent e = events.getFirst();
        assertEquals(e.type(), l.type(), e.toString());
        b.write(e);
        long lens = rec.get(I64, RawRecord.LENS);
        long bufOff = RawRecord.DATA + (l.varSlot() == 2 ? (lens & 0xffff) + (lens >>> 16 & 0xffff) : 0);
        int bufLen = l.varIndex() < 0 ? -1 : (int) (lens >>> 16 * l.varSlot() & 0xffff);
        layouts.values(l, rec, numbers);
        d.writeNumbers(e.ts(), e.tid(), e.cpu(), l.type(), l.sizes(), numbers, l.varIndex(), rec, bufOff, bufLen);
        assertEquals(b.offset(), d.offset(), e.toString());
        return 1;
    }

    @Test
    void systemCallsOutsideTheLayoutsTakeTheFullPath() {
        // getcwd's path depends on the result and access's exit may take the entry's path: built, not direct
        for (String name : List.of("connect", "mmap", "execve", "getppid", "sendto", "getcwd", "access")) {
            int nr = table.number(name);
            if (nr >= 0) {
                assertNull(layouts.of(nr, true), name);
                assertNull(layouts.of(nr, false), name);
            }
        }
        assertNull(layouts.of(-1, true));
        assertNull(layouts.of(CaptureProbe.MAX_SYSCALLS, false));
    }

    /**
     * A generic system call's record, as the probe builds it on the stack: 24 bytes, u16 kind at 0, u16 syscall
     * number at 2, u32 CPU at 4, u64 time at 8, u64 pid_tgid at 16 (offsets written out here, not taken from
     * RawRecord). It parses as a record without arguments, and the direct path's block (what -w writes without a
     * filter) is byte for byte the block of the event the full path builds from the same record, entry and exit.
     */
    @Test
    void shortGenericRecordsParseAndWriteTheBuiltBlocks() throws Exception {
        int getppid = table.number("getppid");
        int sched = table.number("sched_yield");
        EventBuilder builder = new EventBuilder(table, OpenFlags.of(Arch.current()),
                new LiveThreads(new TaskTable(HostPaths.DEFAULT), List.of()), EPOCH);
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        ByteArrayOutputStream built = new ByteArrayOutputStream();
        int compared = 0;
        try (ScapWriter d = ScapWriter.to(direct, NO_TABLES); ScapWriter b = ScapWriter.to(built, NO_TABLES)) {
            for (int nr : new int[] {getppid, sched}) {
                for (int kind : new int[] {RawRecord.ENTER, RawRecord.EXIT}) {
                    MemorySegment r = MemorySegment.ofArray(new byte[24]);
                    r.set(I16, 0, (short) kind);
                    r.set(I16, 2, (short) nr);
                    r.set(I32, 4, 1);
                    r.set(I64, 8, 99_000L + compared);
                    r.set(I64, 16, 7L << 32 | 8);
                    RawRecord p = RawRecord.parse(r);
                    assertEquals(kind, p.kind());
                    assertEquals(7, p.pid());
                    assertEquals(8, p.tid());
                    assertEquals(nr, p.id());
                    assertEquals(1, p.cpu());
                    assertEquals(0, p.buf().length);
                    List<ScapEvent> events = builder.events(p);
                    assertEquals(1, events.size());
                    b.write(events.getFirst());
                    int sc = builder.genericPpmSc(RawRecord.syscallNr(r));
                    assertTrue(sc >= 0, "getppid and sched_yield are generic events");
                    d.writeGeneric(RawRecord.ts(r) + EPOCH, RawRecord.tid(r), RawRecord.cpu(r), RawRecord.kind(r) == RawRecord.ENTER,
                            sc, (int) RawRecord.syscallNr(r));
                    assertEquals(b.offset(), d.offset(), events.getFirst().toString());
                    compared++;
                }
            }
        }
        assertEquals(4, compared);
        assertArrayEquals(built.toByteArray(), direct.toByteArray());
        MemorySegment fork = MemorySegment.ofArray(new byte[24]);
        fork.set(I16, 0, (short) RawRecord.FORK);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RawRecord.parse(fork),
                "only system call records are sent short");
        MemorySegment odd = MemorySegment.ofArray(new byte[32]);
        odd.set(I16, 0, (short) RawRecord.EXIT);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RawRecord.parse(odd),
                "a short record is exactly 24 bytes");
    }
}
