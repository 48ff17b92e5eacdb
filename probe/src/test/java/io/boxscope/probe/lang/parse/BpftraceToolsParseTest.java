package io.boxscope.probe.lang.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.boxscope.probe.lang.ast.AstPrinter;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.diag.ProgramException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every tool script bpftrace installs (/usr/sbin/*.bt) parses, and parsing is deterministic. */
class BpftraceToolsParseTest {
    static List<Path> scripts() throws IOException {
        Path sbin = Path.of("/usr/sbin");
        boolean bpftrace = Files.isExecutable(Path.of("/usr/bin/bpftrace"));
        Assumptions.assumeTrue(bpftrace || Files.isDirectory(sbin), "bpftrace is not installed");
        try (Stream<Path> s = Files.list(sbin)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".bt")).sorted().toList();
            assertFalse(bpftrace && files.isEmpty(), "bpftrace is installed but /usr/sbin has no *.bt tools");
            return files;
        }
    }

    @Test
    void everyToolParses() throws IOException {
        List<String> failures = new ArrayList<>();
        for (Path p : scripts()) {
            try {
                Program prog = ProgramParser.parse(ProgramParser.decode(p.toString(), Files.readAllBytes(p)));
                assertFalse(prog.probes().isEmpty(), p.toString());
                assertEquals(AstPrinter.print(prog), AstPrinter.print(ProgramParser.parse(
                        ProgramParser.decode(p.toString(), Files.readAllBytes(p)))));
            } catch (ProgramException e) {
                failures.add(e.getMessage());
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Prints how long parsing every tool takes (no assertion on time: shared machines vary). */
    @Test
    void parseTime() throws IOException, ProgramException {
        List<byte[]> texts = new ArrayList<>();
        for (Path p : scripts()) {
            texts.add(Files.readAllBytes(p));
        }
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (byte[] b : texts) {
                ProgramParser.parse(ProgramParser.decode("tool", b));
            }
            System.out.printf("parsed %d /usr/sbin/*.bt in %.1f ms (round %d)%n", texts.size(), (System.nanoTime() - t0) / 1e6, round + 1);
        }
    }
}
