package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Kallsyms;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StackRun.Started#finish} reads back only the maps the caller shows: a script that keeps kernel stacks in a
 * map no tool shows (offcputime's and diagnose's {@code @kst}, here {@code @kst} filled on every switch of the test's
 * own workload and never deleted) does not have them decoded and named at the end. kallsyms comes from a proc root
 * of the test's own that shows every address as 0 (testkit's Kallsyms), so every kernel frame decoded is counted as
 * unnamed: the oracle that {@code @kst} was not decoded is that nothing was counted by the finish, and that decoding
 * it afterwards does count frames (the fixture had some). The shown map read by the finish equals the same map read
 * again by the session: what is shown is unchanged.
 */
@KernelTest
class StackRunShownMapsTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTheShownMapsAreDecoded() throws Exception {
        HostPaths paths = new HostPaths(Kallsyms.hidden(tmp.resolve("proc")), Path.of("/sys"));
        Process w = Workloads.readZeroAndSleep();
        try {
            String source = "tracepoint:sched:sched_switch /args->prev_pid == " + w.pid() + "/ {"
                    + " @kst[args->prev_pid] = kstack; @switches[args->prev_pid] = count(); }";
            try (StackRun.Started s = StackRun.load("stackrun-shown-test", source, paths, null)) {
                s.attach();
                Thread.sleep(1500);
                assertTrue(w.isAlive(), "the workload ended early");
                StackRun.Result r = s.finish(List.of("@switches"));
                assertEquals(List.of("@switches"), r.maps().stream().map(MapDump::name).toList());
                MapDump shown = r.map("@switches");
                assertEquals(1, shown.entries().size(), shown::toString);
                assertTrue(shown.entries().getFirst().value() instanceof MapValue.Count c && c.count() > 0, shown::toString);
                assertEquals(Set.of(), r.unresolvedKernel(), "kernel frames named at finish though no shown map holds a stack");

                List<MapDump> all = s.session().maps();
                MapDump kst = all.stream().filter(m -> m.name().equals("@kst")).findFirst().orElseThrow();
                assertTrue(kst.entries().stream().anyMatch(e -> e.value() instanceof MapValue.Plain p
                        && p.value() instanceof Value.Stack st && !st.frames().isEmpty()), kst::toString);
                assertFalse(s.session().unresolvedKernelAddresses().isEmpty(), "decoding @kst names (here: counts) its frames");
                assertEquals(shown, all.stream().filter(m -> m.name().equals("@switches")).findFirst().orElseThrow(),
                        "the shown map differs from a full read");
            }
        } finally {
            w.destroyForcibly().waitFor();
        }
    }
}
