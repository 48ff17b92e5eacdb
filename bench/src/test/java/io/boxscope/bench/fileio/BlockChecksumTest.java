package io.boxscope.bench.fileio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.zip.CRC32;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.IoMode;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.workload.Xoroshiro;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --validate: sysbench's block layout, and runs that check every block they read. */
class BlockChecksumTest {
    @TempDir
    Path dir;

    /** 4 files of 256 KiB, 16 KiB blocks (16 blocks per file, 64 in all), with --validate on. */
    FileIoOptions validating(Mode m, IoMode io) {
        return new FileIoOptions(dir, 4, 1 << 20, 16384, m, EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0,
                io, 128, true);
    }

    /** A block written by hand: "123456789", its CRC-32 (the standard check value 0xCBF43926), the offset. */
    private static MemorySegment handMade(Arena a, long offset) {
        ByteBuffer b = ByteBuffer.allocate(21).order(ByteOrder.nativeOrder());
        b.put("123456789".getBytes(StandardCharsets.US_ASCII)).putInt(0xCBF43926).putLong(offset);
        return a.allocate(21).copyFrom(MemorySegment.ofArray(b.array()));
    }

    @Test
    void checksSysbenchsLayout() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment block = handMade(a, 4096);
            assertNull(BlockChecksum.check(block, 21, 4096));
            assertEquals(new BlockChecksum.Mismatch.Offset(8192, 4096), BlockChecksum.check(block, 21, 8192));
            block.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) 'x');
            var m = assertInstanceOf(BlockChecksum.Mismatch.Checksum.class, BlockChecksum.check(block, 21, 4096));
            assertEquals(0xCBF43926L, m.stored());
            CRC32 c = new CRC32();
            c.update("123x56789".getBytes(StandardCharsets.US_ASCII));
            assertEquals(c.getValue(), m.calculated());
        }
    }

    @Test
    void fillDrawsOneValuePerDataByte() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment block = a.allocate(100);
            Xoroshiro rnd = new Xoroshiro(7);
            BlockChecksum.fill(block, 100, 123456789012L, rnd);
            Xoroshiro twin = new Xoroshiro(7);
            byte[] data = new byte[88];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (twin.nextLong() & 0xFF);
            }
            assertEquals(twin.nextLong(), rnd.nextLong(), "the generator moved by exactly 88 draws");
            ByteBuffer b = block.asByteBuffer().order(ByteOrder.nativeOrder());
            byte[] got = new byte[88];
            b.get(got);
            assertArrayEquals(data, got);
            CRC32 c = new CRC32();
            c.update(data);
            assertEquals((int) c.getValue(), b.getInt());
            assertEquals(123456789012L, b.getLong());
            assertNull(BlockChecksum.check(block, 100, 123456789012L));
        }
    }

    @Test
    void everyModeValidatesWhatItReadsInEveryIoMode() throws Exception {
        FileSet.prepare(validating(Mode.RNDRD, IoMode.SYNC), new Xoroshiro(1), s -> {});
        for (IoMode io : IoMode.values()) {
            for (Mode m : new Mode[] {Mode.RNDRW, Mode.RNDWR, Mode.SEQREWR, Mode.RNDRD, Mode.SEQRD}) {
                try (FileIoWorkload w = new FileIoWorkload(validating(m, io))) {
                    RunResult r = new Engine(w, new RunOptions(2, 0, 300, 0, 0, 95, false, 0), null).run();
                    assertEquals(300, r.events(), io + " " + m);
                }
            }
            // everything the writes left behind, block by block
            try (FileIoWorkload w = new FileIoWorkload(validating(Mode.SEQRD, io))) {
                RunResult r = new Engine(w, new RunOptions(1, 0, 256, 0, 0, 95, false, 0), null).run();
                assertEquals(256, r.counter("reads"));
            }
        }
        // seqwr re-creates the files and writes them whole; then they validate
        try (FileIoWorkload w = new FileIoWorkload(validating(Mode.SEQWR, IoMode.SYNC))) {
            new Engine(w, new RunOptions(1, 0, 256, 0, 0, 95, false, 0), null).run();
        }
        try (FileIoWorkload w = new FileIoWorkload(validating(Mode.SEQRD, IoMode.SYNC))) {
            assertEquals(256, new Engine(w, new RunOptions(1, 0, 256, 0, 0, 95, false, 0), null).run().counter("reads"));
        }
    }

    /**
     * The CI flake of the test above (mmap seqrewr, 2 threads, 300 events over 64 blocks: a torn
     * block at the end), made likely: 2 blocks of 1 MiB and 16 threads, so the sequential walk wraps
     * while threads are still copying and two threads get one block at once. Without the block locks
     * their copies into the shared mapping interleave and the read-back finds a block that is half
     * one write and half the other (most of these rounds failed before the fix); pwrite did not tear
     * here because the kernel serializes writes to one file, so sync and async run too.
     */
    @Test
    void sequentialRewritesThatWrapPastAStalledThreadNeverTearABlock() throws Exception {
        long block = 1 << 20;
        java.util.function.BiFunction<Mode, IoMode, FileIoOptions> twoBlocks = (m, io) -> new FileIoOptions(dir, 2, 2 * block, block, m,
                EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0, io, 128, true);
        FileSet.prepare(twoBlocks.apply(Mode.RNDRD, IoMode.SYNC), new Xoroshiro(4), s -> {});
        for (IoMode io : new IoMode[] {IoMode.MMAP, IoMode.MMAP, IoMode.SYNC, IoMode.ASYNC}) {
            for (int round = 0; round < 4; round++) {
                try (FileIoWorkload w = new FileIoWorkload(twoBlocks.apply(Mode.SEQREWR, io))) {
                    assertEquals(64, new Engine(w, new RunOptions(16, 0, 64, 0, 0, 95, false, 0), null).run().events(), io + " round " + round);
                }
                try (FileIoWorkload w = new FileIoWorkload(twoBlocks.apply(Mode.SEQRD, IoMode.SYNC))) {
                    assertEquals(2, new Engine(w, new RunOptions(1, 0, 2, 0, 0, 95, false, 0), null).run().counter("reads"),
                            io + " round " + round);
                }
            }
        }
    }

    private ValidationException readAll(IoMode io) throws IOException {
        try (FileIoWorkload w = new FileIoWorkload(validating(Mode.SEQRD, io))) {
            return assertThrows(ValidationException.class, () -> new Engine(w, new RunOptions(1, 0, 256, 0, 0, 95, false, 0), null).run());
        }
    }

    @Test
    void aChangedBlockEndsTheRun() throws Exception {
        FileSet.prepare(validating(Mode.RNDRD, IoMode.SYNC), new Xoroshiro(2), s -> {});
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("test_file.2").toFile(), "rw")) {
            f.seek(5 * 16384 + 100);
            int b = f.read();
            f.seek(5 * 16384 + 100);
            f.write(b ^ 0xFF);
        }
        for (IoMode io : new IoMode[] {IoMode.SYNC, IoMode.MMAP}) {
            ValidationException e = readAll(io);
            assertEquals(2, e.file());
            assertEquals(5 * 16384, e.position());
            assertInstanceOf(BlockChecksum.Mismatch.Checksum.class, e.mismatch());
            assertTrue(e.getMessage().contains("test_file.2"), e.getMessage());
        }
        // put it back; then copy a whole block elsewhere: its checksum holds, its offset does not
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("test_file.2").toFile(), "rw")) {
            f.seek(5 * 16384 + 100);
            int b = f.read();
            f.seek(5 * 16384 + 100);
            f.write(b ^ 0xFF);
            byte[] block = new byte[16384];
            f.seek(3 * 16384);
            f.readFully(block);
            f.seek(7 * 16384);
            f.write(block);
        }
        ValidationException e = readAll(IoMode.SYNC);
        assertEquals(new BlockChecksum.Mismatch.Offset(7 * 16384, 3 * 16384), e.mismatch());
        assertEquals(2, e.file());
    }

    @Test
    void filesPreparedWithoutValidationFailAtTheFirstBlock() throws Exception {
        FileSet.prepare(validating(Mode.RNDRD, IoMode.SYNC).withoutValidation(), s -> {});
        ValidationException e = readAll(IoMode.SYNC);
        assertEquals(0, e.file());
        assertEquals(0, e.position());
        assertEquals(0, assertInstanceOf(BlockChecksum.Mismatch.Checksum.class, e.mismatch()).stored());
    }

    @Test
    void refusesWhatCannotBeValidated() throws Exception {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new FileIoOptions(dir, 1, 1024, 8,
                Mode.RNDRD, EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0, IoMode.SYNC, 128, true));
        assertTrue(small.getMessage().contains("12 bytes"), small.getMessage());
        // one block and two threads: each thread holds a block, the second could never draw one
        FileIoOptions one = new FileIoOptions(dir, 1, 16384, 16384, Mode.RNDRD, EnumSet.noneOf(ExtraFlag.class), 100, false, true,
                false, 1.5, 0, IoMode.SYNC, 128, true);
        FileSet.prepare(one, new Xoroshiro(3), s -> {});
        try (FileIoWorkload w = new FileIoWorkload(one)) {
            IOException e = assertThrows(IOException.class, () -> new Engine(w, new RunOptions(2, 0, 10, 0, 0, 95, false, 0), null).run());
            assertTrue(e.getMessage().contains("--threads"), e.getMessage());
        }
    }
}
