package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.Test;

/**
 * {@code diagnose --interval}: one line per interval while the window runs, then the diagnosis; with
 * --json every line is one JSON object (NDJSON). The target is a busy shell this test starts, read
 * from /proc only (--no-ebpf), so the interval lines must see it on a CPU.
 */
class DiagnoseLiveTest {
    @Test
    void printsALinePerIntervalThenTheDiagnosis() throws Exception {
        Process busy = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
        try {
            Cli r = Cli.run("--json", "diagnose", "--no-ebpf", "--duration", "2s", "--interval", "500ms",
                    Long.toString(busy.pid()));
            assertEquals(0, r.code(), r.err() + r.out());
            List<String> lines = r.out().lines().toList();
            // 2 s in 500 ms intervals: 4 live lines (3 when the last falls on the window's end), then the diagnosis.
            assertTrue(lines.size() >= 4 && lines.size() <= 5, r.out());
            for (String l : lines.subList(0, lines.size() - 1)) {
                Map<String, Object> o = Json.asObject(Json.parse(l));
                assertTrue(o.containsKey("verdict") && o.containsKey("t_s"), l);
                assertTrue(((Number) Json.asObject(o.get("state_share")).get("running")).doubleValue() > 0, l);
            }
            Map<String, Object> last = Json.asObject(Json.parse(lines.getLast()));
            assertEquals((long) busy.pid(), Json.asObject(last.get("target")).get("pid"));
            Cli text = Cli.run("diagnose", "--no-ebpf", "--duration", "1s", "--interval", "500ms", Long.toString(busy.pid()));
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("VERDICT (confidence)") && text.out().contains("\nVERDICT     "), text.out());
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }
}
