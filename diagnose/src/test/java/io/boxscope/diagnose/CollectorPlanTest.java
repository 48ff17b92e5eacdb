package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupIo;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.CgroupMembership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which collectors diagnose loads, from the sample before they load (docs/diagnose.md, "Collectors left out"). */
class CollectorPlanTest {
    static final CgroupMembership CG = new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/test")));
    static final Target PROCESS = new Target(Target.Kind.PROCESS, "pid 42 (work)", Optional.empty(), CG, OptionalInt.of(42));
    static final Target CGROUP = new Target(Target.Kind.CGROUP, "/test", Optional.empty(), CG, OptionalInt.empty());

    static Snapshot snap(Optional<CgroupIo> io, TaskSample... tasks) {
        return new Snapshot(0, OptionalLong.of(0), CpuThrottling.NONE, Snapshot.MemorySample.ABSENT, io,
                Snapshot.PressureSet.ABSENT, List.of(tasks), (int) java.util.Arrays.stream(tasks).mapToInt(TaskSample::pid).distinct().count());
    }

    static TaskSample task(int pid, int tid, char state) {
        return new TaskSample(pid, tid, "work", state, 0, 0, 0, state == 'S' ? "do_nanosleep" : "");
    }

    @Test
    void aTargetThatNeverDidBlockIoSkipsTheBlockLatencyCollectorAndSaysWhy() {
        CollectorPlan p = CollectorPlan.of(PROCESS, snap(Optional.empty(), task(42, 42, 'R'), task(42, 43, 'S')), OptionalLong.of(0));
        assertEquals(EnumSet.complementOf(EnumSet.of(Ebpf.Collector.BIOLAT)), EnumSet.copyOf(p.load()));
        String why = p.skipped().get(Ebpf.Collector.BIOLAT);
        assertTrue(why.startsWith("block I/O latency histogram: not loaded"), why);
        assertTrue(why.contains("read_bytes"), why);
        // a few pages of standard output written to a file (write_bytes counts them when dirtied) are not I/O work
        assertFalse(CollectorPlan.of(PROCESS, snap(Optional.empty(), task(42, 42, 'R')), OptionalLong.of(8192)).load()
                .contains(Ebpf.Collector.BIOLAT));
    }

    @Test
    void anyEvidenceOfIoLoadsEveryCollector() {
        // a thread in D, bytes to a device, the cgroup's counters, or not knowing: nothing skipped
        List<CollectorPlan> plans = List.of(
                CollectorPlan.of(PROCESS, snap(Optional.empty(), task(42, 42, 'R'), task(42, 43, 'D')), OptionalLong.of(0)),
                CollectorPlan.of(PROCESS, snap(Optional.empty(), task(42, 42, 'R')), OptionalLong.of(CollectorPlan.QUIET_BYTES)), // one 1 MiB direct write
                CollectorPlan.of(PROCESS, snap(Optional.empty(), task(42, 42, 'R')), OptionalLong.empty()),
                CollectorPlan.of(CGROUP, snap(Optional.of(new CgroupIo(0, 8192, 0, 2)), task(7, 7, 'S')), OptionalLong.of(0)),
                // a cgroup whose I/O counters cannot be read (no io controller delegated): not known, so loaded
                CollectorPlan.of(CGROUP, snap(Optional.empty(), task(7, 7, 'S')), OptionalLong.of(0)),
                // no thread seen (the target exited while diagnose started): no evidence either way
                CollectorPlan.of(PROCESS, snap(Optional.empty()), OptionalLong.of(0)),
                // zero counters of cgroup v1 blkio, which some kernels leave at 0 while the cgroup does I/O: not known
                CollectorPlan.of(CGROUP, snap(Optional.of(CgroupIo.ZERO), task(7, 7, 'S')), OptionalLong.of(0), false));
        for (CollectorPlan p : plans) {
            assertEquals(EnumSet.allOf(Ebpf.Collector.class), EnumSet.copyOf(p.load()), p.toString());
            assertTrue(p.skipped().isEmpty(), p.toString());
        }
        // a process target's cgroup counters are not its own (often the host's root cgroup): they do not keep it
        CollectorPlan p = CollectorPlan.of(PROCESS, snap(Optional.of(new CgroupIo(1 << 30, 1 << 30, 9, 9)), task(42, 42, 'R')),
                OptionalLong.of(0));
        assertFalse(p.load().contains(Ebpf.Collector.BIOLAT));
        // a cgroup with zero counters and idle processes that never did I/O
        assertFalse(CollectorPlan.of(CGROUP, snap(Optional.of(CgroupIo.ZERO), task(7, 7, 'S')), OptionalLong.of(0)).load()
                .contains(Ebpf.Collector.BIOLAT));
    }

