package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.cli.Cli;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Every interval tool's JSON report carries {@code split_deletes}, as syscount's summaries do: the idle map keys
 * its reads deleted with lookup then delete (docs/tools.md, "Interval reads"), which text output says on standard
 * error instead.
 */
class IntervalJsonTest {

    /** One report each (interval 1, count 1; funccount -d 1): every line an object with a count of 0 or more, none on stderr. */
    @Test
    @KernelTest
    void everyIntervalToolsJsonReportHasSplitDeletes() {
        for (List<String> args : List.of(List.of("runqlat", "1", "1"), List.of("cpudist", "1", "1"),
                List.of("biolatency", "1", "1"), List.of("bitesize", "1", "1"), List.of("cachestat", "1", "1"),
                List.of("hardirqs", "1", "1"), List.of("softirqs", "1", "1"), List.of("runqlen", "1", "1"),
                List.of("filetop", "1", "1"), List.of("funccount", "-d", "1", "t:syscalls:sys_enter_getpid"))) {
            String[] line = new String[args.size() + 1];
            line[0] = "--json";
            for (int i = 0; i < args.size(); i++) {
                line[i + 1] = args.get(i);
            }
            Cli r = Cli.run(line);
            assertEquals(0, r.code(), args + ": " + r.err());
            List<String> reports = r.out().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, reports.size(), args + ": " + r.out());
            Map<String, Object> o = Json.asObject(Json.parse(reports.get(0)));
            assertTrue(o.get("split_deletes") instanceof Number n && n.longValue() >= 0, args + ": " + reports.get(0));
            assertFalse(r.err().contains("idle map keys"), args + ": the count is in the JSON: " + r.err());
        }
    }

    /** The count is added after the tool's own keys, which keep their order; text is the tool's own. */
    @Test
    void theCountFollowsTheToolsKeys() {
        View<String> tool = new View<>() {
            @Override
            public void text(String r, Terminal t) {
                t.out().print(r);
            }

            @Override
            public Object json(String r) {
                Map<String, Object> o = Json.object();
                o.put("time", r);
                o.put("histograms", List.of());
                return o;
            }
        };
        assertEquals("{\"time\":\"12:00:00\",\"histograms\":[],\"split_deletes\":3}",
                Json.write(IntervalCommand.withSplitDeletes(tool, 3).json("12:00:00")));
    }
}
