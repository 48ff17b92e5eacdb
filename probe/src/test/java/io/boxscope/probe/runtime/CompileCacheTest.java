package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.CompiledScriptCodec;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot compile cache on this kernel (it needs root and tracefs): a script read back equals the one
 * compiled, instruction for instruction; a damaged or foreign file is not used, and the script is compiled again;
 * another program text misses.
 */
@KernelTest
class CompileCacheTest {
    private static final Path SYS = Path.of("/sys");
    private static final CheckOptions OPTIONS = new CheckOptions(false, List.of(), CheckOptions.DEFAULT_STRLEN, CheckOptions.DEFAULT_MAP_KEYS, 0);

    /** Programs that exercise the codec's parts: maps of every kind, printf and its types, strings, tuples, time. */
    private static final List<String> PROGRAMS = List.of(
            "tracepoint:syscalls:sys_enter_openat { @[comm, args->flags] = count(); @h = hist(args->flags); "
                    + "@l[pid] = lhist(args->flags, 0, 100, 10); @s = sum(args->flags); @mn = min(args->flags); "
                    + "@a = avg(args->flags); @st = stats(args->flags); "
                    + "printf(\"%s %d %s\\n\", comm, pid, str(args->filename)); } "
                    + "interval:s:1 { time(); print(@h); clear(@l); zero(@s); } "
                    + "END { printf(\"%s\\n\", strftime(\"%H:%M\", nsecs)); exit(); }",
            "BEGIN { @t = (1, \"a\"); printf(\"ready\\n\"); } tracepoint:sched:sched_switch { @m[args->prev_comm] = max(args->prev_pid); }",
            "tracepoint:syscalls:sys_enter_getp* { @[probe] = count(); }");

    private static CompileCache cache(Path dir, String text) {
        return CompileCache.in(dir, "test-build", new SourceText("stdin", text), SYS, OPTIONS, false).orElseThrow();
    }

    private static CompiledScript compile(Path dir, String text) throws Exception {
        return Scripts.compile(new SourceText("stdin", text), SYS, OPTIONS, false, Optional.of(cache(dir, text)));
    }

    private static void assertSame(CompiledScript fresh, CompiledScript cached) {
        assertEquals(fresh.spec(), cached.spec());
        for (int i = 0; i < fresh.spec().programs().size(); i++) {
            assertArrayEquals(Insn.toBytes(fresh.spec().programs().get(i).insns()),
                    Insn.toBytes(cached.spec().programs().get(i).insns()), "program " + i);
        }
        assertEquals(fresh.units(), cached.units());
        assertEquals(fresh.maps(), cached.maps());
        assertEquals(fresh.actions(), cached.actions());
        assertEquals(fresh.probeNames(), cached.probeNames());
        assertEquals(fresh.updateSites(), cached.updateSites());
    }

