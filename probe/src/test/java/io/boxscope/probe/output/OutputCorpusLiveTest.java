package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs bpftrace 0.17 live on the corpus programs and checks that it still prints exactly what the
 * corpus says it printed (so the expectations the replay test holds us to are bpftrace's, not
 * ours). Needs root and bpftrace: under CI or as root it fails, never skips, without them.
 */
@KernelTest
class OutputCorpusLiveTest {

    record Run(int code, String out, String err) {}

    static Run bpftrace(List<String> args, String program, boolean json) throws IOException, InterruptedException {
        Requirements.requireRoot();
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        List<String> cmd = new ArrayList<>(List.of("bpftrace"));
        if (json) {
            cmd.addAll(List.of("-f", "json"));
        }
        cmd.addAll(args);
        cmd.addAll(List.of("-e", program));
        Path out = Files.createTempFile("boxscope-bpftrace-out", ".txt");
        Path err = Files.createTempFile("boxscope-bpftrace-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bpftrace did not finish within 60 s: " + program);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String normalize(String s, Corpus.Live live) {
        return switch (live) {
            // digits, and the names of days and months (%a %b): a time printed today is compared with one
            // captured on another day
            case MASKED -> s.replaceAll("[0-9]", "0").replaceAll("\\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\\b", "Ddd")
                    .replaceAll("\\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\b", "Mmm");
            // the lines in any order, and in JSON a line's entries (between ", " and braces) in any order
            case TIES -> String.join("\n", s.lines()
                    .map(l -> String.join(" ~ ", java.util.Arrays.stream(l.split(", |\\{|\\}")).sorted().toList()))
                    .sorted().toList());
            case EXACT, NO -> s;
        };
    }

    @TestFactory
    Stream<DynamicTest> bpftraceStillPrintsTheCorpus() throws Exception {
        return Corpus.load().cases().stream().filter(k -> k.live() != Corpus.Live.NO)
                .map(k -> DynamicTest.dynamicTest(k.name(), () -> {
                    if (k.error() != null) {
                        Run r = bpftrace(k.args(), k.program(), false);
                        assertNotEquals(0, r.code(), "bpftrace refused the program");
                        assertTrue(r.err().contains(k.error()), "bpftrace's error: " + r.err());
                        return;
                    }
                    Run text = bpftrace(k.args(), k.program(), false);
                    assertEquals(0, text.code(), "bpftrace exit status; stderr: " + text.err());
                    assertEquals(normalize(k.text(), k.live()), normalize(text.out(), k.live()), k.name() + " (text)");
                    Run json = bpftrace(k.args(), k.program(), true);
                    assertEquals(0, json.code(), "bpftrace -f json exit status; stderr: " + json.err());
                    assertEquals(normalize(k.json(), k.live()), normalize(json.out(), k.live()), k.name() + " (json)");
                }));
    }
}