    @Test
    void deviceBytesSumsEveryProcessAndAnUnreadableOneIsUnknown(@TempDir Path dir) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        HostPaths paths = new HostPaths(proc, dir.resolve("sys"));
        Files.createDirectories(proc.resolve("7"));
        Files.writeString(proc.resolve("7/io"), io(100, 20));
        Files.createDirectories(proc.resolve("8"));
        Files.writeString(proc.resolve("8/io"), io(0, 3));
        Snapshot s = snap(Optional.empty(), task(7, 7, 'S'), task(7, 9, 'R'), task(8, 8, 'S'));
        assertEquals(OptionalLong.of(123), CollectorPlan.deviceBytes(s, paths));
        // process 10 has no io file (gone, or another user namespace's): not known
        assertEquals(OptionalLong.empty(), CollectorPlan.deviceBytes(snap(Optional.empty(), task(7, 7, 'S'), task(10, 10, 'S')), paths));
        // process 11's file is not proc(5)'s format (ProcIo refuses it): not known either
        Files.createDirectories(proc.resolve("11"));
        Files.writeString(proc.resolve("11/io"), "read_bytes: 0\nwrite_bytes: x\n");
        assertEquals(OptionalLong.empty(), CollectorPlan.deviceBytes(snap(Optional.empty(), task(7, 7, 'S'), task(11, 11, 'S')), paths));
    }

    /**
     * The plan from {@link Sampler#planSample()} (thread states, the cgroup's I/O counters) is the plan from a full
     * {@link Sampler#sample()} of the same files, for a process and a cgroup target, in trees that lead to both
     * decisions: quiet threads and counters (skipped), a thread in D, the cgroup's counters moved, 2 MiB to a device.
     */
    @Test
    void thePlanSampleDecidesAsAFullSampleDid(@TempDir Path dir) throws IOException {
        HostPaths paths = new HostPaths(dir.resolve("proc"), dir.resolve("sys"));
        Path box = Files.createDirectories(paths.cgroupRoot().resolve("box"));
        Files.writeString(paths.cgroupRoot().resolve("cgroup.controllers"), "cpu io memory\n");
        Files.writeString(box.resolve("cgroup.procs"), "4242\n4243\n");
        Target process = new Target(Target.Kind.PROCESS, "pid 4242 (work)", Optional.empty(),
                new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/box"))), OptionalInt.of(4242), OptionalLong.of(1000));
        Target cgroup = new Target(Target.Kind.CGROUP, "/box", Optional.empty(),
                new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/box"))), OptionalInt.empty());
        record Case(String what, char state, String ioStat, long writeBytes) {}
        List<Case> cases = List.of(new Case("quiet", 'S', "", 4096), new Case("a thread in D", 'D', "", 0),
                new Case("the cgroup's counters moved", 'S', "8:0 rbytes=0 wbytes=8192 rios=0 wios=2 dbytes=0 dios=0\n", 0),
                new Case("2 MiB written to a device", 'S', "", 2 << 20));
        java.util.Set<Boolean> outcomes = new java.util.HashSet<>();
        for (Case c : cases) {
            thread(paths, 4242, 4242, 'R');
            thread(paths, 4242, 4244, c.state());
            thread(paths, 4243, 4243, 'S');
            Files.writeString(paths.procRoot().resolve("4242/io"), io(0, c.writeBytes()));
            Files.writeString(paths.procRoot().resolve("4243/io"), io(0, 0));
            Files.writeString(box.resolve("io.stat"), c.ioStat());
            for (Target t : List.of(process, cgroup)) {
                Snapshot full = new Sampler(t, paths).sample();
                Snapshot plan = new Sampler(t, paths).planSample();
                assertEquals(full.tasks().stream().map(x -> x.pid() + "/" + x.tid() + " " + x.state()).toList(),
                        plan.tasks().stream().map(x -> x.pid() + "/" + x.tid() + " " + x.state()).toList(), c.what());
                assertEquals(full.processes(), plan.processes(), c.what());
                assertEquals(t == process ? 1 : 2, plan.processes(), c.what());
                CollectorPlan expected = CollectorPlan.of(t, full, paths);
                CollectorPlan got = CollectorPlan.of(t, plan, paths);
                assertEquals(expected, got, c.what() + ", " + t.label());
                outcomes.add(got.load().contains(Ebpf.Collector.BIOLAT));
            }
        }
        assertEquals(java.util.Set.of(true, false), outcomes, "the cases lead to both decisions");
    }

    /** Thread {@code tid} of process {@code pid} in {@code state}, with the stat and schedstat files a sample reads. */
    static void thread(HostPaths paths, int pid, int tid, char state) throws IOException {
        Path p = paths.procRoot().resolve(Integer.toString(pid));
        Path t = Files.createDirectories(p.resolve("task").resolve(Integer.toString(tid)));
        Files.writeString(p.resolve("stat"), PidReuseTest.stat(pid, "work", 1000));
        Files.writeString(t.resolve("stat"), PidReuseTest.stat(tid, "work", 1000).replace(") S ", ") " + state + " "));
        Files.writeString(t.resolve("schedstat"), "1000 2000 3\n");
        Files.writeString(t.resolve("wchan"), "do_nanosleep");
    }

    /** A /proc/PID/io text as proc(5) lists it (ProcIoTest in proc parses a captured one). */
    static String io(long readBytes, long writeBytes) {
        return "rchar: 5000\nwchar: 4000\nsyscr: 12\nsyscw: 9\nread_bytes: " + readBytes + "\nwrite_bytes: " + writeBytes
                + "\ncancelled_write_bytes: 0\n";
    }

    /**
     * A cgroup path that climbs out of the v2 tree (relative to a private cgroup namespace) cannot say whether the
     * counters are trusted: not trusted, and said (it returned false without a word before 2026-12-06, branch fixdiag).
     */
    @Test
    void countersThatCannotBePlacedAreUntrustedAndSaid(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        Files.createDirectories(paths.cgroupRoot());
        Files.writeString(paths.cgroupRoot().resolve("cgroup.controllers"), "cpu io memory pids\n");
        CgroupMembership climbs = new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/../outside")));
        Target t = new Target(Target.Kind.CGROUP, "/../outside", Optional.empty(), climbs, OptionalInt.empty());
        List<String> notices = new java.util.ArrayList<>();
        assertFalse(CollectorPlan.countersTrusted(t, paths, notices));
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.getFirst().contains("cannot tell") && notices.getFirst().contains("private cgroup namespace"), notices.toString());
        CollectorPlan p = CollectorPlan.of(t, snap(Optional.of(CgroupIo.ZERO), task(7, 7, 'S')), OptionalLong.of(0), false)
                .withNotices(notices);
        assertTrue(p.load().contains(Ebpf.Collector.BIOLAT));
        assertEquals(notices, p.notices());
    }
}
