package io.boxscope.diagnose;

import java.util.Optional;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.proc.HostPaths;

/**
 * Samples a target every {@code step} for {@code duration}. Thread states are sampled (as top and
 * the kernel's load average see them), so a state shorter than a step is seen in proportion to
 * the time spent in it; CPU time, waits and I/O are exact counters read at both ends.
 */
public final class Collector {
    private final Sampler sampler;
    private final Target target;
    private final long created = System.nanoTime();
    private boolean cutShort;

    /** Made before the eBPF collectors are loaded: a target gone by the first sample says how long that took. */
    public Collector(Target target, HostPaths paths) {
        this.sampler = new Sampler(target, paths);
        this.target = target;
    }

    /**
     * What the target looks like before the eBPF collectors load, not part of any window: its threads' states and
     * its cgroup's I/O counters, all {@link CollectorPlan} decides from ({@link Sampler#planSample()}; not a full
     * sample, which read CPU, memory, pressure, schedstat and wchan for nothing).
     */
    Snapshot preview() throws IOException {
        return sampler.planSample();
    }

    /** Blocks for {@code duration}; ends early (and says so) when every process of the target is gone. */
    public Window collect(Duration duration, Duration step) throws IOException, InterruptedException {
        return collect(duration, step, null, w -> { });
    }

    /**
     * As {@link #collect(Duration, Duration)}, and every {@code interval} (null: never) hands the
     * snapshots since the previous hand-over (the boundary snapshot shared) to {@code onInterval}:
     * the live view's windows.
     */
    public Window collect(Duration duration, Duration step, Duration interval, java.util.function.Consumer<Window> onInterval)
            throws IOException, InterruptedException {
        return collect(duration, step, interval, onInterval, StopRequest.NEVER);
    }

    /**
     * As above, and ends the window early when {@code stop} asks (after one last sample, so the figures
     * cover the time up to the request); {@link #cutShort()} then says so.
     */
    public Window collect(Duration duration, Duration step, Duration interval, java.util.function.Consumer<Window> onInterval,
            StopRequest stop) throws IOException, InterruptedException {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the window must be longer than zero, not " + duration);
        }
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("the sampling step must be longer than zero, not " + step);
        }
        // the target's files stay open for the window and are read again from their start each sample (Sampler#keepFilesOpen)
        sampler.keepFilesOpen();
        try {
            return window(duration, step, interval, onInterval, stop);
        } finally {
            sampler.closeFiles();
        }
    }

    private Window window(Duration duration, Duration step, Duration interval, java.util.function.Consumer<Window> onInterval,
            StopRequest stop) throws IOException, InterruptedException {
        List<Snapshot> out = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        boolean exited = false;
        out.add(sampler.sample());
        if (target.kind() == Target.Kind.PROCESS && out.getFirst().processes() == 0) {
            // Without this the window would be judged with no thread of the target and its cgroup's
            // figures, which for a process outside containers are the whole host's.
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "%s exited before the window started%s, %.1f s after diagnose began watching for it (loading the "
                            + "eBPF collectors on a busy machine takes that long): nothing of it to diagnose. Diagnose a "
                            + "process that lives longer, or the container or cgroup it runs in, or add --no-ebpf to "
                            + "start sooner", target.label(), reusedNote(), (out.getFirst().monoNs() - created) / 1e9));
        }
        int mark = 0;
        boolean lastBetween = false;
        long next = start + step.toNanos();
        while (next <= end) {
            if (stop.await(next - System.nanoTime())) {
                cutShort = true;
                out.add(sampler.sample());
                lastBetween = false;
                break;
            }
            // Between the window's ends, what is judged only from the two ends is not read again (Sampler
            // .sampleBetween); the live view judges every interval by its ends, so it reads everything.
            boolean between = interval == null && next + step.toNanos() <= end;
            Snapshot s = between ? sampler.sampleBetween() : sampler.sample();
            lastBetween = between;
            out.add(s);
            if (interval != null && s.monoNs() - out.get(mark).monoNs() >= interval.toNanos() - step.toNanos() / 2) {
                onInterval.accept(new Window(out.subList(mark, out.size()), List.of(), 0, false));
                mark = out.size() - 1;
            }
            if (s.processes() == 0 && out.getFirst().processes() > 0) {
                exited = true;
                break;
            }
            next += step.toNanos();
            // A sample taken late (diagnose runs at nice 10: on a machine whose CPUs are all busy it waits for
            // one) does not make up the ticks it missed: their samples would come back to back and stretch
            // the window past its end (at load 20 a 5 s window took 40 s), costing the target CPU time over a
            // span it did not ask about. The next sample is the next tick still ahead; the last is at the end,
            // so the window covers the time asked for (Diagnose says when too few samples were taken).
            long now = System.nanoTime();
            if (next <= now) {
                next += ((now - next) / step.toNanos() + 1) * step.toNanos();
                if (next > end && now < end + step.toNanos() / 2) {
                    next = end;
                }
            }
        }
        if (lastBetween) {
            // the window ended on a sample between (the target exited, or the last tick was missed): its end
            // is read in full, now
            out.set(out.size() - 1, sampler.sample());
        }
        return new Window(out, sampler.problems(), sampler.vanished(), exited);
    }

    /** True when the target's PID was found held by another process (the target exited, the kernel reused its PID). */
    public boolean pidReused() {
        return sampler.pidReused();
    }

    private String reusedNote() {
        return sampler.pidReused() ? " (its PID " + target.pid().orElse(0) + " now belongs to another process, started later)" : "";
    }

    /** True when the last window ended early because a stop was requested. */
    public boolean cutShort() {
        return cutShort;
    }

    /** The files the cgroup's block I/O counters were read from ({@link Sampler#ioCounterFiles()}). */
    String ioCounterFiles() {
        return sampler.ioCounterFiles();
    }

    /** A process target's own I/O over the window ({@link Sampler#processIo()}); empty for other targets. */
    Optional<ProcessIo> processIo() {
        return sampler.processIo();
    }
}
