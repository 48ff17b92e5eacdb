package io.boxscope.bench.fileio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.workload.Xoroshiro;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIoTest {
    @TempDir
    Path dir;

    FileIoOptions opts(Mode m) {
        return new FileIoOptions(dir, 4, 1 << 20, 16384, m, EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0);
    }

    @Test
    void prepareCreatesOnlyTestFilesAndCleanupRemovesThem() throws IOException {
        Files.writeString(dir.resolve("keep.txt"), "mine");
        List<String> log = new ArrayList<>();
        FileSet.Prepared p = FileSet.prepare(opts(Mode.RNDRD), log::add);
        assertEquals(1 << 20, p.bytesWritten());
        assertEquals(List.of("Creating file test_file.0", "Creating file test_file.1", "Creating file test_file.2",
                "Creating file test_file.3"), log);
        for (int i = 0; i < 4; i++) {
            assertEquals(256 << 10, Files.size(dir.resolve("test_file." + i)));
        }
        log.clear();
        assertEquals(0, FileSet.prepare(opts(Mode.RNDRD), log::add).bytesWritten());
        assertTrue(log.get(0).startsWith("Reusing existing file"));
        assertEquals(4, FileSet.cleanup(opts(Mode.RNDRD)));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("keep.txt")), s.toList());
        }
    }

    @Test
    void refusesLinksAndDirectoriesAtTestFilePaths() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Files.createSymbolicLink(dir.resolve("test_file.1"), victim);
        IOException e = assertThrows(IOException.class, () -> FileSet.prepare(opts(Mode.RNDRD), s -> {}));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(IOException.class, () -> FileSet.cleanup(opts(Mode.RNDRD)));
        assertEquals("precious", Files.readString(victim));
        Files.delete(dir.resolve("test_file.1"));
        Files.createDirectory(dir.resolve("test_file.2"));
        assertThrows(IOException.class, () -> FileSet.prepare(opts(Mode.RNDRD), s -> {}));
    }

    @Test
    void refusesWhenTheFilesAreTooSmallOrMissing() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> new FileIoWorkload(opts(Mode.RNDRD)));
        assertTrue(missing.getMessage().contains("prepare"), missing.getMessage());
        FileSet.prepare(opts(Mode.RNDRD), s -> {});
        FileIoOptions bigger = new FileIoOptions(dir, 4, 4 << 20, 16384, Mode.RNDRD, EnumSet.noneOf(ExtraFlag.class), 100, false,
                true, false, 1.5, 0);
        IOException small = assertThrows(IOException.class, () -> new FileIoWorkload(bigger));
        assertTrue(small.getMessage().contains("at least 1MiB"), small.getMessage());
    }

    @Test
    void impossibleCombinations() {
        assertThrows(IllegalArgumentException.class, () -> new FileIoOptions(dir, 4, 16384, 16384, Mode.RNDRD,
                EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0)); // files smaller than a block
        assertThrows(IllegalArgumentException.class, () -> new FileIoOptions(dir, 1, 1 << 20, 1000, Mode.RNDRD,
                EnumSet.of(ExtraFlag.DIRECT), 100, false, true, false, 1.5, 0)); // O_DIRECT with odd blocks
        assertThrows(IllegalArgumentException.class, () -> new FileIoOptions(dir, 0, 1 << 20, 16384, Mode.RNDRD,
                EnumSet.noneOf(ExtraFlag.class), 100, false, true, false, 1.5, 0));
    }

    @Test
    void sequentialRequestsWalkTheFilesWithPeriodicFsyncs() throws IOException {
        FileSet.prepare(opts(Mode.SEQREWR), s -> {});
        try (FileIoWorkload w = new FileIoWorkload(opts(Mode.SEQREWR))) {
            FileIoWorkload.Request r = new FileIoWorkload.Request();
            Xoroshiro rnd = new Xoroshiro(1);
            // 16 blocks per file, 4 files: 64 writes per pass; after 100 requests 4 fsync events
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 105; i++) {
                w.nextRequest(r, rnd);
                seen.add(r.op + ":" + r.file + ":" + r.pos);
            }
            assertEquals("1:0:0", seen.get(0));
            assertEquals("1:0:16384", seen.get(1));
            assertEquals("1:1:0", seen.get(16));
            assertEquals("1:0:0", seen.get(64), "starts over after the last file");
            assertEquals(List.of("2:0:0", "2:1:0", "2:2:0", "2:3:0"), seen.subList(100, 104));
            assertEquals("1:2:65536", seen.get(104));
        }
    }

    @Test
    void randomMixFollowsTheRatioExactly() {
        long reads = 0;
        long writes = 0;
        for (int i = 0; i < 1000; i++) {
            if (FileIoWorkload.readNext(reads, writes, 1.5)) {
                reads++;
            } else {
                writes++;
            }
        }
        assertEquals(600, reads);
        assertEquals(400, writes);
    }

    @Test
    void shortRealRunsOfEveryMode() throws Exception {
        FileSet.prepare(opts(Mode.RNDRD), s -> {});
        for (Mode m : Mode.values()) {
            try (FileIoWorkload w = new FileIoWorkload(opts(m))) {
                RunResult r = new Engine(w, new RunOptions(1, 0, 500, 0, 0, 95, false, 0), null).run();
                assertEquals(500, r.events(), m.name());
                long reads = r.counter("reads");
                long writes = r.counter("writes");
                long fsyncs = r.counter("fsyncs");
                switch (m) {
                    case SEQRD, RNDRD -> {
                        assertEquals(500, reads);
                        assertEquals(0, writes + fsyncs);
                    }
                    case SEQWR, SEQREWR, RNDWR -> {
                        assertEquals(0, reads);
                        // 500 events = writes + periodic fsync events; 4 more fsyncs at the end
                        assertEquals(500, writes + fsyncs - 4);
                        assertTrue(fsyncs >= 4 + 4 * 4, "periodic fsyncs: " + fsyncs);
                    }
                    case RNDRW -> {
                        assertEquals(500, reads + writes + fsyncs - 4);
                        assertEquals(1.5, (double) reads / writes, 0.01);
                    }
                }
                assertEquals(reads * 16384, r.counter("bytes_read"));
                assertEquals(writes * 16384, r.counter("bytes_written"));
            }
        }
        assertFalse(Files.exists(dir.resolve("test_file.4")));
    }

    @Test
    void directIoWithAlignedBuffers() throws Exception {
        FileSet.prepare(opts(Mode.RNDRD), s -> {});
        FileIoOptions direct = new FileIoOptions(dir, 4, 1 << 20, 16384, Mode.RNDRW, EnumSet.of(ExtraFlag.DIRECT), 100, false,
                true, false, 1.5, 0);
        try (FileIoWorkload w = new FileIoWorkload(direct)) {
            RunResult r = new Engine(w, new RunOptions(2, 0, 200, 0, 0, 95, false, 0), null).run();
            assertEquals(200, r.events());
        }
    }
}
