package io.boxscope.tools.execsnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/** execsnoop --container X: the container's execs with their arguments, and none of the host's, interleaved. */
@DockerTest
class ExecsnoopDockerTest {
    @Test
    void onlyTheContainersExecs() throws Exception {
        String name = "boxscope-test-execsnoop-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        String token = "tok" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        int n = 4;
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300")) {
            ToolTarget target = ToolTarget.resolve(HostPaths.DEFAULT, null, name);
            Execsnoop tool = new Execsnoop(Execsnoop.Options.defaults());
            List<ExecEvent> events;
            try (Harness<ExecEvent> h = new Harness<>(tool, target)) {
                h.awaitStarted();
                for (int i = 0; i < n; i++) {
                    new ProcessBuilder("/bin/echo", token, "host" + i).start().waitFor();
                    Docker.run("exec", name, "/bin/echo", token, "container" + i);
                }
                Thread.sleep(300);
                events = h.stop().stream().filter(e -> e.args().contains(token)).toList();
            }
            assertEquals(n, events.size(), events::toString);
            for (int i = 0; i < n; i++) {
                ExecEvent e = events.get(i);
                assertEquals(List.of("/bin/echo", token, "container" + i), e.args());
                assertEquals(0, e.ret());
                assertEquals(name, e.container());
            }
        }
    }
}
