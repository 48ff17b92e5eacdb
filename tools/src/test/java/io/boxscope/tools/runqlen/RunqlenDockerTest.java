package io.boxscope.tools.runqlen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * runqlen --container X: only samples taken while one of X's tasks is on a CPU count. X runs two busy
 * loops held to the last CPU ({@code --cpuset-cpus}), so every sample kept is on that CPU (none on
 * the others), and -H (the CPU's whole run queue, where both loops always are) sees a queue behind
 * the running loop in nearly all of them.
 */
@DockerTest
class RunqlenDockerTest {
    @Test
    void onlySamplesOfTheContainersTasks() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        int busy = cpus - 1;
        String name = "boxscope-test-runqlen-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        String loop = "while :; do :; done";
        try (Docker.Container c = Docker.start(name, List.of("--cpuset-cpus=" + busy), "sh", "-c", loop + " & " + loop)) {
            ToolTarget target = ToolTarget.resolve(HostPaths.DEFAULT, null, name);
            Runqlen.Options o = new Runqlen.Options(true, false, true, 99);
            List<Runqlen.Report> reports;
            try (Running<Runqlen.Report> r = Running.start(Runqlen.run(o, Path.of("/sys"), false), target, Schedule.UNTIL_STOPPED)) {
                Thread.sleep(2000);
                reports = r.stop();
            }
            long onBusy = 0;
            long queued = 0;
            for (Runqlen.Report rep : reports) {
                for (int cpu = 0; cpu < rep.slots().size(); cpu++) {
                    long[] s = rep.slots().get(cpu);
                    long total = RunqlenKernelTest.total(s);
                    if (cpu == busy) {
                        onBusy += total;
                        queued += total - s[0];
                    } else {
                        assertEquals(0, total, "the container's tasks never run on CPU " + cpu);
                    }
                }
            }
            assertTrue(onBusy >= 20, "the container's loops ran on CPU " + busy + " during 2 s: " + onBusy + " samples");
            assertTrue(queued >= onBusy * 0.9, "its other loop is always queued: " + queued + " of " + onBusy);
        }
    }
}
