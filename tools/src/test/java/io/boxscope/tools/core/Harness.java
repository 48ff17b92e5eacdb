package io.boxscope.tools.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an {@link EventTool} on a thread of its own, as a command does on its main thread: the test
 * waits for {@link #awaitStarted} (every probe attached), runs its workload, then {@link #stop}s and
 * reads the events. The tool ends through the same stop flag as Ctrl-C.
 */
public final class Harness<E> implements AutoCloseable {
    private final List<E> events = new ArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<ToolSession.End> end = new AtomicReference<>();
    private final Thread thread;

    public Harness(EventTool<E> tool, ToolTarget target, Schedule schedule) {
        thread = new Thread(() -> {
            try {
                end.set(tool.run(Path.of("/sys"), target, schedule, stop::get, new EventTool.Listener<>() {
                    @Override
                    public void started(int probes) {
                        started.countDown();
                    }

                    @Override
                    public void event(E event) {
                        synchronized (events) {
                            events.add(event);
                        }
                    }

                    @Override
                    public void lost(long n) {
                        lost.addAndGet(n);
                    }

                    @Override
                    public void skipped(long n) {
                        skipped.addAndGet(n);
                    }
                }));
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                started.countDown();
            }
        }, "tool");
        thread.start();
    }

    public Harness(EventTool<E> tool, ToolTarget target) {
        this(tool, target, Schedule.UNTIL_STOPPED);
    }

    /** Waits until every probe is attached; fails with the tool's own error if it could not start. */
    public void awaitStarted() throws Exception {
        if (!started.await(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the tool did not start within 120 s");
        }
        rethrow();
    }

    /** Asks the tool to stop (as Ctrl-C does), waits for it to detach, and returns every event. */
    public List<E> stop() throws Exception {
        stop.set(true);
        return await();
    }

    /** Waits for the tool to end by itself (a -d duration). */
    public List<E> await() throws Exception {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            throw new AssertionError("the tool did not stop within 60 s");
        }
        rethrow();
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public ToolSession.End end() {
        return end.get();
    }

    public long lost() {
        return lost.get();
    }

    /** Runs of the tool's programs the kernel skipped (another BPF program was running on the CPU). */
    public long skipped() {
        return skipped.get();
    }

    private void rethrow() throws Exception {
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
