package io.boxscope.cli.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

@KernelTest
class BpfFeaturesCommandTest {
    @Test
    void listsEveryProbeWithAReasonForEachNo() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = new PrintStream(b, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"--json", "bpf", "features"}, s, s));
        List<Object> rows = Json.asList(Json.parse(b.toString(StandardCharsets.UTF_8)));
        assertTrue(rows.size() > 30);
        boolean tracepoint = false;
        int cookies = 0;
        for (Object o : rows) {
            var r = Json.asObject(o);
            if (Boolean.FALSE.equals(r.get("supported"))) {
                assertTrue(!((String) r.get("reason")).isBlank(), r.toString());
            }
            if ("cookie".equals(r.get("kind"))) {
                cookies++;
            }
            if ("attach".equals(r.get("kind")) && "tracepoint".equals(r.get("name"))) {
                tracepoint = Boolean.TRUE.equals(r.get("supported"));
            }
        }
        assertTrue(tracepoint, "tracepoint attach works on every machine Boxscope supports");
        assertEquals(io.boxscope.bpf.feature.AttachKind.values().length, cookies, "one cookie row per attach kind");
    }
}
