package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.prog.ProgramInfo;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Runs the kernel skipped ({@code recursion_misses}) reach the output: provoked deterministically
 * ({@link io.boxscope.bpf.feature.SkipTrigger}), reported in text and JSON, and equal to what {@code bpftool prog show} reads for the
 * session's own programs.
 */
@KernelTest
class SkippedEventsKernelTest {
    private static final int N = 40;

    @Test
    void skippedRunsAreReportedAsBpftoolCountsThem() throws Exception {
        for (boolean json : new boolean[] {false, true}) {
            int tid = Sys.gettid();
            CompiledScript s = Scripts.compile(new SourceText("stdin", "tracepoint:kmem:kmalloc /tid == " + tid + "/ { @n = count(); }"),
                    Path.of("/sys"), new CheckOptions(false, List.of()));
            StringBuilder out = new StringBuilder();
            try (ProbeSession session = ProbeSession.load(s, json ? Output.json() : Output.text(), "stdin")) {
                out.append(session.attach());
                session.begin(out::append);
                io.boxscope.bpf.feature.SkipTrigger.provokeKmallocSkips(N);
                session.poll(Duration.ofMillis(20), out::append);
                session.finish(out::append);
                // detached now: the counters are still, so bpftool reads what the session last reported
                long bpftool = 0;
                for (ProgramInfo i : session.programInfos()) {
                    bpftool += recursionMisses(i.id());
                }
                long reported = reported(out.toString(), json);
                assertTrue(reported >= N, "each of " + N + " map updates skipped the kmalloc program once (json " + json + "): " + out);
                assertEquals(bpftool, reported, out.toString());
                assertEquals(bpftool, session.skipped(), out.toString());
            }
        }
    }

    /** The sum of the skipped counts the session printed. */
    static long reported(String out, boolean json) {
        Matcher m = Pattern.compile(json ? "\\{\"type\": \"skipped_events\", \"data\": \\{\"events\": (\\d+)}}"
                : "(?m)^(\\d+) events? skipped by the kernel \\(another BPF program was running on the CPU\\)$").matcher(out);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    /** bpftool's recursion_misses of program {@code id} (it leaves the field out when it is 0). */
    static long recursionMisses(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id), "--json").redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), json);
        Matcher m = Pattern.compile("\"recursion_misses\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
