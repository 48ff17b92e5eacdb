package io.boxscope.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.stats.Summary;
import io.boxscope.bench.workload.CpuWorkload;
import io.boxscope.proc.HostPaths;
import org.junit.jupiter.api.Test;

/** --runs N: N runs of a fixed number of events, each reported to the listener, summarised over all. */
class BenchSessionTest {
    @Test
    void threeRunsOfFiftyEvents() throws Exception {
        RunOptions o = new RunOptions(1, 0, 50, 0, 0, 95, false, 0);
        List<String> seen = new ArrayList<>();
        BenchSession.Result r;
        try (CpuWorkload w = new CpuWorkload(2000)) {
            r = BenchSession.run("test", w, o, Environment.capture(HostPaths.DEFAULT), HostPaths.DEFAULT, 3,
                    new BenchSession.Listener() {
                        @Override
                        public void starting(int index, int count, Engine engine) {
                            seen.add("start " + index + "/" + count);
                        }

                        @Override
                        public void stopped(Engine engine) {
                            seen.add("stop");
                        }

                        @Override
                        public void finished(int index, BenchDocument.Run run) {
                            seen.add("done " + index + " " + run.result().events());
                        }
                    });
        }
        assertEquals(List.of("start 0/3", "stop", "done 0 50", "start 1/3", "stop", "done 1 50", "start 2/3", "stop", "done 2 50"), seen);
        assertEquals(3, r.runs().size());
        Map<String, Summary> s = r.summaries();
        assertEquals(3, s.get("events").n());
        assertEquals(50.0, s.get("events").mean());
        assertEquals(0.0, s.get("events").stddev());
        assertTrue(s.containsKey("events_per_second") && s.containsKey("latency_p95_ms"), s.keySet().toString());
        Map<String, Object> doc = r.document();
        assertEquals(BenchDocument.FORMAT, doc.get("format"));
        assertEquals(3, ((List<?>) doc.get("runs")).size());
        assertThrows(IllegalArgumentException.class, () -> BenchSession.run("test", new CpuWorkload(10), o,
                Environment.capture(HostPaths.DEFAULT), HostPaths.DEFAULT, 0, new BenchSession.Listener() {}));
    }
}
