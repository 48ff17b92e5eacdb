package io.boxscope.diagnose;

import io.boxscope.mem.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns {@link Metrics} into a {@link Verdict}. The rules and every threshold are explained in
 * docs/diagnose.md; they are tried in the order of {@link Verdict.Kind}: a memory limit being hit
 * or a CPU quota throttling the target explains the other symptoms (a throttled or reclaiming
 * task is still "running"), so those come first; then whichever of I/O waits, CPU, or chosen
 * sleeps/locks takes the largest share of the active threads' time; else the target is idle.
 */
public final class Rules {
    /** Working set at this share of the limit leaves no headroom: the kernel reclaims and the OOM killer is next. */
    static final double WORKING_SET_FULL = 0.90;
    /** Memory PSI "some" above this share of the window: tasks stalled on memory a tenth of the time. */
    static final double MEMORY_STALL = 0.10;
    /** Throttled in at least this share of the CFS periods in which the cgroup ran. */
    static final double THROTTLED = 0.20;
    /** I/O PSI "full" (cgroup scope) above which the target is I/O-bound whatever the sampled states say. */
    static final double IO_STALL = 0.30;
    /** Share of active threads' samples in a state that makes it the explanation. */
    static final double DOMINANT = 0.30;
    static final double CPU_DOMINANT = 0.50;
    /** Run-queue wait share above which other work competes for the target's CPUs. */
    static final double CONTENDED = 0.20;
    /** Below this CPU use (CPUs) and without active threads a target is idle. */
    static final double IDLE_CPU = 0.05;
    /**
     * The least share of the active samples the "largest share" fallback names as a bottleneck: a third
     * of {@link #DOMINANT}, 10 samples of one thread in the default 10 s window at 10 Hz. Below it the
     * samples show no CPU, I/O or lock/sleep time worth naming.
     */
    static final double NAMED_SHARE = 0.10;

    private Rules() {}

    /** Where the block I/O figures come from, as the text and the report say it. */
    public static String ioSource(Metrics m) {
        return switch (m.ioSource()) {
            case CGROUP -> "the cgroup's I/O counters";
            case EBPF -> "the eBPF block I/O collector's requests";
            case NONE -> "not measured";
        };
    }

    /** How many exited processes of each command the text shows. */
    static final int EXITED_SHOWN = 5;

