package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.probe.output.Event;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Gate;
import org.junit.jupiter.api.Test;

/**
 * A run of profile's and offcputime's kind whose map fills: a shell of the test's own creates 10 files
 * ({@code : > FILE}, one openat(2) each, no fork), counted per file name in a map of 4 keys. The
 * result holds 4 entries and the 6 updates that found the map full, as the probe runtime counted them
 * (what profile and offcputime print as {@code WARNING: Map full; ...}). Oracle: the workload's 10 files.
 */
@KernelTest
class StackRunTest {
    @Test
    void failedMapUpdatesAreInTheResult() throws Exception {
        int files = 10, keys = 4;
        Path dir = Files.createTempDirectory("boxscope-stackrun");
        Process child = Gate.child("for i in $(seq " + files + "); do : > " + dir + "/f$i; done");
        try {
            String source = "tracepoint:syscalls:sys_enter_openat /pid == " + child.pid() + "/ { @opens[str(args->filename)] = count(); }";
            StackRun.Result r;
            try (StackRun.Started s = StackRun.load("stackrun-test", source, Path.of("/sys"), null, keys)) {
                s.attach();
                Gate.open(child);
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the shell did not finish");
                assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                r = s.finish(List.of("@opens"));
            }
            assertEquals(keys, r.map("@opens").entries().size(), r.map("@opens")::toString);
            List<Event.MapUpdateFailed> failed = r.failedUpdates();
            assertEquals(files - keys, failed.stream().filter(f -> f.map().equals("@opens")).mapToLong(Event.MapUpdateFailed::count).sum(),
                    failed::toString);
            assertTrue(failed.stream().allMatch(f -> f.full() && f.capacity() == keys), failed::toString);
        } finally {
            child.destroyForcibly();
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
