package io.boxscope.tools.hist;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;

/**
 * Test support: an interval tool running on a thread of its own until {@link #stop}, with its
 * reports collected. {@link #start} returns once every probe is attached, so a workload started
 * after it is seen whole.
 */
public final class Running<R> implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<R> reports = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    private Running(IntervalRun<R> run, ToolTarget target, Schedule schedule) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        thread = Thread.ofPlatform().name("tool-under-test").start(() -> {
            try {
                run.run(Path.of("/sys"), target, schedule, stop::get, new IntervalRun.Listener<>() {
                    @Override
                    public void started(int probes) {
                        started.countDown();
                    }

                    @Override
                    public void report(R report) {
                        reports.add(report);
                    }

                    @Override
                    public void lost(long events) {
                        lost.addAndGet(events);
                    }

                    @Override
                    public void skipped(long n) {
                        skipped.addAndGet(n);
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                started.countDown();
            }
        });
        if (!started.await(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the tool did not attach within 120 s");
        }
        if (failure.get() != null) {
            throw new AssertionError("the tool failed to start", failure.get());
        }
    }

    public static <R> Running<R> start(IntervalRun<R> run, ToolTarget target, Schedule schedule) throws Exception {
        return new Running<>(run, target, schedule);
    }

    public static <R> Running<R> start(IntervalRun<R> run) throws Exception {
        return start(run, ToolTarget.ALL, Schedule.UNTIL_STOPPED);
    }

    /** Stops the tool (as Ctrl-C does) and returns every report, the last one printed at the stop. */
    public List<R> stop() throws Exception {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            throw new AssertionError("the tool did not stop within 60 s");
        }
        if (failure.get() != null) {
            throw new AssertionError("the tool failed", failure.get());
        }
        return List.copyOf(reports);
    }

    public long lost() {
        return lost.get();
    }

    /** Runs of the tool's programs the kernel skipped (another BPF program was running on the CPU). */
    public long skipped() {
        return skipped.get();
    }

    @Override
    public void close() throws Exception {
        if (thread.isAlive()) {
            stop();
        }
    }
}
