package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 *
 * <p>Why this test used to be flaky. (1) It used a fixed container name, and Docker.start removes
 * a container of that name first: a run in another worktree on the same dockerd replaced this
 * run's container, whose lookup by name then found the other run's, mid-fill (reproduced by
 * replacing the container during a run). Now the name carries this JVM's PID. (2) While the string
 * is being built the container has four processes (sh, the substitution's subshell, head, tr)
 * and its anonymous memory climbs, peaks above 60 MiB (the pipe's data, the growing buffer and the
 * variable's copy) and settles at about 50 MiB. The old wait, "anon >= 50 MiB and at least 2
 * processes", did not exclude stopping in that phase with the usage still moving (sampled every
 * few ms on the development host it only held once settled, but nothing in it guarantees that).
 * Now the test waits for a well-defined state: the container's processes are exactly the shell
 * and its sleep (forked only once the string is assigned and the subshell reaped), both asleep,
 * and the cgroup's figures unchanged across two reads 100 ms apart. In that state nothing in the
 * container allocates, so the comparisons below can be exact.
 *
 * <p>Every expected value comes from an oracle independent of the code under test, named at each
 * assertion: the workload's known 50 MiB, the cgroup files and /proc files read by this test with
 * plain string handling, and {@code docker stats}.
 */
@DockerTest
class ContainerMemoryDockerTest {
    static final long MIB = 1 << 20;
    static final long LIMIT = 256 * MIB;
    static final long WORKLOAD = 50 * MIB;
    /** Above the string: busybox's own heap, stacks and page tables are well under 10 MiB. */
    static final long WORKLOAD_CEILING = 60 * MIB;

    /** The memory cgroup's figures as the test reads them itself: the oracle for CgroupMemory. */
    record Raw(long usage, long anon, long inactiveFile, long limit) {}

    static Raw raw(Path dir, boolean v1) throws IOException {
        String stat = Files.readString(dir.resolve("memory.stat"));
        String usageFile = v1 ? "memory.usage_in_bytes" : "memory.current";
        String limitFile = v1 ? "memory.limit_in_bytes" : "memory.max";
        return new Raw(Long.parseLong(Files.readString(dir.resolve(usageFile)).strip()),
                statValue(stat, v1 ? "total_rss" : "anon"),
                statValue(stat, v1 ? "total_inactive_file" : "inactive_file"),
                Long.parseLong(Files.readString(dir.resolve(limitFile)).strip()));
    }

    /** The value of the line "KEY VALUE" of memory.stat (plain string search, not CgroupMemory's parser). */
    static long statValue(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + " ")) {
                return Long.parseLong(line.substring(key.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + key + " in memory.stat:\n" + text);
    }

    /** A "Key:   N kB" line of /proc/PID/status, in bytes. */
    static long statusBytes(int pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).replace("kB", "").strip()) * 1024;
            }
        }
        throw new AssertionError("no " + key + " in /proc/" + pid + "/status");
    }

    static String comm(int pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
    }

    /** Field 3 (state) and field 4 (ppid) of /proc/PID/stat. */
    static String[] stateAndParent(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new String[] {f[0], f[1]};
    }

    /** The PIDs in cgroup.procs, read by the test. */
    static Set<Integer> procs(Path dir) throws IOException {
        Set<Integer> out = new TreeSet<>();
        for (String l : Files.readAllLines(dir.resolve("cgroup.procs"))) {
            if (!l.isBlank()) {
                out.add(Integer.parseInt(l.strip()));
            }
        }
        return out;
    }

    /**
     * Waits until the container holds exactly the shell (its init, PID from docker inspect) and one
     * sleep child, both in state S, and the cgroup's figures are the same in two reads 100 ms apart.
     * Returns the sleep's PID.
     */
    static int waitForSteadyState(int shell, Path dir, boolean v1) throws Exception {
        String last = "";
        Raw previous = null;
        for (int i = 0; i < 100; i++) {
            Set<Integer> pids = procs(dir);
            List<String> seen = new ArrayList<>();
            int sleep = -1;
            boolean asleep = pids.size() == 2 && pids.contains(shell);
            try {
                for (int pid : pids) {
                    String[] sp = stateAndParent(pid);
                    seen.add(pid + ":" + comm(pid) + ":" + sp[0]);
                    asleep &= sp[0].equals("S");
                    if (pid != shell && comm(pid).equals("sleep") && Integer.parseInt(sp[1]) == shell) {
                        sleep = pid;
                    }
                }
            } catch (IOException e) {
                asleep = false; // head or tr exited between cgroup.procs and /proc/PID
            }
            Raw now = raw(dir, v1);
            last = seen + " " + now;
            if (asleep && sleep > 0 && now.equals(previous)) {
                return sleep;
            }
            previous = asleep && sleep > 0 ? now : null;
            Thread.sleep(100);
        }
        throw new AssertionError("the container did not settle to sh + sleep with steady memory in 10 s: " + last);
    }

    @Test
    void fiftyMegabytesOfAnonymousMemory() throws Exception {
        // A name of this run's own: Docker.start removes any container of the same name first, so
        // a fixed name let two runs at once (several worktrees share this dockerd) remove or
        // replace each other's container, and the lookup by name then found the other run's
        // container mid-fill. --memory-swap equal to -m: no swap, so the 50 MiB stay resident.
        String name = "boxscope-test-mem-anon-" + ProcessHandle.current().pid();
        try (Docker.Container c = Docker.start(name, List.of("-m", "256m", "--memory-swap", "256m"),
                "sh", "-c", "x=$(head -c 52428800 /dev/zero | tr '\\0' a); sleep 300; echo ${#x}")) {
            int shell = c.pid();
            Path dir = io.boxscope.testkit.CgroupFiles.memoryDir(shell);
            boolean v1 = Files.exists(dir.resolve("memory.usage_in_bytes"));
            int sleep = waitForSteadyState(shell, dir, v1);

            HostPaths paths = HostPaths.DEFAULT;
            CgroupFs fs = new CgroupFs(paths);
            ContainerInfo info = null;
            CgroupMemory cg = null;
            MemTop.Scan scan = null;
            Raw raw = null;
            // Read the oracle before and after the code under test; a change in between (the kernel
            // may drain a per-CPU charge cache at any time) means read all three again.
            for (int attempt = 0; attempt < 20; attempt++) {
                Raw before = raw(dir, v1);
                info = ContainerDiscovery.find(ContainerDiscovery.of(paths).scan(), c.name());
                cg = CgroupMemory.read(fs, info.cgroups()).orElseThrow();
                scan = MemTop.scan(new ProcMemReader(paths), info.pids(), 2);
                Raw after = raw(dir, v1);
                if (before.equals(after)) {
                    raw = after;
                    break;
                }
            }
            assertTrue(raw != null, "the cgroup's figures kept changing");

            // Oracle: /proc/PID/cgroup and /proc/mounts, parsed here.
            assertEquals(dir, cg.dir());
            assertEquals(v1 ? CgroupMemory.Version.V1 : CgroupMemory.Version.V2, cg.version());
            // Oracle: cgroup.procs, docker inspect's State.Pid and the sleep's parent in /proc/PID/stat.
            assertEquals(Set.of(shell, sleep), new TreeSet<>(info.pids()));
            // Oracle: `docker run -m 256m`, and the limit file read here.
            assertEquals(LIMIT, raw.limit());
            assertEquals(LIMIT, cg.limit().orElseThrow());
            // Oracle: the files read here, in a steady state bracketing our read: exact.
            assertEquals(raw.usage(), cg.usage(), "usage is the cgroup's usage file");
            assertEquals(raw.anon(), cg.anon(), "anon is memory.stat " + (v1 ? "total_rss" : "anon"));
            // Oracle: the workload holds 50 MiB of 'a's (plus busybox's own small heap and stacks).
            assertTrue(raw.anon() >= WORKLOAD && raw.anon() < WORKLOAD_CEILING, "cgroup anonymous memory: " + raw.anon());
            // Oracle: docker/cli's formula (usage minus inactive file) applied here to the files read here.
            long dockerFormula = raw.inactiveFile() < raw.usage() ? raw.usage() - raw.inactiveFile() : raw.usage();
            assertEquals(dockerFormula, cg.dockerStatsUsage());

            // Oracle: /proc/SHELL/status, read here. The kernel's RSS counters and the page-table
            // walk of smaps_rollup count the same pages; older kernels' per-CPU counter caches
            // could leave the status figure up to 64 pages per CPU behind, hence the 1 MiB.
            ProcessMemory sh = scan.processes().stream().filter(p -> p.pid() == shell).findFirst().orElseThrow();
            long rssAnon = statusBytes(shell, "RssAnon");
            assertTrue(rssAnon >= WORKLOAD && rssAnon < WORKLOAD_CEILING, "the shell's RssAnon " + rssAnon);
            long shAnon = sh.rollup().get("Anonymous") * 1024;
            assertTrue(Math.abs(shAnon - rssAnon) <= MIB, "smaps_rollup Anonymous " + shAnon + " vs status RssAnon " + rssAnon);
            assertEquals(statusBytes(shell, "VmRSS"), sh.rss() * 1024, MIB, "smaps_rollup Rss vs status VmRSS");
            // The string is the shell's alone (sleep was exec'd, so it shares no anonymous page):
            // every anonymous page is in its USS.
            assertTrue(sh.uss() * 1024 >= rssAnon - MIB, "the shell holds the string privately: USS " + sh.uss() + " kB, RssAnon " + rssAnon);

            // The scan places each process in its container from the same pass (its cgroup file);
            // oracle: the container's id from docker run.
            for (ProcessMemory m : scan.processes()) {
                assertEquals(c.id(), m.container().id(), m.command());
            }
            assertEquals(c.name(), MemTop.containerNames(scan).get(info.ref().id()));
            assertEquals(c.name(), MemTop.containerLabel(sh.container(), MemTop.containerNames(scan)));

            ContainerMemoryReport rep = ContainerMemoryReport.of(cg, scan);
            // Oracle: memory.stat read here. Both count the anonymous pages of the same two
            // processes; the cgroup also holds anonymous pages of processes that exited (head, tr,
            // the subshell) while the kernel frees them, which the steady state has waited out.
            long procAnon = rep.processKb().anonymous() * 1024;
            assertTrue(Math.abs(procAnon - raw.anon()) <= MIB, "processes' anonymous " + procAnon + " vs cgroup " + raw.anon());
            assertTrue(rep.reasons().get(1).contains("they agree"), rep.reasons().get(1));
            // Oracle: the workload. PSS adds the shell's and sleep's shares of busybox's text.
            long pss = rep.processKb().pss() * 1024;
            assertTrue(pss >= WORKLOAD && pss < WORKLOAD_CEILING, "processes' PSS " + pss);
            // Oracle: the files read here: (usage - inactive file) / limit.
            double share = (double) Math.max(0, raw.usage() - raw.inactiveFile()) / raw.limit();
            assertEquals(share, rep.workingSetShare(), 1e-12);
            assertTrue(!rep.nearOom(), "share " + rep.workingSetShare());

            // Oracle: docker stats itself (daemon reads the cgroup, the CLI subtracts inactive file).
            // It prints 4 significant digits (0.01 MiB here), and the usage may move by the per-CPU
            // charge caches the kernel drains whenever other cgroups allocate: 64 pages per CPU.
            String stats = Docker.run("stats", "--no-stream", "--format", "{{.MemUsage}}", c.id()).strip();
            double mib = Double.parseDouble(stats.substring(0, stats.indexOf("MiB")));
            double tolerance = 0.01 + cpus() * 64 * 4096 / (double) MIB;
            assertEquals(cg.dockerStatsUsage() / (double) MIB, mib, tolerance, stats + " vs " + cg.dockerStatsUsage());
        }
    }

    /** CPUs the kernel may run on (each can hold a charge cache), from /sys/devices/system/cpu/possible. */
    static int cpus() throws IOException {
        int n = 0;
        for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip().split(",")) {
            String[] ab = range.split("-");
            n += ab.length == 1 ? 1 : Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1;
        }
        return n;
    }
}
