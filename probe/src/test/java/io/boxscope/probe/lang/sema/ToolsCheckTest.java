package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The semantic pass over every bpftrace tool script on the running kernel (tracefs, BTF, feature probes).
 * A tool may fail only because kprobes or kfuncs cannot attach here; every other error is a defect.
 */
@KernelTest
class ToolsCheckTest {
    /**
     * A tool that fails here for a reason of this kernel (a renamed field) is fine only if bpftrace
     * itself rejects it with the same error: run bpftrace on it (it stops before attaching).
     */
    static boolean bpftraceAgrees(Path tool, ProgramException e) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/bpftrace"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/bpftrace", tool.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            return false;
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return e.diagnostics().stream().allMatch(d -> out.contains(d.message()));
    }

    @Test
    void everyToolChecksOrNeedsOnlyUnavailableProbes() throws Exception {
        List<Path> tools;
        try (Stream<Path> s = Files.list(Path.of("/usr/sbin"))) {
            tools = s.filter(p -> p.toString().endsWith(".bt")).sorted().toList();
        }
        assertTrue(!tools.isEmpty() || !Files.exists(Path.of("/usr/bin/bpftrace")), "bpftrace installed without its tools");
        LiveKernel kernel = LiveKernel.of(Path.of("/sys"));
        TreeMap<String, String> unavailable = new TreeMap<>();
        TreeMap<String, String> agreed = new TreeMap<>();
        List<String> defects = new ArrayList<>();
        int ok = 0;
        for (Path p : tools) {
            SourceText src = ProgramParser.decode(p.toString(), Files.readAllBytes(p));
            try {
                CheckedProgram cp = Analyzer.check(src, ProgramParser.parse(src), kernel, new CheckOptions(true, List.of("1")));
                cp.dump();
                for (var x : AnalyzerTest.exprs(cp)) {
                    cp.type(x);
                }
                ok++;
            } catch (ProgramException e) {
                boolean onlyAttach = e.diagnostics().stream().allMatch(d -> d.message().contains("are not available on this kernel"));
                if (onlyAttach) {
                    unavailable.put(p.getFileName().toString(), e.diagnostics().getFirst().message());
                } else if (bpftraceAgrees(p, e)) {
                    agreed.put(p.getFileName().toString(), e.diagnostics().getFirst().message());
                } else {
                    defects.add(e.getMessage());
                }
            }
        }
        System.out.println("tools checked: " + ok + " ok, " + unavailable.size() + " need unavailable probes:");
        unavailable.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        System.out.println("rejected by bpftrace 0.17 on this kernel with the same error: " + agreed);
        assertEquals(List.of(), defects);
    }
}
