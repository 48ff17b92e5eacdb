package io.boxscope.tools.hist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.output.MapDump;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IntervalRun}'s map list: a map that is neither a counting map nor a keyed label (a max() map, a keyless
 * map) is refused when the run starts, before its window opens and before the tool prints its header; it used to
 * pass and make the first interval's label pruning throw after one report was printed.
 */
@KernelTest
class IntervalRunMapsTest {
    private static final String SCRIPT = "tracepoint:syscalls:sys_enter_getppid { @calls[pid] = count(); @most[pid] = max(1);"
            + " @all = 1; @comm[pid] = comm; }";

    @ParameterizedTest
    @ValueSource(strings = {"@most", "@all"})
    void aMapNeitherCountingNorLabelIsRefusedBeforeTheWindowOpens(String wrong) {
        List<String> seen = new ArrayList<>();
        IntervalRun<List<MapDump>> run = new IntervalRun<>(new ToolScript("maps", SCRIPT, 16), List.of(),
                List.of("@calls", "@comm", wrong), (maps, time) -> List.of(maps.apply("@calls")),
                new IntervalRun.Window() {
                    @Override
                    public void opened() {
                        seen.add("opened");
                    }

                    @Override
                    public void closing() {
                        seen.add("closing");
                    }
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.run(Path.of("/sys"), ToolTarget.ALL,
                Schedule.UNTIL_STOPPED, () -> true, new IntervalRun.Listener<>() {
                    @Override
                    public void started(int probes) {
                        seen.add("started");
                    }

                    @Override
                    public void report(List<MapDump> report) {
                        seen.add("report");
                    }

                    @Override
                    public void lost(long events) {
                    }

                    @Override
                    public void skipped(long events) {
                    }
                }));
        assertTrue(e.getMessage().contains(wrong), e.getMessage());
        assertEquals(List.of(), seen, "nothing opened, started or reported");
    }
}
