package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * runtime-corpus.txt: bpftrace programs run with {@code -c COMMAND} (filtering on {@code cpid}). Each runs
 * under bpftrace 0.17 and through boxscope's whole pipeline with the same command, on this machine, and
 * both must print the same. The "--- text" sections hold what bpftrace printed on the machine the corpus
 * was captured on (library reads, kernel stacks and addresses differ between machines), for reading;
 * the test derives its expectation from the live bpftrace run.
 */
@KernelTest
class RuntimeCorpusTest {
    enum Compare { EXACT, LINES, BEFORE_MAPS, STACKS }

    /** Cases that do not print bpftrace's output yet, with why; each must still differ, so the list cannot go stale. */
    static final java.util.Map<String, String> NOT_YET = java.util.Map.of();

    record Case(String name, String program, String command, Compare compare, String text) {}

    static List<Case> load() throws IOException {
        return load("runtime-corpus.txt");
    }

    /** The cases of a corpus file in this format (a resource next to this class). */
    static List<Case> load(String resource) throws IOException {
        String all;
        try (InputStream in = RuntimeCorpusTest.class.getResourceAsStream(resource)) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> out = new ArrayList<>();
        for (String c : all.split("\n=== ")) {
            if (c.startsWith("#")) {
                continue;
            }
            String name = c.substring(0, c.indexOf('\n'));
            String program = null, command = null;
            Compare compare = null;
            for (String line : c.substring(0, c.indexOf("\n--- text\n")).split("\n")) {
                if (line.startsWith("program: ")) {
                    program = line.substring(9);
                } else if (line.startsWith("command: ")) {
                    command = line.substring(9);
                } else if (line.startsWith("compare: ")) {
                    compare = Compare.valueOf(line.substring(9).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
                }
            }
            String text = c.substring(c.indexOf("\n--- text\n") + 10, c.indexOf("--- end\n"));
            out.add(new Case(name, program, command, compare, text));
        }
        return out;
    }

    static String normalize(String s, Compare c) {
        return switch (c) {
            case EXACT -> s;
            case LINES -> String.join("\n", s.lines().sorted().toList());
            case BEFORE_MAPS -> s.contains("\n\n\n") ? s.substring(0, s.indexOf("\n\n\n")) : s;
            // the kernel calls a tracepoint's probes through __traceiter_NAME only while it has more than one
            // (static calls otherwise): whether other processes trace the same event decides that frame
            case STACKS -> String.join("\n", s.lines().filter(l -> !l.contains("__traceiter_")).toList());
        };
    }

    @TestFactory
    Stream<DynamicTest> ourRuntimePrintsWhatBpftracePrints() throws IOException {
        return load().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            // the expectation is derived on this machine: bpftrace 0.17 runs the same program and command
            String theirs = bpftrace(k);
            String why = NOT_YET.get(k.name());
            String ours;
            try {
                ours = Runs.run(k.program(), false, Duration.ofSeconds(20), null, k.command()).out();
            } catch (Exception e) {
                if (why != null) {
                    return;
                }
                throw new AssertionError(k.name() + ": " + e.getMessage(), e);
            }
            if (why != null) {
                assertTrue(!normalize(theirs, k.compare()).equals(normalize(ours, k.compare())),
                        k.name() + " is listed as not matching yet (" + why + ") but now does: remove it from NOT_YET");
                return;
            }
            assertEquals(normalize(theirs, k.compare()), normalize(ours, k.compare()), k.name() + ": " + k.program());
        }));
    }

    @Test
    void corpusSize() throws IOException {
        assertTrue(load().size() >= 30, "runtime corpus cases: " + load().size());
    }

    /** bpftrace's stdout for a case (its stderr, with the RLIMIT_MEMLOCK warning, is dropped). */
    static String bpftrace(Case k) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        Process p = new ProcessBuilder("bpftrace", "-c", k.command(), "-e", k.program())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
        assertEquals(0, p.exitValue(), "bpftrace exit status for " + k.name());
        return new String(out, StandardCharsets.UTF_8);
    }
}
