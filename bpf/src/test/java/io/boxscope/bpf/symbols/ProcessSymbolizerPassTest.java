package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessSymbolizer#resolve(long, long)}: within one pass an address in no mapping re-reads the process's maps
 * and perf map only the first time (the stacks of one map read were all captured before it), a new pass or
 * {@link ProcessSymbolizer#NO_PASS} reads them again. A fixture /proc (maps, status, the perf map under the process's
 * root) that the test changes between lookups: what a lookup finds says whether the files were read again.
 */
class ProcessSymbolizerPassTest {
    private static final int PID = 4242;

    /** A process with one anonymous mapping, and a JIT that writes its perf map (named by its namespace pid, 7). */
    private static Path proc(Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve(Integer.toString(PID)));
        Files.writeString(dir.resolve("maps"), "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n");
        Files.writeString(dir.resolve("status"), "Name:\tjava\nNSpid:\t" + PID + "\t7\n");
        Files.createDirectories(dir.resolve("root/tmp"));
        return root;
    }

    private static void perfMap(Path root, String text) throws Exception {
        Files.writeString(root.resolve(PID + "/root/tmp/perf-7.map"), text);
    }

    @Test
    void anAddressInNoMappingReadsTheFilesOncePerPass(@TempDir Path root) throws Exception {
        ProcessSymbolizer s = ProcessSymbolizer.of(proc(root), PID);
        assertTrue(s.resolve(0x7e0000001010L, 0).isEmpty(), "no perf map yet");
        perfMap(root, "7e0000001000 40 LFoo;::bar(int)\n");
        assertTrue(s.resolve(0x7e0000001010L, 0).isEmpty(), "the same pass: the perf map is not looked for again");
        Symbol later = s.resolve(0x7e0000001010L, 1).orElseThrow(() -> new AssertionError("a new pass reads the perf map"));
        assertEquals("LFoo;::bar(int)", later.name());
        assertEquals(0x10, later.offset());

        // maps: a library mapped after the pass's first read is not seen in that pass, and is in the next
        Files.writeString(root.resolve(PID + "/maps"), "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
                + "7e0000001000-7e0000002000 rw-p 00000000 00:00 0 \n"
                + "7d0000000000-7d0000001000 rw-p 00000000 00:00 0 \n");
        perfMap(root, "7e0000001000 40 LFoo;::bar(int)\n7d0000000100 10 LFoo;::baz()\n");
        assertTrue(s.resolve(0x7d0000000104L, 1).isEmpty(), "pass 1 read maps and the perf map already");
        assertEquals("LFoo;::baz()", s.resolve(0x7d0000000104L, 2).orElseThrow().name());
    }

    @Test
    void withoutAPassEveryAddressInNoMappingReadsTheFilesAgain(@TempDir Path root) throws Exception {
        ProcessSymbolizer s = ProcessSymbolizer.of(proc(root), PID);
        assertTrue(s.resolve(0x7e0000001010L).isEmpty());
        perfMap(root, "7e0000001000 40 LFoo;::bar(int)\n");
        assertEquals("LFoo;::bar(int)", s.resolve(0x7e0000001010L).orElseThrow().name());
        assertTrue(s.resolve(0x7e0000001050L, ProcessSymbolizer.NO_PASS).isEmpty(), "past the method's 0x40 bytes");
        perfMap(root, "7e0000001000 40 LFoo;::bar(int)\n7e0000001040 20 LFoo;::qux()\n");
        assertEquals("LFoo;::qux()", s.resolve(0x7e0000001050L, ProcessSymbolizer.NO_PASS).orElseThrow().name());
    }
}
