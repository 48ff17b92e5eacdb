package io.boxscope.tools.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import io.boxscope.probe.output.Event;
import io.boxscope.tools.hist.IntervalRun;

/**
 * Test support shared by {@link Harness} (an {@link EventTool}) and {@code hist.Running} (an
 * {@code IntervalRun}): a tool running on a thread of its own, as a command runs on its main thread,
 * ended through the same stop flag as Ctrl-C; what the listener says besides the tool's own records
 * (attached, lost records, skipped runs, failed map updates) is kept here. A subclass starts the
 * thread with {@link #begin} and gives the tool a {@link #listener} that hands it the tool's records.
 */
public abstract class ToolThread implements AutoCloseable {
    /** The tool's run on the thread: returns why it ended. */
    @FunctionalInterface
    protected interface Body {
        ToolSession.End run() throws Exception;
    }

    /** Work a test runs at a point of the tool's start ({@link #atHeader}). */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Step atHeader = () -> {};
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final List<Event.MapUpdateFailed> failedUpdates = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<ToolSession.End> end = new AtomicReference<>();
    private Thread thread;

    /**
     * Runs {@code step} on the tool's thread when every probe is attached, inside {@link EventTool.Listener#started}
     * (where the command prints its header): before {@code EventTool.started} seeds the tool's maps from /proc and
     * before any record is read. A workload run here races the seeding and always wins it (a process older than
     * tracing that execs or exits before it is seeded). Set before {@link #begin}; a failure of the step ends the
     * run with it.
     */
    protected final void atHeader(Step step) {
        this.atHeader = step;
    }

    /** Starts {@code body} on a platform thread called {@code name}. */
    protected final void begin(String name, Body body) {
        thread = Thread.ofPlatform().name(name).start(() -> {
            try {
                end.set(body.run());
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                started.countDown();
            }
        });
    }

    /**
     * The listener of either kind of tool: its records (events or interval reports) go to {@code records},
     * everything else to this thread's counters. The two listener interfaces declare the same calls
     * besides the records, so one class serves both.
     */
    protected final <R> Listener<R> listener(Consumer<R> records) {
        return new Listener<>(records);
    }

    /** See {@link #listener}. */
    protected final class Listener<R> implements EventTool.Listener<R>, IntervalRun.Listener<R> {
        private final Consumer<R> records;

        private Listener(Consumer<R> records) {
            this.records = records;
        }

        @Override
        public void started(int probes) {
            try {
                atHeader.run();
            } catch (Exception e) {
                throw new IllegalStateException("the test's step at the header failed", e);
            } finally {
                ToolThread.this.started.countDown();
            }
        }

        @Override
        public void event(R event) {
            records.accept(event);
        }

        @Override
        public void report(R report) {
            records.accept(report);
        }

        @Override
        public void lost(long n) {
            ToolThread.this.lost.addAndGet(n);
        }

        @Override
        public void phase(String step) {
            // start-up timings (BOXSCOPE_DEBUG): nothing a test counts
        }

        @Override
        public void skipped(long n) {
            ToolThread.this.skipped.addAndGet(n);
        }

        @Override
        public void mapUpdatesFailed(Event.MapUpdateFailed f) {
            synchronized (failedUpdates) {
                failedUpdates.add(f);
            }
        }
    }

    /** The stop flag the tool polls (Ctrl-C's). */
    protected final boolean stopRequested() {
        return stop.get();
    }





    /** Waits until every probe is attached; fails with the tool's own error if it could not start. */
    public void awaitStarted() throws Exception {
        if (!started.await(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the tool did not attach within 120 s");
        }
        rethrow();
    }

    /** Asks the tool to stop (as Ctrl-C does) and waits for it to detach. */
    protected final void stopAndJoin() throws Exception {
        stop.set(true);
        join();
    }

    /** Waits for the tool to end (by itself, or after {@link #stopAndJoin}); fails with its error. */
    protected final void join() throws Exception {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            throw new AssertionError("the tool did not stop within 60 s");
        }
        rethrow();
    }

    /** Why the run ended (null while it runs). */
    public ToolSession.End end() {
        return end.get();
    }

    /** Ring-buffer records the tool lost. */
    public long lost() {
        return lost.get();
    }

    /** Runs of the tool's programs the kernel skipped (another BPF program was running on the CPU). */
    public long skipped() {
        return skipped.get();
    }

    /** The failed map updates the runtime reported, in order. */
    public List<Event.MapUpdateFailed> failedUpdates() {
        synchronized (failedUpdates) {
            return List.copyOf(failedUpdates);
        }
    }

    /** Failed updates of the script's map {@code name} ({@code "@name"}) reported so far, every place summed. */
    public long failedUpdates(String name) {
        return failedUpdates().stream().filter(f -> f.map().equals(name)).mapToLong(Event.MapUpdateFailed::count).sum();
    }

    protected final void rethrow() throws Exception {
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
