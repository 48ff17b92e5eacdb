package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The corpus of bad programs (bad-programs.txt): each gives exactly the diagnostics written there, and where
 * the corpus names bpftrace's wording, bpftrace 0.17 says the same for the same program.
 */
class BadProgramsTest {
    record Case(String name, String program, String expect, String bpftrace) {}

    static List<Case> corpus() throws IOException {
        String text;
        try (InputStream in = BadProgramsTest.class.getResourceAsStream("bad-programs.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> out = new ArrayList<>();
        String name = null;
        StringBuilder prog = new StringBuilder();
        StringBuilder expect = new StringBuilder();
        StringBuilder bp = new StringBuilder();
        StringBuilder cur = null;
        for (String line : (text + "\n=== end\n").split("\n", -1)) {
            if (line.startsWith("=== ")) {
                if (name != null) {
                    out.add(new Case(name, strip(prog), expect.toString().stripTrailing() + "\n", strip(bp)));
                }
                name = line.substring(4);
                prog.setLength(0);
                expect.setLength(0);
                bp.setLength(0);
                cur = prog;
            } else if (line.equals("--- expect")) {
                cur = expect;
            } else if (line.equals("--- bpftrace")) {
                cur = bp;
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        return out;
    }

    private static String strip(StringBuilder sb) {
        String s = sb.toString();
        while (s.endsWith("\n\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.endsWith("\n") && s.indexOf('\n') == s.length() - 1 ? s.substring(0, s.length() - 1) : s.stripTrailing();
    }

    @Test
    void eachGivesItsDiagnostics() throws IOException {
        List<Case> cases = corpus();
        assertTrue(cases.size() >= 30, "corpus has " + cases.size() + " cases");
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            String got = Fixtures.errors(c.program());
            if (!got.equals(c.expect())) {
                wrong.add("=== " + c.name() + "\n--- expected\n" + c.expect() + "--- got\n" + got);
            }
        }
        assertEquals("", String.join("\n", wrong));
    }

    /**
     * bpftrace needs root; as root (and under CI) this must run. Our wording must contain bpftrace's (token
     * quotes aside in syntax errors: we quote tokens, bison does not).
     */
    @Test
    @KernelTest
    void bpftraceSaysTheSame() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/bpftrace")), "bpftrace is not installed (scripts/setup-env installs it)");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Case c : corpus()) {
            if (c.bpftrace().isEmpty()) {
                continue;
            }
            Process p = new ProcessBuilder("/usr/bin/bpftrace", "-d", "-e", c.program()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String s = new String(out, StandardCharsets.UTF_8);
            checked++;
            if (!s.contains(c.bpftrace())) {
                wrong.add(c.name() + ": bpftrace said:\n" + s);
            }
            String ours = Fixtures.errors(c.program());
            String core = c.bpftrace();
            if (core.startsWith("syntax error")) {
                ours = ours.replaceAll("'([^a-z ]+)'", "$1");
            }
            if (!ours.contains(core)) {
                wrong.add(c.name() + ": our diagnostic lacks bpftrace's wording '" + core + "':\n" + ours);
            }
        }
        assertFalse(checked == 0);
        assertEquals("", String.join("\n", wrong));
    }
}
