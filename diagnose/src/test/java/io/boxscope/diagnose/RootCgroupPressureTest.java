package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * The root cgroup's pressure files are the whole system's (kernel/sched/psi.c): a target in the root
 * cgroup gets them labelled "system", said under NOT MEASURED and never judged, while the same figures
 * in a cgroup of its own are the cgroup's and judged. A cgroup v2 tree written here, whose memory
 * pressure total moves by 10 s between two samples: far over the 10 % of rule 1.
 */
class RootCgroupPressureTest {
    /** The three pressure files of a cgroup directory ({@code cpu.pressure}...), or of /proc/pressure ({@code cpu}...). */
    static void psi(Path dir, String suffix, long memoryStallUs) throws IOException {
        Files.createDirectories(dir);
        String none = "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        Files.writeString(dir.resolve("cpu" + suffix), none);
        Files.writeString(dir.resolve("io" + suffix), none);
        Files.writeString(dir.resolve("memory" + suffix), "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + memoryStallUs
                + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }

    /** The same figures in the root cgroup, the child cgroup and /proc/pressure (the kernel's system-wide files). */
    static void psi(HostPaths paths, long memoryStallUs) throws IOException {
        psi(paths.cgroupRoot(), ".pressure", memoryStallUs);
        psi(paths.cgroupRoot().resolve("box"), ".pressure", memoryStallUs);
        psi(paths.procRoot().resolve("pressure"), "", memoryStallUs);
    }

    static Verdict judged(HostPaths paths, Target t) throws IOException {
        Sampler s = new Sampler(t, paths);
        psi(paths, 0);
        Snapshot a = s.sample();
        psi(paths, 10_000_000);
        Snapshot b = s.sample();
        Window w = new Window(List.of(a, b), List.of(), 0, false);
        assertEquals(t.kind() == Target.Kind.PROCESS ? Snapshot.Scope.SYSTEM : Snapshot.Scope.CGROUP, b.pressure().scope());
        return Rules.judge(t, Metrics.of(w, OptionalDouble.empty(), 2), List.of());
    }

    static HostPaths tree(Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        Path cg = paths.cgroupRoot();
        Files.createDirectories(cg.resolve("box"));
        Files.writeString(cg.resolve("cgroup.controllers"), "cpu io memory\n");
        Files.writeString(cg.resolve("cgroup.procs"), PidReuseTest.PID + "\n");
        Files.writeString(cg.resolve("box").resolve("cgroup.procs"), PidReuseTest.PID + "\n");
        PidReuseTest.process(paths.procRoot(), "work", 1000);
        return paths;
    }

    @Test
    void aProcessInTheRootCgroupGetsTheSystemsPressureShownNotJudged(@TempDir Path root) throws IOException {
        HostPaths paths = tree(root);
        Target t = new Target(Target.Kind.PROCESS, "pid 4242 (work)", Optional.empty(),
                new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/"))), OptionalInt.of(PidReuseTest.PID), OptionalLong.of(1000));
        Verdict v = judged(paths, t);
        assertNotEquals(Verdict.Kind.MEMORY_PRESSURE, v.kind(), "the system's memory pressure was blamed on the process: " + v);
        assertTrue(v.unmeasured().stream().anyMatch(u -> u.contains("it is in the root cgroup, whose pressure is the whole system's")),
                v.unmeasured().toString());
    }

    @Test
    void theSameFiguresInACgroupOfItsOwnAreItsOwn(@TempDir Path root) throws IOException {
        HostPaths paths = tree(root);
        Target t = new Target(Target.Kind.CGROUP, "/box", Optional.empty(),
                new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/box"))), OptionalInt.empty());
        Verdict v = judged(paths, t);
        assertEquals(Verdict.Kind.MEMORY_PRESSURE, v.kind(), v.toString());
        assertFalse(v.unmeasured().stream().anyMatch(u -> u.contains("pressure")), v.unmeasured().toString());
    }
}
