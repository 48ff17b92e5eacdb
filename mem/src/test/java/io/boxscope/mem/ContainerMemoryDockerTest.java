package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import io.boxscope.mem.cgroup.CgroupMemory;
import io.boxscope.mem.cgroup.ContainerMemoryReport;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/**
 * A busybox container whose shell holds a 50 MiB string: command substitution reads it into the
 * shell's heap, so it is anonymous memory charged to the container's cgroup (rss on v1, anon on v2)
 * and private to the shell (its USS). "sleep; echo" keeps the shell alive: as the last command,
 * sleep would replace it (exec) and the string would be gone.
 */
@DockerTest
class ContainerMemoryDockerTest {
    static final long MIB = 1 << 20;

    @Test
    void fiftyMegabytesOfAnonymousMemory() throws Exception {
        try (Docker.Container c = Docker.start("boxscope-test-mem-anon", List.of("-m", "256m"),
                "sh", "-c", "x=$(head -c 52428800 /dev/zero | tr '\\0' a); sleep 300; echo ${#x}")) {
            HostPaths paths = HostPaths.DEFAULT;
            CgroupFs fs = new CgroupFs(paths);
            ContainerInfo info = null;
            CgroupMemory cg = null;
            for (int i = 0; i < 100; i++) {
                info = ContainerDiscovery.find(ContainerDiscovery.of(paths).scan(), c.name());
                cg = CgroupMemory.read(fs, info.cgroups()).orElseThrow();
                if (cg.anon() >= 50 * MIB && info.pids().size() >= 2) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(cg.anon() >= 50 * MIB && cg.anon() < 80 * MIB, "cgroup anonymous memory: " + cg.anon());
            assertEquals(256 * MIB, cg.limit().orElseThrow());
            // Our usage is the cgroup file's: read it again right after.
            String file = cg.version() == CgroupMemory.Version.V1 ? "memory.usage_in_bytes" : "memory.current";
            long direct = Long.parseLong(Files.readString(cg.dir().resolve(file)).strip());
            assertTrue(Math.abs(direct - cg.usage()) < 2 * MIB, direct + " vs " + cg.usage());
            String inactiveKey = cg.version() == CgroupMemory.Version.V1 ? "total_inactive_file" : "inactive_file";
            Map<String, Long> stat = CgroupMemory.parseKeyValues(Files.readString(cg.dir().resolve("memory.stat")));
            assertEquals(cg.usage() - stat.get(inactiveKey), cg.dockerStatsUsage());

            MemTop.Scan scan = MemTop.scan(new ProcMemReader(paths), info.pids(), 2);
            ContainerMemoryReport rep = ContainerMemoryReport.of(cg, scan);
            ProcessMemory sh = scan.processes().stream().filter(p -> p.command().startsWith("sh ")).findFirst().orElseThrow();
            assertTrue(sh.uss() >= 50 * 1024, "the shell holds the string privately: USS " + sh.uss());
            // The scan places each process in its container from the same pass (its cgroup file).
            for (ProcessMemory m : scan.processes()) {
                assertEquals(info.ref(), m.container(), m.command());
            }
            assertEquals(c.name(), MemTop.containerNames(scan).get(info.ref().id()));
            assertEquals(c.name(), MemTop.containerLabel(sh.container(), MemTop.containerNames(scan)));
            assertTrue(rep.processKb().anonymous() * 1024 >= 50 * MIB, "processes' anonymous: " + rep.processKb().anonymous());
            assertTrue(rep.processKb().pss() * 1024 >= 50 * MIB && rep.processKb().pss() * 1024 < 80 * MIB);
            assertTrue(rep.reasons().get(1).contains("they agree"), rep.reasons().get(1));
            assertTrue(!rep.nearOom() && rep.workingSetShare() > 0.19 && rep.workingSetShare() < 0.35, "share " + rep.workingSetShare());

            // docker stats prints the same figure (rounded to 0.01 MiB).
            String stats = Docker.run("stats", "--no-stream", "--format", "{{.MemUsage}}", c.id()).strip();
            double mib = Double.parseDouble(stats.substring(0, stats.indexOf("MiB")));
            assertTrue(Math.abs(mib - cg.dockerStatsUsage() / (double) MIB) < 2.0, stats + " vs " + cg.dockerStatsUsage());
        }
    }
}
