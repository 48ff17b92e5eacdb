package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.feature.SkipTrigger;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * An interval tool (runqlat, funccount, ...) says the runs the kernel skipped once, after its last report, with
 * the total: libbpf-tools' histogram tools print only their reports. The skips are provoked for the whole run
 * (SkipTrigger: map updates that kmalloc while a BPF program runs, so the {@code kmem:kmalloc} program of
 * funccount is skipped), so the runtime has skips to report in every 100 ms of it; before, each became a line.
 */
@KernelTest
class IntervalSkippedTest {
    private static final Pattern SKIPPED = Pattern.compile("(?m)^(\\d+) events? skipped by the kernel \\(another BPF program was running on the CPU\\)$");

    @Test
    void skippedRunsSaidOnceAtTheEndWithTheTotal() throws Exception {
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run("funccount", "-i", "1", "-d", "3", "t:kmem:kmalloc")));
        t.start();
        while (t.isAlive()) {
            SkipTrigger.provokeKmallocSkips(20);
            t.join(20);
        }
        Cli r = result.get();
        assertEquals(0, r.code(), r.err());
        Matcher m = SKIPPED.matcher(r.err());
        assertTrue(m.find(), "no skipped line: " + r.err());
        assertTrue(Long.parseLong(m.group(1)) >= 20, r.err());
        assertTrue(!m.find(), "more than one skipped line: " + r.err());
        List<String> errLines = r.err().lines().toList();
        assertTrue(SKIPPED.matcher(errLines.getLast()).matches(), "the skipped line is not the last: " + r.err());
        assertTrue(r.out().lines().filter(l -> l.contains("FUNC")).count() >= 2, "fewer than 2 reports: " + r.out());
    }
}
