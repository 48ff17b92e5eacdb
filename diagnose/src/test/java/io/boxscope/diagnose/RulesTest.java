package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupIo;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.cgroup.Pressure;
import org.junit.jupiter.api.Test;

/**
 * The verdict rules on windows whose figures are written out by hand: each case states the
 * snapshots a workload produces (ten one-second steps) and the verdict docs/diagnose.md promises.
 */
class RulesTest {
    static final Target CGROUP = new Target(Target.Kind.CGROUP, "/test", Optional.empty(),
            new CgroupMembership(List.of(new CgroupEntry(0, List.of(), "/test"))), OptionalInt.empty());

    /** One thread's sampled state per step, with schedstat counters advanced by the given ns per step. */
    record Thread(int tid, String states, String wchan, long runPerStep, long waitPerStep, long slicesPerStep) {}

    record Step(long cpuNsPerStep, long periodsPerStep, long throttledPerStep, long memUsage, long memLimit,
            long oomPerStep, double memStallShare, double ioStallShare) {}

    static Window window(Step step, Thread... threads) {
        List<Snapshot> snaps = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            List<TaskSample> tasks = new ArrayList<>();
            for (Thread t : threads) {
                char state = t.states().charAt(i % t.states().length());
                tasks.add(new TaskSample(t.tid(), t.tid(), "t" + t.tid(), state, i * t.runPerStep(), i * t.waitPerStep(),
                        i * t.slicesPerStep(), state == 'S' || state == 'D' ? t.wchan() : ""));
            }
            long us = i * 1_000_000L;
            Snapshot.PressureSet psi = new Snapshot.PressureSet(Pressure.NONE,
                    new Pressure(new Pressure.Line(0, 0, 0, (long) (us * step.memStallShare())), Pressure.Line.ZERO),
                    // One workload thread: whenever it stalls, all of it stalls ("full" = "some").
                    new Pressure(new Pressure.Line(0, 0, 0, (long) (us * step.ioStallShare())),
                            new Pressure.Line(0, 0, 0, (long) (us * step.ioStallShare()))),
                    Snapshot.Scope.CGROUP);
            snaps.add(new Snapshot(i * 1_000_000_000L, OptionalLong.of(i * step.cpuNsPerStep()),
                    new CpuThrottling(i * step.periodsPerStep(), i * step.throttledPerStep(), i * step.throttledPerStep() * 50_000_000L),
                    new Snapshot.MemorySample(true, step.memUsage(), step.memLimit(), step.memUsage(), 0, 0, i * step.oomPerStep(), true),
                    Optional.of(CgroupIo.ZERO), psi, tasks, 1));
        }
        return new Window(snaps, List.of(), 0, false);
    }

    static Verdict judge(Window w, OptionalDouble quota) {
        return Rules.judge(CGROUP, Metrics.of(w, quota, 2), List.of());
    }

    static final long S = 1_000_000_000L;

    @Test
    void busyLoopUnderHalfCpuQuotaIsThrottled() {
        Window w = window(new Step(S / 2, 10, 9, 1 << 20, 128 << 20, 0, 0, 0),
                new Thread(1, "R", "", S / 2, S / 2, 10));
        Verdict v = judge(w, OptionalDouble.of(0.5));
        assertEquals(Verdict.Kind.CPU_THROTTLED, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
        assertTrue(v.summary().contains("90%"), v.summary());
    }

    @Test
    void lightThrottlingIsRuledOut() {
        Window w = window(new Step(S / 2, 10, 1, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "R", "", S / 2, 0, 10));
        Verdict v = judge(w, OptionalDouble.of(2));
        assertEquals(Verdict.Kind.CPU_BOUND, v.kind(), v.toString());
        assertTrue(v.ruledOut().stream().anyMatch(r -> r.contains("throttled in only 10%")), v.ruledOut().toString());
    }

    @Test
    void twoLoopsOnOneCpuAreCpuBoundAndContended() {
        Window w = window(new Step(S, 0, 0, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "R", "", S / 2, S / 2, 100), new Thread(2, "R", "", S / 2, S / 2, 100));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.CPU_BOUND, v.kind());
        assertTrue(v.summary().contains("contended"), v.summary());
    }

    @Test
    void oomKillsMeanMemoryPressureWhateverTheCpuDoes() {
        Window w = window(new Step(S, 0, 0, 60 << 20, 64 << 20, 1, 0, 0),
                new Thread(1, "R", "", S, 0, 10));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.MEMORY_PRESSURE, v.kind());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
        assertTrue(v.evidence().getFirst().startsWith("10 process(es) OOM-killed"), v.evidence().toString());
    }

    @Test
    void workingSetAtTheLimitIsMemoryPressure() {
        Window w = window(new Step(S / 10, 0, 0, 120 << 20, 128 << 20, 0, 0, 0),
                new Thread(1, "S", "hrtimer_nanosleep", S / 10, 0, 10));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.MEMORY_PRESSURE, v.kind());
        assertEquals(Verdict.Confidence.MEDIUM, v.confidence());
    }

    @Test
    void memoryStallsFromPsiAreMemoryPressure() {
        Window w = window(new Step(S / 10, 0, 0, 10 << 20, 0, 0, 0.25, 0),
                new Thread(1, "RD", "folio_wait_bit", S / 10, 0, 10));
        assertEquals(Verdict.Kind.MEMORY_PRESSURE, judge(w, OptionalDouble.empty()).kind());
    }

    @Test
    void threadsMostlyInDAreIoBound() {
        Window w = window(new Step(S / 20, 0, 0, 1 << 20, 0, 0, 0, 0.7),
                new Thread(1, "DDDDR", "", S / 20, 0, 200));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.IO_BOUND, v.kind());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
    }

    /** Sampled mostly running between writes, but the kernel says it was stalled on I/O two thirds of the time. */
    @Test
    void ioPressureFullMakesItIoBoundWhateverTheSamplesSay() {
        Window w = window(new Step(S / 3, 0, 0, 1 << 20, 0, 0, 0, 0.66),
                new Thread(1, "RRRDD", "", S / 3, 0, 50));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.IO_BOUND, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
        assertTrue(v.summary().contains("PSI full"), v.summary());
    }

    @Test
    void aParentWaitingForItsChildDoesNotHideTheChildsIoWait() {
        Window w = window(new Step(S / 20, 0, 0, 1 << 20, 0, 0, 0, 0.5),
                new Thread(1, "S", "do_wait", 0, 0, 100), new Thread(2, "DDR", "", S / 20, 0, 100));
        assertEquals(Verdict.Kind.IO_BOUND, judge(w, OptionalDouble.empty()).kind());
    }

    @Test
    void sleepingBetweenShortBurstsIsSleepBound() {
        Window w = window(new Step(S / 100, 0, 0, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "SSSSSSSSSR", "hrtimer_nanosleep", S / 100, 0, 3));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.LOCK_SLEEP_BOUND, v.kind());
        assertTrue(v.summary().contains("nanosleep"), v.summary());
    }

    /** A shell loop: the parent waits in wait4 while a new `sleep` child, never seen running, sleeps. */
    @Test
    void aShellLoopWhoseChildrenSleepIsSleepBound() {
        List<Snapshot> snaps = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            List<TaskSample> tasks = new ArrayList<>();
            tasks.add(new TaskSample(1, 1, "sh", 'S', i * S / 200, 0, i * 3L, "do_wait"));
            tasks.add(new TaskSample(100 + i / 3, 100 + i / 3, "sleep", 'S', 1_000_000, 0, 1, "hrtimer_nanosleep"));
            snaps.add(new Snapshot(i * S, OptionalLong.of(i * S / 200), CpuThrottling.NONE,
                    new Snapshot.MemorySample(true, 1 << 20, 0, 1 << 20, 0, 0, 0, true), Optional.of(CgroupIo.ZERO),
                    Snapshot.PressureSet.ABSENT, tasks, 2));
        }
        Verdict v = judge(new Window(snaps, List.of(), 0, false), OptionalDouble.empty());
        assertEquals(Verdict.Kind.LOCK_SLEEP_BOUND, v.kind(), v.toString());
        // processes and threads both as seen in the window: the shell and its four children, one thread each (the old
        // code gave the most processes at once, 2, beside 5 threads)
        Metrics m = Metrics.of(new Window(snaps, List.of(), 0, false), OptionalDouble.empty(), 2);
        assertEquals(5, m.threads());
        assertEquals(5, m.processes());
    }

    @Test
    void futexWaitsAreLockBound() {
        Window w = window(new Step(S / 10, 0, 0, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "SSSR", "futex_do_wait", S / 20, 0, 50), new Thread(2, "SSSR", "futex_do_wait", S / 20, 0, 50));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.LOCK_SLEEP_BOUND, v.kind());
        assertTrue(v.summary().contains("futex"), v.summary());
    }

    /** Findings of the in-kernel collectors, written out: a run-queue histogram and off-CPU time by reason. */
    static EbpfFindings traffic(Optional<EbpfFindings.BlockTraffic> t) {
        return new EbpfFindings(Optional.empty(), Optional.empty(), 99, Optional.empty(), java.util.Map.of(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), List.of(), 1, Optional.empty(), Optional.empty(), t, Optional.empty());
    }

    /**
     * Cgroup I/O counters that stayed at 0 while the block collector attributed requests to the target are not a
     * measurement (docs/diagnose.md, "Block I/O bytes"): the collector's figures, said where they came from and why;
     * counters at 0 beside a collector that saw no read or write request, or one that did not run, stay the counters'.
     */
    @Test
    void stillCountersBesideRequestsAreNotAMeasurement() {
        Window w = window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0.5), new Thread(1, "D", "", S / 10, 0, 10));
        Metrics m = Metrics.of(w, OptionalDouble.empty(), 2);
        assertEquals(Metrics.IoSource.CGROUP, m.ioSource());
        Metrics e = m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(0, 400 * 4096, 0, 400))), V1_FILES);
        assertEquals(Metrics.IoSource.EBPF, e.ioSource());
        assertTrue(e.ioKnown());
        assertEquals(40, e.writeOpsPerSecond(), 1e-9); // 400 over the 10 s window
        assertEquals(40 * 4096, e.writeBytesPerSecond(), 1e-6);
        assertTrue(e.ioCounterNotMeasured().orElseThrow().contains("0 read and 400 write requests"), e.ioCounterNotMeasured().toString());
        Verdict v = Rules.judge(CGROUP, e, List.of());
        assertEquals(Verdict.Kind.IO_BOUND, v.kind());
        assertTrue(v.unmeasured().stream().anyMatch(l -> l.startsWith("block I/O bytes (cgroup counters): ")), v.unmeasured().toString());
        assertTrue(v.evidence().stream().anyMatch(l -> l.contains("(the eBPF block I/O collector's requests)")), v.evidence().toString());
        // only flushes (no data) or nothing at all: the counters' zero stands
        assertEquals(m, m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(0, 0, 0, 0))), V1_FILES));
        assertEquals(m, m.withBlockTraffic(traffic(Optional.empty()), V1_FILES));
    }

    /**
     * Each exited command is quoted, so a comm made to look like more entries ({@code x; y x9, 9.00 CPU-s}) stays one
     * (it was joined unquoted before 2026-12-06, branch fixdiag); a quote or backslash in a comm is escaped.
     */
    @Test
    void exitedCommandsAreQuoted() {
        EbpfFindings e = new EbpfFindings(Optional.empty(), Optional.empty(), 99, Optional.empty(), java.util.Map.of(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), List.of(), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(List.of(new EbpfFindings.Exited("x; y x9, 9.00 CPU-s", 2, 30_000_000L),
                        new EbpfFindings.Exited("q\"\\", 1, 10_000_000L))));
        assertEquals("exited processes (eBPF, by command): \"x; y x9, 9.00 CPU-s\" x2, 0.03 CPU-s; \"q\\\"\\\\\" x1, 0.01 CPU-s",
                Rules.exited(e).orElseThrow());
    }

    static final String V1_FILES = "blkio.throttle.io_service_bytes_recursive and blkio.throttle.io_serviced_recursive";

    /**
     * Still counters on a cgroup v2 host are named as the file they came from, io.stat, not as v1's blkio files (the
     * message named blkio whatever the host before 2026-12-06, branch fixdiag).
     */
    @Test
    void stillCountersAreNamedByTheFileTheyCameFrom() {
        Window w = window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0.5), new Thread(1, "D", "", S / 10, 0, 10));
        Metrics m = Metrics.of(w, OptionalDouble.empty(), 2);
        String why = m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(4096, 0, 1, 0))), "io.stat")
                .ioCounterNotMeasured().orElseThrow();
        assertTrue(why.contains("(io.stat)") && !why.contains("blkio"), why);
        String v1 = m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(4096, 0, 1, 0))), V1_FILES)
                .ioCounterNotMeasured().orElseThrow();
        assertTrue(v1.contains("(" + V1_FILES + ")"), v1);
    }

    /**
     * A target without counters of its own (a process) takes the collector's requests only when it saw some: they are the
     * requests the process submitted itself, and a process whose writes go through the page cache submits none (writeback's
     * kernel threads do), so a collector that saw nothing leaves the I/O not measured, not a "0 B/s" (it was 0 B/s,
     * measured, before 2026-12-06, branch fixdiag); requests it did see are the figures, said to be only its own.
     */
    @Test
    void aTargetWithoutCountersIsNotMeasuredAtZeroRequests() {
        Window cg = window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0.5), new Thread(1, "D", "", S / 10, 0, 10));
        List<Snapshot> snaps = cg.snapshots().stream().map(x -> new Snapshot(x.monoNs(), x.cpuUsageNs(), x.throttling(), x.memory(),
                Optional.empty(), x.pressure(), x.tasks(), x.processes())).toList();
        Metrics m = Metrics.of(new Window(snaps, List.of(), 0, false), OptionalDouble.empty(), 2);
        assertEquals(Metrics.IoSource.NONE, m.ioSource());
        assertEquals(m, m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(0, 0, 0, 0))), "none"));
        Metrics e = m.withBlockTraffic(traffic(Optional.of(new EbpfFindings.BlockTraffic(0, 40 * 4096, 0, 40))), "none");
        assertEquals(Metrics.IoSource.EBPF, e.ioSource());
        assertEquals(4, e.writeOpsPerSecond(), 1e-9);
        assertTrue(e.ioCounterNotMeasured().orElseThrow().contains("40 write requests its tasks submitted themselves"),
                e.ioCounterNotMeasured().toString());
    }

    static EbpfFindings findings(long[] runq, java.util.Map<OffCpu, Long> offCpu) {
        return new EbpfFindings(Optional.of(new LatencyHistogram(runq)), Optional.of(List.of(
                new io.boxscope.tools.stacks.StackSample(1, "app", List.of("spin", "main"), List.of(), 90),
                new io.boxscope.tools.stacks.StackSample(1, "app", List.of("[unknown]"), List.of(), 10))), 99,
                Optional.empty(), offCpu, Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of());
    }

    /**
     * Schedstat's share of waiting stays under 20 % (short waits, often), but the runqlat histogram's
     * p99 says a runnable thread sometimes waited 16-32 ms: contended, with the histogram as evidence.
     */
    @Test
    void aLongRunQueueTailMakesItContended() {
        Window w = window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0), new Thread(1, "R", "", S / 2, S / 20, 10));
        long[] runq = new long[20];
        runq[5] = 900; // [8, 16) us
        runq[16] = 100; // [16384, 32768) us: the top 10 % of waits
        Verdict plain = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.CPU_BOUND, plain.kind());
        assertTrue(!plain.summary().contains("contended"), plain.summary());
        Verdict v = Rules.judge(CGROUP, Metrics.of(w, OptionalDouble.empty(), 2), List.of(), findings(runq, java.util.Map.of()));
        assertEquals(Verdict.Kind.CPU_BOUND, v.kind());
        assertTrue(v.summary().contains("contended") && v.summary().contains("p99 < 32 ms"), v.summary());
        assertTrue(v.evidence().stream().anyMatch(e -> e.contains("runqlat") && e.contains("1000 waits")), v.evidence().toString());
        assertTrue(v.evidence().stream().anyMatch(e -> e.contains("spin 90%") && e.contains("[unknown in app] 10%")), v.evidence().toString());
    }

    /**
     * The 10 Hz samples caught the threads in nanosleep more often, but the off-CPU stacks timed every
     * block: most of the time went to futex waits, so the verdict names locks.
     */
    @Test
    void offCpuStacksTellALockFromASleep() {
        Window w = window(new Step(S / 10, 0, 0, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "SSSR", "hrtimer_nanosleep", S / 20, 0, 50), new Thread(2, "SSSR", "hrtimer_nanosleep", S / 20, 0, 50));
        assertTrue(judge(w, OptionalDouble.empty()).summary().contains("nanosleep"));
        Verdict v = Rules.judge(CGROUP, Metrics.of(w, OptionalDouble.empty(), 2), List.of(),
                findings(new long[0], java.util.Map.of(OffCpu.LOCK, 8_000_000L, OffCpu.SLEEP, 1_000_000L)));
        assertEquals(Verdict.Kind.LOCK_SLEEP_BOUND, v.kind());
        assertTrue(v.summary().contains("futex"), v.summary());
        assertTrue(v.evidence().stream().anyMatch(e -> e.contains("8.00 s on locks (futex)")), v.evidence().toString());
    }

    @Test
    void histogramPercentilesAreBucketUpperBounds() {
        long[] b = new long[12];
        b[1] = 1; // zero
        b[2] = 49; // [1, 2)
        b[11] = 50; // [512, 1024)
        LatencyHistogram h = new LatencyHistogram(b);
        assertEquals(100, h.count());
        assertEquals(2, h.percentileUs(0.5));
        assertEquals(1024, h.percentileUs(0.99));
        assertEquals(0, new LatencyHistogram(new long[3]).percentileUs(0.99));
        assertEquals(List.of(1, 11), List.of(h.span()[0], h.span()[1]));
    }

    @Test
    void offCpuReasonsFromKernelStacks() {
        assertEquals(OffCpu.RUNNING, OffCpu.ofStack(List.of("__schedule", "schedule"), 0));
        assertEquals(OffCpu.IO, OffCpu.ofStack(List.of("__schedule", "io_schedule"), 2));
        assertEquals(OffCpu.LOCK, OffCpu.ofStack(List.of("__schedule", "schedule", "futex_do_wait", "__futex_wait"), 1));
        assertEquals(OffCpu.SLEEP, OffCpu.ofStack(List.of("__schedule", "schedule", "do_nanosleep", "hrtimer_nanosleep"), 1));
        assertEquals(OffCpu.WAIT_INPUT, OffCpu.ofStack(List.of("__schedule", "schedule_hrtimeout_range", "ep_poll"), 1));
    }

    @Test
    void aThreadThatNeverRunsIsIdle() {
        Window w = window(new Step(0, 0, 0, 1 << 20, 0, 0, 0, 0), new Thread(1, "S", "hrtimer_nanosleep", 0, 0, 0));
        Verdict v = judge(w, OptionalDouble.empty());
        assertEquals(Verdict.Kind.MOSTLY_IDLE, v.kind());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
    }

    @Test
    void anEventLoopWaitingForInputIsIdle() {
        Window w = window(new Step(S / 1000, 0, 0, 1 << 20, 0, 0, 0, 0),
                new Thread(1, "S", "ep_poll", S / 1000, 0, 2));
        assertEquals(Verdict.Kind.MOSTLY_IDLE, judge(w, OptionalDouble.empty()).kind());
    }

    @Test
    void noThreadSampleAndNoCpuIsIdle() {
        Verdict v = judge(window(new Step(0, 0, 0, 1 << 20, 0, 0, 0, 0)), OptionalDouble.empty());
        assertEquals(Verdict.Kind.MOSTLY_IDLE, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.HIGH, v.confidence());
    }

    @Test
    void allSharesZeroWithCpuUsedIsInsufficientDataNotIoBound() {
        // CPU time was used but no thread of the target was sampled (all shares 0): the fallback used to
        // pick I/O-bound because 0 >= 0.
        Verdict v = judge(window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0)), OptionalDouble.empty());
        assertEquals(Verdict.Kind.INSUFFICIENT_DATA, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.LOW, v.confidence());
        assertTrue(v.summary().contains("0.50 CPUs"), v.summary());
        assertTrue(v.nextCommands().contains("boxscope diagnose /test --sample 20ms"), v.nextCommands().toString());
    }

    @Test
    void nearZeroSharesAreNotABottleneck() {
        // A server using 0.3 CPUs whose one active thread was waiting for input in 10 of 11 samples and in
        // I/O wait in 1 (9 %): the old fallback named I/O-bound.
        Verdict v = server("DSSSSSSSSSS");
        assertEquals(Verdict.Kind.MOSTLY_IDLE, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.LOW, v.confidence());
        // Every sample waiting for input: all three shares exactly 0, not I/O-bound either.
        assertEquals(Verdict.Kind.MOSTLY_IDLE, server("S").kind());
    }

    /**
     * A server using 0.3 CPUs without a limit, its one active thread in {@code states} (one letter per sample,
     * repeated), waiting for input (ep_poll) when asleep.
     */
    static Verdict server(String states) {
        return judge(window(new Step(3 * S / 10, 0, 0, 1 << 20, 0, 0, 0, 0), new Thread(1, states, "ep_poll", 3 * S / 10, 0, 50)),
                OptionalDouble.empty());
    }

    @Test
    void aShareAboveTheFloorIsStillNamedWithLowConfidence() {
        // 2 of 11 samples on a CPU (18 %), the rest waiting for input, 0.3 CPUs: no rule fires, CPU is the largest.
        Verdict v = server("RSSSSRSSSSS");
        assertEquals(Verdict.Kind.CPU_BOUND, v.kind(), v.toString());
        assertEquals(Verdict.Confidence.LOW, v.confidence());
    }

    @Test
    void cpuUsedIsOverTheSnapshotsThatReadTheCounter() {
        // A process target that exits 7 s into a 10 s window: the last snapshots have no CPU counter. Its
        // 0.5 CPUs are the counter's difference over those 7 s, not over 10.
        Window full = window(new Step(S / 2, 0, 0, 1 << 20, 0, 0, 0, 0), new Thread(1, "R", "", S / 2, 0, 10));
        List<Snapshot> snaps = new ArrayList<>();
        for (Snapshot x : full.snapshots()) {
            boolean gone = x.monoNs() > 7 * S;
            snaps.add(new Snapshot(x.monoNs(), gone ? OptionalLong.empty() : x.cpuUsageNs(), x.throttling(), x.memory(),
                    x.io(), x.pressure(), gone ? List.of() : x.tasks(), gone ? 0 : 1));
        }
        Metrics m = Metrics.of(new Window(snaps, List.of(), 0, true), OptionalDouble.empty(), 2);
        assertEquals(0.5, m.cpuCores(), 1e-9);
    }

    @Test
    void everyVerdictSaysWhatWasNotMeasuredAndWhatToRunNext() {
        Window w = window(new Step(S / 2, 10, 9, 1 << 20, 128 << 20, 0, 0, 0), new Thread(1, "R", "", S / 2, S / 2, 10));
        Verdict v = Rules.judge(new Target(Target.Kind.PROCESS, "pid 42 (x)", Optional.empty(), CGROUP.cgroups(), OptionalInt.of(42)),
                Metrics.of(w, OptionalDouble.empty(), 2), List.of("profiles"));
        assertTrue(v.unmeasured().contains("profiles"));
        assertTrue(v.nextCommands().contains("boxscope syscount -p 42 -L"), v.nextCommands().toString());
    }

    @Test
    void metricsFromCounters() {
        Window w = window(new Step(S / 2, 10, 5, 1 << 20, 4 << 20, 0, 0.3, 0.1),
                new Thread(1, "RS", "hrtimer_nanosleep", S / 4, S / 4, 7));
        Metrics m = Metrics.of(w, OptionalDouble.of(1), 2);
        assertEquals(10.0, m.seconds(), 1e-9);
        assertEquals(0.5, m.cpuCores(), 1e-9);
        assertEquals(0.5, m.throttledShare(), 1e-9);
        assertEquals(0.5, m.runWaitShare(), 1e-9);
        assertEquals(7.0, m.wakeupsPerSecond(), 1e-9);
        assertEquals(0.3, m.pressure().memorySome(), 1e-9);
        assertEquals(0.1, m.pressure().ioSome(), 1e-9);
        assertEquals(0.25, m.workingSetOfLimit(), 1e-9);
        // 11 samples alternating R,S,R,...: 6 R and 5 S.
        assertEquals(6 / 11.0, m.stateShare(OffCpu.RUNNING), 1e-9);
        assertEquals(5 / 11.0, m.stateShare(OffCpu.SLEEP), 1e-9);
    }

    @Test
    void cpusetLists() {
        assertEquals(4, Diagnose.cpuCount("0-3"));
        assertEquals(5, Diagnose.cpuCount("0-1,4,8-9\n"));
        assertEquals(0, Diagnose.cpuCount(""));
        assertEquals(0, Diagnose.cpuCount("x-y"));
    }
}