    @Test
    void aHitIsTheMissByteForByte(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        for (String program : PROGRAMS) {
            long stored = CompileCache.stored();
            CompiledScript fresh = compile(dir, program);
            assertNotNull(fresh.checked(), "compiled, not read back: " + program);
            assertEquals(stored + 1, CompileCache.stored(), "stored: " + program);
            long hits = CompileCache.hits();
            CompiledScript cached = compile(dir, program);
            assertEquals(hits + 1, CompileCache.hits(), "read back: " + program);
            assertNull(cached.checked());
            assertSame(fresh, cached);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cache(dir, program).file())));
        }
    }

    @Test
    void aDamagedFileIsRejectedAndTheScriptCompiledAgain(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        String program = PROGRAMS.getFirst();
        CompiledScript fresh = compile(dir, program);
        Path file = cache(dir, program).file();
        byte[] good = Files.readAllBytes(file);
        for (int cut : new int[] {0, 7, good.length / 2, good.length - 1}) {
            byte[] damaged = java.util.Arrays.copyOf(good, cut);
            rewrite(file, damaged);
            assertFallsBack(dir, program, fresh, "cut at " + cut);
        }
        for (int at : new int[] {3, 20, good.length / 2, good.length - 3}) {
            byte[] damaged = good.clone();
            damaged[at] ^= 0x40;
            rewrite(file, damaged);
            assertFallsBack(dir, program, fresh, "byte " + at + " flipped");
        }
    }

    private static void assertFallsBack(Path dir, String program, CompiledScript fresh, String what) throws Exception {
        long rejected = CompileCache.rejected();
        CompiledScript again = compile(dir, program);
        assertEquals(rejected + 1, CompileCache.rejected(), what);
        assertNotNull(again.checked(), what + ": compiled again, not read back");
        assertSame(fresh, again);
        // and the file was replaced by a good one
        long hits = CompileCache.hits();
        compile(dir, program);
        assertEquals(hits + 1, CompileCache.hits(), what);
    }

    /** In place of the file, with the mode the cache writes (0600, root's): only the content is wrong. */
    private static void rewrite(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("tmp");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void anotherProgramTextMissesAndAForeignFileIsNotUsed(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        String a = PROGRAMS.get(2);
        String b = a.replace("getp*", "getpid");
        compile(dir, a);
        long misses = CompileCache.misses();
        long rejected = CompileCache.rejected();
        CompiledScript other = compile(dir, b);
        assertEquals(misses + 1, CompileCache.misses());
        assertEquals(rejected, CompileCache.rejected());
        assertNotNull(other.checked(), "compiled, not read back");
        assertNotEquals(cache(dir, a).file(), cache(dir, b).file());
        // a's file under b's name (a whole, valid file of another key): not used
        rewrite(cache(dir, b).file(), Files.readAllBytes(cache(dir, a).file()));
        CompiledScript again = compile(dir, b);
        assertEquals(rejected + 1, CompileCache.rejected());
        assertNotNull(again.checked());
        assertEquals(List.of("tracepoint:syscalls:sys_enter_getpid"), again.probeNames());
    }

    @Test
    void aFileOthersMayWriteIsNotTrusted(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        String program = PROGRAMS.get(1);
        compile(dir, program);
        Files.setPosixFilePermissions(cache(dir, program).file(),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        long rejected = CompileCache.rejected();
        assertNotNull(compile(dir, program).checked());
        assertEquals(rejected + 1, CompileCache.rejected());
    }

    @Test
    void scriptsWhoseConstantsComeFromFilesAreNotStored(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        for (String program : List.of("tracepoint:syscalls:sys_enter_getpid /cgroup == cgroupid(\"/sys/fs/cgroup\")/ { @ = count(); }",
                "tracepoint:syscalls:sys_enter_getpid { @[kaddr(\"vfs_read\")] = count(); }")) {
            long stored = CompileCache.stored();
            compile(dir, program);
            assertEquals(stored, CompileCache.stored(), program);
            assertTrue(Files.notExists(cache(dir, program).file()), program);
        }
    }

    @Test
    void theDecoderRefusesWhatIsNotAScript() throws Exception {
        String program = PROGRAMS.getFirst();
        byte[] good = CompiledScriptCodec.encode(Scripts.compile(new SourceText("stdin", program), SYS, OPTIONS, false,
                Optional.empty()));
        for (int cut = 0; cut < good.length; cut += Math.max(1, good.length / 97)) {
            byte[] part = java.util.Arrays.copyOf(good, cut);
            assertThrows(IOException.class, () -> CompiledScriptCodec.decode(part), "cut at " + cut);
        }
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(IOException.class, () -> CompiledScriptCodec.decode(longer));
    }

    /**
     * A full directory ({@link CompileCache#MAX_ENTRIES}) makes room for the newest script by removing the oldest file
     * by modification time, counted as evicted; the other files, another process's half-written temporary file, and
     * hits on what is stored are untouched.
     */
    @Test
    void aFullDirectoryEvictsTheOldestToStoreTheNewest(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        String first = PROGRAMS.get(1);
        compile(dir, first);
        Path oldest = cache(dir, first).file();
        long t0 = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        Files.setLastModifiedTime(oldest, java.nio.file.attribute.FileTime.fromMillis(t0));
        List<Path> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < CompileCache.MAX_ENTRIES - 1; i++) {
            Path f = dir.resolve(String.format("filler-%03d", i));
            Files.write(f, new byte[] {1});
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(t0 + 1000L * (i + 1)));
            fillers.add(f);
        }
        Path writing = dir.resolve(".filler.tmp-1-2");
        Files.write(writing, new byte[] {2});
        assertEquals(CompileCache.MAX_ENTRIES, entries(dir));

        String newest = PROGRAMS.get(2);
        long stored = CompileCache.stored();
        long evicted = CompileCache.evicted();
        assertNotNull(compile(dir, newest).checked());
        assertEquals(stored + 1, CompileCache.stored(), "the newest is stored");
        assertEquals(evicted + 1, CompileCache.evicted(), "one file evicted");
        assertTrue(Files.exists(cache(dir, newest).file()));
        assertTrue(Files.notExists(oldest), "the oldest is gone");
        assertTrue(fillers.stream().allMatch(Files::exists), "the others are kept");
        assertTrue(Files.exists(writing), "a temporary file is not an entry");
        assertEquals(CompileCache.MAX_ENTRIES, entries(dir));

        // what is stored is used, and replacing a file that exists evicts nothing
        long hits = CompileCache.hits();
        assertNull(compile(dir, newest).checked());
        assertEquals(hits + 1, CompileCache.hits());
        assertEquals(evicted + 1, CompileCache.evicted());

        // the next store removes the next oldest
        assertNotNull(compile(dir, PROGRAMS.getFirst()).checked());
        assertEquals(evicted + 2, CompileCache.evicted());
        assertTrue(Files.notExists(fillers.getFirst()));
        assertTrue(Files.exists(fillers.get(1)));
        assertTrue(Files.exists(cache(dir, newest).file()));
        assertEquals(CompileCache.MAX_ENTRIES, entries(dir));
        hits = CompileCache.hits();
        compile(dir, PROGRAMS.getFirst());
        compile(dir, newest);
        assertEquals(hits + 2, CompileCache.hits());
    }

    /**
     * A writer killed between creating its temporary file and renaming it leaves {@code .NAME.tmp-PID-N} behind: the
     * next store removes it and counts it when no process PID runs or the file is over a minute old; a running
     * writer's recent file and dot-files of another shape are kept.
     */
    @Test
    void aKilledWritersTemporaryFileIsRemovedAndCounted(@TempDir Path base) throws Exception {
        Path dir = base.resolve("compiled");
        compile(dir, PROGRAMS.get(1));
        Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        Path deadWriter = dir.resolve(".x.tmp-" + gone.pid() + "-1f");
        Path liveWriter = dir.resolve(".y.tmp-" + ProcessHandle.current().pid() + "-2e");
        Path oldWriter = dir.resolve(".z.tmp-" + ProcessHandle.current().pid() + "-3d");
        Path other = dir.resolve(".not-a-temporary");
        java.nio.file.attribute.FileTime twoMinutesAgo = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000);
        for (Path f : List.of(deadWriter, liveWriter, oldWriter, other)) {
            Files.write(f, new byte[] {1});
        }
        Files.setLastModifiedTime(oldWriter, twoMinutesAgo);
        Files.setLastModifiedTime(other, twoMinutesAgo);
        long abandoned = CompileCache.abandoned();
        assertNotNull(compile(dir, PROGRAMS.get(2)).checked(), "a new entry is stored");
        assertEquals(abandoned + 2, CompileCache.abandoned(), "the dead writer's and the old file counted");
        assertTrue(Files.notExists(deadWriter), "no process has the writer's PID");
        assertTrue(Files.notExists(oldWriter), "over a minute old");
        assertTrue(Files.exists(liveWriter), "a running writer's recent file is kept");
        assertTrue(Files.exists(other), "a dot-file of another shape is not the cache's");
        assertEquals(2, entries(dir));
    }

    /** The cache's entries in {@code dir}: files whose name does not start with a dot. */
    private static long entries(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }

    /** Every input that changes what compiling gives is in the key: changing any one of them names another file. */
    @Test
    void eachKeyInputChangesTheKey(@TempDir Path dir) {
        String text = PROGRAMS.getLast();
        SourceText src = new SourceText("stdin", text);
        CheckOptions o = OPTIONS;
        List<Path> files = List.of(
                CompileCache.in(dir, "test-build", src, SYS, o, false).orElseThrow().file(),
                CompileCache.in(dir, "other-build", src, SYS, o, false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", new SourceText("other.bt", text), SYS, o, false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", new SourceText("stdin", text + " "), SYS, o, false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, o, true).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, Path.of("/host/sys"), o, false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(true, o.positionals(), o.strlen(), o.mapKeys(), o.pid(),
                        o.ringBytes()), false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(o.unsafe(), List.of("42"), o.strlen(), o.mapKeys(), o.pid(),
                        o.ringBytes()), false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(o.unsafe(), o.positionals(), o.strlen() * 2, o.mapKeys(),
                        o.pid(), o.ringBytes()), false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(o.unsafe(), o.positionals(), o.strlen(), o.mapKeys() + 1,
                        o.pid(), o.ringBytes()), false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(o.unsafe(), o.positionals(), o.strlen(), o.mapKeys(), 4242,
                        o.ringBytes()), false).orElseThrow().file(),
                CompileCache.in(dir, "test-build", src, SYS, new CheckOptions(o.unsafe(), o.positionals(), o.strlen(), o.mapKeys(), o.pid(),
                        o.ringBytes() * 2), false).orElseThrow().file());
        assertEquals(files.size(), new java.util.HashSet<>(files).size(), files::toString);
    }
}