    /**
     * "exited processes: sh x300 1.25 CPU-s, ..." (the {@link #EXITED_SHOWN} commands with most CPU), empty when the
     * collector did not run or no task of the target exited: the CPU of processes too short-lived for the samples.
     */
    public static Optional<String> exited(EbpfFindings e) {
        List<EbpfFindings.Exited> x = e.exited().orElse(List.of());
        if (x.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        x.stream().limit(EXITED_SHOWN).forEach(p -> parts.add(String.format(Locale.ROOT, "%s x%d, %.2f CPU-s", quoted(p.command()),
                p.processes(), p.cpuNs() / 1e9)));
        long rest = x.size() - Math.min(x.size(), EXITED_SHOWN);
        return Optional.of("exited processes (eBPF, by command): " + String.join("; ", parts)
                + (rest > 0 ? String.format(Locale.ROOT, "; %d more command(s), %.2f CPU-s", rest,
                        x.stream().skip(EXITED_SHOWN).mapToLong(EbpfFindings.Exited::cpuNs).sum() / 1e9) : ""));
    }

    /**
     * A command name in double quotes, its {@code \} and {@code "} escaped with a backslash: a comm is anyone's choice
     * (prctl(2) PR_SET_NAME), and unquoted in a list joined by "; " and ", " one could imitate more entries
     * ({@code "sh x300, 9.00 CPU-s; x"}). Control characters are left to the renderer's escaping.
     */
    static String quoted(String command) {
        return '"' + command.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Run-queue latency p99 (microseconds) at which runnable threads wait about a whole CFS scheduling period. */
    static final long RUNQ_P99_CONTENDED_US = 10_000;
    /** Waits a run-queue histogram needs before its p99 is trusted. */
    static final long RUNQ_MIN_WAITS = 20;

    public static Verdict judge(Target target, Metrics m, List<String> unmeasured) {
        return judge(target, m, unmeasured, EbpfFindings.NONE);
    }

    /** With what the in-kernel collectors measured: they add evidence and sharpen the CPU and lock/sleep verdicts. */
    public static Verdict judge(Target target, Metrics m, List<String> unmeasured, EbpfFindings ebpf) {
        String who = target.label();
        List<String> ruledOut = new ArrayList<>();
        List<String> unmeasuredAll = new ArrayList<>(unmeasured);
        if (m.pressure().scope() == Snapshot.Scope.SYSTEM && inRootCgroup(target)) {
            unmeasuredAll.add("pressure (PSI) of the target's own cgroup: it is in the root cgroup, whose pressure is the "
                    + "whole system's; the system's is shown (not judged)");
        } else if (m.pressure().scope() == Snapshot.Scope.SYSTEM) {
            unmeasuredAll.add("pressure (PSI) of the target's own cgroup: it has no v2 pressure files, so the system's is shown");
        } else if (m.pressure().scope() == Snapshot.Scope.NONE) {
            unmeasuredAll.add("pressure (PSI): the kernel does not report it (CONFIG_PSI, or psi=0 on the command line)");
        }
        if (!m.memoryKnown()) {
            unmeasuredAll.add("memory: no cgroup memory controller for the target");
        }
        if (m.ioCounterNotMeasured().isPresent()) {
            unmeasuredAll.add("block I/O bytes (cgroup counters): " + m.ioCounterNotMeasured().get()
                    + (m.ioSource() == Metrics.IoSource.EBPF ? "; the figures shown are the eBPF collector's requests" : ""));
        } else if (!m.ioKnown()) {
            unmeasuredAll.add("block I/O bytes: no io.stat or blkio files for the target's cgroup");
        } else if (m.ioSource() == Metrics.IoSource.CGROUP && m.readOpsPerSecond() == 0 && m.writeOpsPerSecond() == 0 && m.pressure().ioSome() > 0
                && m.pressure().scope() == Snapshot.Scope.CGROUP) {
            unmeasuredAll.add("block I/O bytes: the cgroup's I/O counters did not move although its tasks stalled on I/O "
                    + "(cgroup v1 blkio.throttle.* counters stay at 0 on some kernels); I/O wait comes from thread states and PSI");
        }

        // 1. Memory.
        List<String> memEvidence = new ArrayList<>();
        Verdict.Confidence memConf = null;
        if (m.oomKills() > 0) {
            memEvidence.add(m.oomKills() + " process(es) OOM-killed in the window");
            memConf = Verdict.Confidence.HIGH;
        }
        if (m.memoryLimitBytes() > 0 && m.workingSetOfLimit() >= WORKING_SET_FULL) {
            memEvidence.add(String.format(Locale.ROOT, "working set %s is %.0f%% of the %s limit",
                    Units.bytes(m.workingSetBytes()), 100 * m.workingSetOfLimit(), Units.bytes(m.memoryLimitBytes())));
            memConf = stronger(memConf, m.workingSetOfLimit() >= 0.97 ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM);
        }
        if (m.pressure().scope() == Snapshot.Scope.CGROUP && m.pressure().memorySome() >= MEMORY_STALL) {
            memEvidence.add(String.format(Locale.ROOT, "its tasks stalled on memory %.0f%% of the window (PSI some)",
                    100 * m.pressure().memorySome()));
            memConf = stronger(memConf, m.pressure().memorySome() >= 2 * MEMORY_STALL ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM);
        }
        if (memConf != null) {
            if (m.majorFaultsPerSecond() >= 1) {
                memEvidence.add(String.format(Locale.ROOT, "%.0f major page faults/s (pages read back from disk)", m.majorFaultsPerSecond()));
            }
            return verdict(Verdict.Kind.MEMORY_PRESSURE, memConf,
                    who + " is short of memory: " + memEvidence.getFirst() + ".", memEvidence, ruledOut, unmeasuredAll, target);
        }
        ruledOut.add(memoryRuledOut(m));

        // 2. CPU quota.
        if (m.cpuQuota().isPresent() && m.throttledShare() >= THROTTLED) {
            List<String> ev = new ArrayList<>();
            ev.add(String.format(Locale.ROOT, "throttled in %.0f%% of its CPU periods, %.2f s in total over %.1f s",
                    100 * m.throttledShare(), m.throttledSeconds(), m.seconds()));
            ev.add(String.format(Locale.ROOT, "used %.2f CPUs of its %.2f CPU limit", m.cpuCores(), m.cpuQuota().getAsDouble()));
            runQueue(ebpf).ifPresent(ev::add);
            onCpu(ebpf).ifPresent(ev::add);
            return verdict(Verdict.Kind.CPU_THROTTLED,
                    m.throttledShare() >= 2 * THROTTLED ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM,
                    String.format(Locale.ROOT, "%s is held back by its CPU limit: throttled in %.0f%% of scheduling periods "
                            + "(limit %.2f CPUs).", who, 100 * m.throttledShare(), m.cpuQuota().getAsDouble()),
                    ev, ruledOut, unmeasuredAll, target);
        }
        ruledOut.add(m.cpuQuota().isPresent()
                ? String.format(Locale.ROOT, "CPU limit: throttled in only %.0f%% of periods (limit %.2f CPUs)",
                        100 * m.throttledShare(), m.cpuQuota().getAsDouble())
                : "CPU limit: none set, so nothing throttles it");

        // 3. Whichever state dominates the active threads' time.
        double io = m.stateShare(OffCpu.IO);
        double cpu = m.stateShare(OffCpu.RUNNING);
        double chosen = m.stateShare(OffCpu.LOCK) + m.stateShare(OffCpu.SLEEP);
        // The kernel's own measure beats 10 Hz sampling: PSI "full" is the share of the window in which
        // every runnable task of the cgroup was stalled on I/O (a short-lived process sampled in R
        // between its writes does not hide that).
        boolean ioPsi = m.pressure().scope() == Snapshot.Scope.CGROUP && m.pressure().ioFull() >= IO_STALL;
        String states = String.format(Locale.ROOT,
                "its %d active thread(s) were on or waiting for a CPU %.0f%%, in I/O wait %.0f%%, on locks %.0f%%, "
                        + "sleeping %.0f%%, waiting for input %.0f%% of the samples",
                m.activeThreads(), 100 * cpu, 100 * io, 100 * m.stateShare(OffCpu.LOCK), 100 * m.stateShare(OffCpu.SLEEP),
                100 * m.stateShare(OffCpu.WAIT_INPUT));
        boolean ioSampled = io >= DOMINANT && io >= cpu && io >= chosen;
        if (ioSampled || ioPsi) {
            List<String> ev = new ArrayList<>(List.of(states));
            if (m.ioKnown()) {
                ev.add(String.format(Locale.ROOT, "block I/O: %s/s read (%.0f ops/s), %s/s written (%.0f ops/s) (%s)",
                        Units.bytes((long) m.readBytesPerSecond()), m.readOpsPerSecond(), Units.bytes((long) m.writeBytesPerSecond()),
                        m.writeOpsPerSecond(), ioSource(m)));
            }
            ev.add(String.format(Locale.ROOT, "I/O pressure (%s): some %.0f%%, full %.0f%%", scope(m),
                    100 * m.pressure().ioSome(), 100 * m.pressure().ioFull()));
            ebpf.blockIo().filter(h -> h.count() > 0).ifPresent(h -> ev.add(String.format(Locale.ROOT,
                    "block I/O latency of its requests (biolatency): p50 < %s, p99 < %s over %d I/Os",
                    us(h.percentileUs(0.5)), us(h.percentileUs(0.99)), h.count())));
            topFile(ebpf).ifPresent(ev::add);
            offCpu(ebpf).ifPresent(ev::add);
            boolean high = io >= 2 * DOMINANT || m.pressure().ioFull() >= 2 * IO_STALL;
            String summary = !ioSampled
                    ? String.format(Locale.ROOT, "%s mostly waits for I/O: all its tasks were stalled on I/O %.0f%% of the "
                            + "window (PSI full).", who, 100 * m.pressure().ioFull())
                    : String.format(Locale.ROOT, "%s mostly waits for I/O: its active threads were in uninterruptible "
                            + "I/O wait in %.0f%% of the samples.", who, 100 * io);
            return verdict(Verdict.Kind.IO_BOUND, high ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM,
                    summary, ev, ruledOut, unmeasuredAll, target);
        }
        // State R is on a CPU or waiting for one: both are demand for CPU. A thread that is mostly R but
        // uses little CPU time is starved by other work (run-queue wait), which is the contended case.
        if (cpu >= CPU_DOMINANT && cpu >= chosen && (m.cpuCores() >= 0.1 || m.runWaitShare() >= CONTENDED)) {
            List<String> ev = new ArrayList<>(List.of(states));
            ev.add(String.format(Locale.ROOT, "used %.2f CPUs of the %d it may run on", m.cpuCores(), m.cpusAvailable()));
            ev.add(String.format(Locale.ROOT, "waited for a CPU %.0f%% of the time it was runnable (schedstat run delay)",
                    100 * m.runWaitShare()));
            if (!m.topCommsByCpu().isEmpty()) {
                ev.add("CPU by command: " + topComms(m));
            }
            exited(ebpf).ifPresent(ev::add);
            runQueue(ebpf).ifPresent(ev::add);
            onCpu(ebpf).ifPresent(ev::add);
            boolean runqContended = ebpf.runQueue().filter(h -> h.count() >= RUNQ_MIN_WAITS
                    && h.percentileUs(0.99) > RUNQ_P99_CONTENDED_US).isPresent();
            boolean contended = m.runWaitShare() >= CONTENDED || runqContended;
            String summary = contended
                    ? String.format(Locale.ROOT, "%s is CPU-bound and contended: its active threads were on or waiting for a "
                            + "CPU in %.0f%% of the samples and waited %.0f%% of the time they were runnable%s: other work "
                            + "competes for its CPUs.",
                            who, 100 * cpu, 100 * m.runWaitShare(), ebpf.runQueue().filter(h -> h.count() > 0)
                                    .map(h -> ", run-queue latency p99 < " + us(h.percentileUs(0.99))).orElse(""))
                    : String.format(Locale.ROOT, "%s is CPU-bound: its active threads were on a CPU in %.0f%% of the samples, "
                            + "using %.2f CPUs.", who, 100 * cpu, m.cpuCores());
            return verdict(Verdict.Kind.CPU_BOUND, cpu >= 0.8 ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM,
                    summary, ev, ruledOut, unmeasuredAll, target);
        }
        ruledOut.add(String.format(Locale.ROOT, "I/O: active threads in I/O wait in %.0f%% of the samples, I/O pressure %.0f%% (%s)",
                100 * io, 100 * m.pressure().ioSome(), scope(m)));
        ruledOut.add(String.format(Locale.ROOT, "CPU: on a CPU in %.0f%% of the samples, %.2f CPUs used", 100 * cpu, m.cpuCores()));

        if (m.activeThreads() > 0 && chosen >= CPU_DOMINANT) {
            // Off-CPU stacks time every block exactly; the 10 Hz samples only estimate it. Where they were
            // measured, they tell a lock from a chosen sleep.
            long lockUs = ebpf.offCpuByReason().getOrDefault(OffCpu.LOCK, 0L);
            long sleepUs = ebpf.offCpuByReason().getOrDefault(OffCpu.SLEEP, 0L);
            boolean lock = lockUs + sleepUs > 0 ? lockUs >= sleepUs : m.stateShare(OffCpu.LOCK) >= m.stateShare(OffCpu.SLEEP);
            String why = lock ? "waiting on locks or condition variables (futex)" : "sleeping by its own choice (nanosleep)";
            List<String> ev = new ArrayList<>(List.of(states,
                    String.format(Locale.ROOT, "%.1f wake-ups/s, %.2f CPUs used", m.wakeupsPerSecond(), m.cpuCores())));
            offCpu(ebpf).ifPresent(ev::add);
            return verdict(Verdict.Kind.LOCK_SLEEP_BOUND, chosen >= 0.8 ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM,
                    String.format(Locale.ROOT, "%s is off the CPU but not on I/O: its active threads spent %.0f%% of the "
                            + "samples %s.", who, 100 * chosen, why),
                    ev, ruledOut, unmeasuredAll, target);
        }
        if (m.cpuCores() < IDLE_CPU && (m.activeThreads() == 0 || cpu + io < 0.2)) {
            String detail = m.activeThreads() == 0 ? "none of its threads ran during the window"
                    : String.format(Locale.ROOT, "%.1f wake-ups/s, mostly waiting for input", m.wakeupsPerSecond());
            return verdict(Verdict.Kind.MOSTLY_IDLE, m.activeThreads() == 0 ? Verdict.Confidence.HIGH : Verdict.Confidence.MEDIUM,
                    String.format(Locale.ROOT, "%s is mostly idle: %.3f CPUs used; %s.", who, m.cpuCores(), detail),
                    List.of(states), ruledOut, unmeasuredAll, target);
        }
        if (m.stateShare().values().stream().mapToDouble(Double::doubleValue).sum() == 0) {
            // Not one sample of an active thread, yet the idle rule did not hold (CPU time was used): there
            // is no evidence to name a bottleneck from, nor to call it idle.
            List<String> ev = new ArrayList<>(List.of(states));
            exited(ebpf).ifPresent(ev::add);
            onCpu(ebpf).ifPresent(ev::add);
            return verdict(Verdict.Kind.INSUFFICIENT_DATA, Verdict.Confidence.LOW,
                    String.format(Locale.ROOT, "%s cannot be judged: it used %.2f CPUs, but no active thread of it was seen in the %d "
                            + "samples (processes shorter-lived than the sampling step, or threads that were not visible).",
                            who, m.cpuCores(), m.samples()),
                    ev, ruledOut, unmeasuredAll, target);
        }
        if (Math.max(io, Math.max(cpu, chosen)) < NAMED_SHARE) {
            // Its active threads were almost always waiting for input or in other waits: it waits for work.
            return verdict(Verdict.Kind.MOSTLY_IDLE, Verdict.Confidence.LOW,
                    String.format(Locale.ROOT, "%s is mostly waiting: its active threads were on a CPU, in I/O wait or on "
                            + "locks/sleeps in under %.0f%% of the samples each (waiting for input %.0f%%); %.2f CPUs used.",
                            who, 100 * NAMED_SHARE, 100 * m.stateShare(OffCpu.WAIT_INPUT), m.cpuCores()),
                    List.of(states), ruledOut, unmeasuredAll, target);
        }
        // Nothing crossed a threshold: name the largest share, with low confidence.
        Verdict.Kind kind = io >= cpu && io >= chosen ? Verdict.Kind.IO_BOUND
                : cpu >= chosen ? Verdict.Kind.CPU_BOUND : Verdict.Kind.LOCK_SLEEP_BOUND;
        return verdict(kind, Verdict.Confidence.LOW,
                String.format(Locale.ROOT, "%s shows no dominant bottleneck; the largest share of its active time is %s.",
                        who, kind.text()),
                List.of(states), ruledOut, unmeasuredAll, target);
    }

    /** "run-queue latency (runqlat): p50 < 8 us, p99 < 4 ms over 1234 waits", when measured. */
    static java.util.Optional<String> runQueue(EbpfFindings e) {
        return e.runQueue().filter(h -> h.count() > 0).map(h -> String.format(Locale.ROOT,
                "run-queue latency of its threads (runqlat): p50 < %s, p99 < %s over %d waits",
                us(h.percentileUs(0.5)), us(h.percentileUs(0.99)), h.count()));
    }

    /** "on-CPU (profile, 99 Hz): spin 81%, memcpy 6%", the functions that were running, when measured. */
    static java.util.Optional<String> onCpu(EbpfFindings e) {
        long total = e.onCpuSamples();
        if (total == 0) {
            return java.util.Optional.empty();
        }
        List<String> parts = e.topFunctions(3).stream()
                .map(f -> String.format(Locale.ROOT, "%s %.0f%%", f.name(), 100.0 * f.samples() / total)).toList();
        return java.util.Optional.of(String.format(Locale.ROOT, "on-CPU functions (profile, %d samples at %d Hz): %s",
                total, e.onCpuHz(), String.join(", ", parts)));
    }

    /** "off-CPU time (offcputime): 4.1 s on locks (futex), 0.2 s sleeping, ...", when measured. */
    static java.util.Optional<String> offCpu(EbpfFindings e) {
        if (e.offCpuUs() == 0) {
            return java.util.Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        e.offCpuByReason().entrySet().stream().sorted(java.util.Map.Entry.<OffCpu, Long>comparingByValue().reversed())
                .forEach(x -> parts.add(String.format(Locale.ROOT, "%.2f s %s", x.getValue() / 1e6, reasonText(x.getKey()))));
        return java.util.Optional.of("off-CPU time of its threads (offcputime): " + String.join(", ", parts));
    }

    /** How a reason reads in a sentence (the report's labels too). */
    public static String reasonText(OffCpu r) {
        return switch (r) {
            case RUNNING -> "preempted (waiting for a CPU)";
            case IO -> "in I/O wait";
            case LOCK -> "on locks (futex)";
            case SLEEP -> "sleeping (nanosleep)";
            case WAIT_INPUT -> "waiting for input (poll, read)";
            case CHILD -> "waiting for a child";
            case OTHER -> "other waits";
            case GONE -> "exiting";
        };
    }

    /** The file it spent most time on, when measured. */
    static java.util.Optional<String> topFile(EbpfFindings e) {
        return e.files().filter(l -> !l.isEmpty()).map(List::getFirst).map(f -> String.format(Locale.ROOT,
                "most file time: %s (%.2f s in read/write/fsync, %s moved, %d fsync)", f.path(), f.totalNs() / 1e9,
                Units.bytes(f.bytes()), f.syncs()));
    }

    /** Microseconds as a short duration: 840 us, 65 ms, 1.2 s. */
    public static String us(long us) {
        if (us >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f s", us / 1e6);
        }
        if (us >= 1_000) {
            return String.format(Locale.ROOT, "%d ms", us / 1_000);
        }
        return us + " us";
    }

    private static Verdict verdict(Verdict.Kind kind, Verdict.Confidence c, String summary, List<String> evidence,
            List<String> ruledOut, List<String> unmeasured, Target t) {
        return new Verdict(kind, c, summary, evidence, ruledOut, unmeasured, NextSteps.of(kind, t));
    }

    private static String memoryRuledOut(Metrics m) {
        if (!m.memoryKnown()) {
            return "memory: not measured (no memory controller)";
        }
        String limit = m.memoryLimitBytes() > 0
                ? String.format(Locale.ROOT, "working set %s, %.0f%% of the %s limit", Units.bytes(m.workingSetBytes()),
                        100 * m.workingSetOfLimit(), Units.bytes(m.memoryLimitBytes()))
                : "working set " + Units.bytes(m.workingSetBytes()) + ", no limit";
        return String.format(Locale.ROOT, "memory: %s, %s OOM kills, memory pressure %.0f%% (%s)", limit,
                m.oomKills() < 0 ? "unknown" : Long.toString(m.oomKills()), 100 * m.pressure().memorySome(), scope(m));
    }

    /** In the root of the v2 hierarchy (a process outside containers and services on many hosts). */
    static boolean inRootCgroup(Target target) {
        return target.cgroups().unifiedPath().map(p -> p.isEmpty() || p.equals("/")).orElse(false);
    }

    private static String scope(Metrics m) {
        return switch (m.pressure().scope()) {
            case CGROUP -> "its cgroup";
            case SYSTEM -> "whole system";
            case NONE -> "not reported";
        };
    }

    private static String topComms(Metrics m) {
        List<String> parts = new ArrayList<>();
        m.topCommsByCpu().forEach((comm, cores) -> parts.add(String.format(Locale.ROOT, "%s %.2f", comm, cores)));
        return String.join(", ", parts);
    }

    private static Verdict.Confidence stronger(Verdict.Confidence a, Verdict.Confidence b) {
        return a == null || b.ordinal() < a.ordinal() ? b : a;
    }

}
