package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Kallsyms;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * profile and offcputime say how many kernel frames they showed as {@code [unknown]} because kallsyms could not be
 * read, and why: with {@code --json} in {@code kernel_symbols_missing} ({@code addresses}, {@code reason}), in text
 * once on standard error after the stacks. kallsyms comes from {@code --proc-root}: a tree of the test's own whose
 * kallsyms shows every address as 0 (kptr_restrict), is empty (/dev/null bound over it) or absent. The workload is a
 * Python process of the test's own that reads /dev/zero a MiB at a time (kernel time: on-CPU kernel stacks) and sleeps
 * a millisecond between reads (off-CPU kernel stacks: testkit's Workloads.readZeroAndSleep); each tool watches it
 * alone ({@code -p}). Oracle: the kernel frames the output shows are all {@code [unknown]}, the count is positive (its
 * exact value, the distinct addresses of the stacks shown: tools' StackRunKernelSymbolsMissingTest), and the reason
 * is the file's. With the real /proc the key is there and 0 when this machine's kallsyms reads (testkit's Kallsyms asks the file).
 */
@KernelTest
class StackToolsKernelSymbolsTest {
    @TempDir
    Path tmp;

    /**
     * profile at 999 Hz: the workload is on a CPU a few % of the time (a 1 MiB read, then a 1 ms sleep), so 99 Hz over
     * 2 s gave a handful of samples and sometimes none (CI at bb4c759d and a rerun: "samples": 0, no frame to check).
     */
    static List<String> args(String tool, long pid) {
        return tool.equals("profile") ? List.of("profile", "-F", "999", "-p", Long.toString(pid), "2")
                : List.of("offcputime", "-p", Long.toString(pid), "2");
    }

    static Cli run(String tool, long pid, String... globals) {
        List<String> a = new ArrayList<>(List.of(globals));
        a.addAll(args(tool, pid));
        return Cli.run(a.toArray(String[]::new));
    }

    /** The kernel frames of every stack of the document, all of them. */
    @SuppressWarnings("unchecked")
    static List<String> kernelFrames(Map<String, Object> doc) {
        List<String> out = new ArrayList<>();
        for (Object s : (List<Object>) doc.get("stacks")) {
            out.addAll((List<String>) ((Map<String, Object>) s).get("kernel_stack"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static void assertCounted(Cli r, String reasonStart) {
        assertEquals(0, r.code(), r.err());
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        List<String> frames = kernelFrames(doc);
        assertFalse(frames.isEmpty(), "no kernel frame of the workload: " + r.out());
        assertTrue(frames.stream().allMatch("[unknown]"::equals), frames::toString);
        Map<String, Object> missing = (Map<String, Object>) doc.get("kernel_symbols_missing");
        long addresses = (Long) missing.get("addresses");
        assertTrue(addresses > 0, addresses + " counted, " + frames.size() + " shown");
        assertTrue(((String) missing.get("reason")).startsWith(reasonStart), missing::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"profile", "offcputime"})
    void unreadableKallsymsAreCountedWithTheReason(String tool) throws Exception {
        Path zeros = Kallsyms.hidden(tmp.resolve("zeros"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("kallsyms"), "");
        Path absent = Files.createDirectories(tmp.resolve("absent"));
        Process w = Workloads.readZeroAndSleep();
        try {
            assertCounted(run(tool, w.pid(), "--json", "--proc-root", zeros.toString()),
                    "kernel symbols could not be read: " + zeros.resolve("kallsyms") + " shows every address as 0: kernel.kptr_restrict");
            assertCounted(run(tool, w.pid(), "--json", "--proc-root", absent.toString()),
                    "kernel symbols could not be read: " + absent.resolve("kallsyms") + ": no such file");

            // text: the stacks with [unknown] frames, then once on standard error the count and why
            Cli text = run(tool, w.pid(), "--proc-root", empty.toString());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("    [unknown]\n"), text.out());
            List<String> lines = text.err().lines().filter(l -> l.contains("kernel address")).toList();
            assertEquals(1, lines.size(), text.err());
            assertTrue(lines.getFirst().matches("boxscope: [0-9]+ distinct kernel address(es)? in the stacks shown as \\[unknown\\]: kernel symbols could not be read: "
                    + java.util.regex.Pattern.quote(empty.resolve("kallsyms") + " lists no kernel text symbol (empty)") + ".*"), lines::toString);
        } finally {
            w.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"profile", "offcputime"})
    @SuppressWarnings("unchecked")
    void theRealKallsymsGivesZeroWhenThisMachineCanReadIt(String tool) throws Exception {
        boolean readable = Kallsyms.readableHere();
        Process w = Workloads.readZeroAndSleep();
        try {
            Cli r = run(tool, w.pid(), "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
            assertFalse(kernelFrames(doc).isEmpty(), "no kernel frame of the workload: " + r.out());
            Map<String, Object> missing = (Map<String, Object>) doc.get("kernel_symbols_missing");
            if (readable) {
                assertEquals(0L, missing.get("addresses"), missing::toString);
                assertEquals(null, missing.get("reason"), missing::toString);
                Cli text = run(tool, w.pid());
                assertEquals(0, text.code(), text.err());
                assertFalse(text.err().contains("kernel address"), text.err());
            } else {
                assertTrue((Long) missing.get("addresses") > 0, missing::toString);
            }
        } finally {
            w.destroyForcibly().waitFor();
        }
    }
}
