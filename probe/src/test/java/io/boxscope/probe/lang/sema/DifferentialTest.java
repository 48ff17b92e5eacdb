package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Accept/reject parity with bpftrace 0.17: good-programs.txt must check with us and with {@code bpftrace -d};
 * rejected-programs.txt must fail with us (one syntax diagnostic) and with bpftrace.
 */
class DifferentialTest {
    static List<String> programs(String resource) throws IOException {
        try (InputStream in = DifferentialTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void weAcceptWhatBpftraceAccepts() throws Exception {
        List<String> failed = new ArrayList<>();
        for (String p : programs("good-programs.txt")) {
            try {
                CheckedProgram cp = Fixtures.check(p);
                for (var e : AnalyzerTest.exprs(cp)) {
                    if (cp.type(e) == ExprTyper.ERROR) {
                        failed.add("untyped node " + e + " in " + p);
                    }
                }
            } catch (ProgramException e) {
                failed.add(e.getMessage());
            }
        }
        assertEquals(List.of(), failed);
    }

    @Test
    void weRejectWhatBpftraceRejects() throws Exception {
        List<String> accepted = new ArrayList<>();
        for (String p : programs("rejected-programs.txt")) {
            try {
                Fixtures.check(p);
                accepted.add(p);
            } catch (ProgramException e) {
                assertEquals(1, e.diagnostics().size(), e.getMessage());
            }
        }
        assertEquals(List.of(), accepted);
    }

    static int bpftraceErrors(String program) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/bpftrace", "-d", "-e", program).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return (int) out.lines().filter(l -> l.contains("ERROR:") && !l.contains("RLIMIT_MEMLOCK")).count();
    }

    /** The corpus itself is checked against bpftrace, so it cannot drift from what bpftrace does. */
    @Test
    @KernelTest
    void bpftraceAgreesWithTheCorpus() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/bpftrace")), "bpftrace is not installed");
        List<String> wrong = new ArrayList<>();
        for (String p : programs("good-programs.txt")) {
            if (bpftraceErrors(p) != 0) {
                wrong.add("bpftrace rejects: " + p);
            }
        }
        for (String p : programs("rejected-programs.txt")) {
            if (bpftraceErrors(p) == 0) {
                wrong.add("bpftrace accepts: " + p);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
