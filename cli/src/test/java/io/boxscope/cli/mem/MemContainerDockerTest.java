package io.boxscope.cli.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

@DockerTest
class MemContainerDockerTest {
    @Test
    void containerViewAndTopByContainer() throws Exception {
        try (Docker.Container c = Docker.start("boxscope-test-mem-cli", List.of("-m", "200m"),
                "sh", "-c", "x=$(head -c 52428800 /dev/zero | tr '\\0' a); sleep 300; echo ${#x}")) {
            Map<String, Object> j = Map.of();
            for (int i = 0; i < 100; i++) {
                j = Json.asObject(Json.parse(MemCommandTest.run("--json", "mem", "container", c.name()).out()));
                if (((Number) Json.asObject(j.get("processes")).get("uss_kb")).longValue() >= 50 * 1024) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(((Number) Json.asObject(j.get("processes")).get("uss_kb")).longValue() >= 50 * 1024, j.toString());
            MemCommandTest.Result text = MemCommandTest.run("mem", "container", c.name());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("docker stats") && text.out().contains("Why the numbers differ"), text.out());
            MemCommandTest.Result top = MemCommandTest.run("mem", "top", "--container", c.name());
            assertEquals(0, top.code(), top.err());
            assertTrue(top.out().contains("sh -c") && top.out().contains(c.name()), top.out());
        }
    }
}
