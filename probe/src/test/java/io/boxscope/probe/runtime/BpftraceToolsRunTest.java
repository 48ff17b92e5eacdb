package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bpftrace tools Debian ships (/usr/sbin/*.bt) that docs/probe.md lists as working run unchanged
 * through boxscope's pipeline for as long as {@code -c "sleep 1"} runs: they compile, load, attach and
 * print their header. For the tools bpftrace 0.17 runs here, the first lines ({@code Attaching N
 * probes...} and BEGIN's first line) are compared with bpftrace's on the same machine; runqlat.bt and
 * tcpdrop.bt, which bpftrace cannot compile without kernel headers, must print the header line the
 * tool's own BEGIN block writes.
 */
@KernelTest
class BpftraceToolsRunTest {
    /** Tools bpftrace 0.17 also runs on this machine. */
    static final List<String> BOTH = List.of("bashreadline", "bitesize", "cpuwalk", "execsnoop", "gethostlatency",
            "killsnoop", "naptime", "opensnoop", "pidpersec", "setuids", "statsnoop", "syncsnoop",
            "syscount", "writeback", "ssllatency", "sslsnoop", "threadsnoop");
    /** Tools only boxscope runs here: bpftrace needs kernel headers for them, boxscope reads BTF. */
    static final List<String> OURS_ONLY = List.of("runqlat", "tcpdrop");
    static final String COMMAND = "/usr/bin/sleep 1";

    @TestFactory
    Stream<DynamicTest> toolsBpftraceRunsAttachAndPrintItsHeader() {
        return BOTH.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path tool = Path.of("/usr/sbin/" + name + ".bt");
            Requirements.require(Files.isRegularFile(tool), tool + " (Debian package bpftrace)");
            List<String> theirs = bpftrace(tool).lines().limit(2).toList();
            List<String> ours = run(tool).lines().limit(2).toList();
            assertEquals(theirs, ours, name + ": the first lines differ from bpftrace's");
        }));
    }

    @TestFactory
    Stream<DynamicTest> toolsBpftraceCannotCompileRunThroughBtf() {
        return OURS_ONLY.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path tool = Path.of("/usr/sbin/" + name + ".bt");
            Requirements.require(Files.isRegularFile(tool), tool + " (Debian package bpftrace)");
            String text = Files.readString(tool, StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("printf\\(\"([^\"%\\\\]*)\\\\n\"\\)").matcher(text);
            assertTrue(m.find(), name + " has a header printf");
            List<String> ours = run(tool).lines().limit(2).toList();
            assertTrue(ours.getFirst().matches("Attaching [0-9]+ probes\\.\\.\\."), name + ": " + ours);
            assertEquals(m.group(1), ours.get(1), name + ": header");
        }));
    }

    private static String run(Path tool) throws Exception {
        return Runs.run(Files.readString(tool, StandardCharsets.UTF_8), false, Duration.ofSeconds(20), null, COMMAND).out();
    }

    private static String bpftrace(Path tool) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        Process p = new ProcessBuilder("bpftrace", "-c", COMMAND, tool.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
        return new String(out, StandardCharsets.UTF_8);
    }
}
