package io.boxscope.bench.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import io.boxscope.bench.Histogram;

/**
 * Runs a workload the way sysbench 1.0 does: {@code threads} worker threads each loop "check the
 * time and event limits, claim an event, time its execution"; the latency of an event is the time
 * around its execution only (sysbench's sb_event_start/sb_event_stop), and with --rate it also
 * includes the time the event waited in the queue. The time limit is checked before each event, so
 * the last events may end a little after it, as in sysbench.
 */
public final class Engine {
    private final Workload workload;
    private final RunOptions options;
    private final Consumer<Interval> intervals;
    private volatile ThreadCounters[] live = new ThreadCounters[0];
    private volatile long liveStart;
    private volatile Stop current;
    private List<Integer> checkpoints = List.of();
    private Consumer<Checkpoint> checkpointSink = c -> {};
    private volatile long lastCheckpoint;
    private volatile long runEnd;

    /**
     * A --report-checkpoints report: {@code elapsedSeconds} since the run started, and the figures
     * since the previous checkpoint (or the start), whose {@code totalNanos} is that interval.
     */
    public record Checkpoint(double elapsedSeconds, RunResult result) {}

    /**
     * sysbench's MAX_QUEUE_LEN: with --rate, more events than this waiting for a worker means the
     * workers cannot keep up, and the run fails as sysbench's does.
     */
    public static final int MAX_QUEUE = 131072;

    /** With --rate, the queue of events reached {@link #MAX_QUEUE}: the workers cannot keep up. */
    public static final class EventQueueFullException extends IllegalStateException {
        EventQueueFullException() {
            super("The event queue is full. This means the worker threads are unable to keep up with the specified "
                    + "event generation rate");
        }
    }

    public Engine(Workload workload, RunOptions options, Consumer<Interval> intervals) {
        this.workload = workload;
        this.options = options;
        this.intervals = intervals == null ? i -> {} : intervals;
    }

    /** Events completed so far in the current (measured or warm-up) run, for a progress display. */
    public long eventsSoFar() {
        long e = 0;
        for (ThreadCounters c : live) {
            e += c.eventsOpaque();
        }
        return e;
    }

    /** Seconds since the current run started. */
    public double elapsedSeconds() {
        long s = liveStart;
        return s == 0 ? 0 : (System.nanoTime() - s) / 1e9;
    }

    /**
     * Asks the current run to end: each worker stops before its next event (one in the middle of an
     * event finishes it). For sysbench's --forced-shutdown.
     */
    public void stop() {
        Stop s = current;
        if (s != null) {
            s.stopped = true;
        }
    }

    /**
     * sysbench's --report-checkpoints: at each of these seconds after the measured run starts, the
     * figures so far go to {@code sink} and every counter starts over, so the final result covers
     * the time since the last checkpoint ({@link #sinceLastCheckpointNanos}). While checkpoints are
     * set, each worker updates its counters under its own lock (uncontended but for the checkpoint).
     */
    public void checkpoints(List<Integer> seconds, Consumer<Checkpoint> sink) {
        this.checkpoints = List.copyOf(seconds);
        this.checkpointSink = sink;
    }

    /** After a run with checkpoints: nanoseconds from the last checkpoint (or the start) to the end. */
    public long sinceLastCheckpointNanos() {
        return runEnd - lastCheckpoint;
    }

    /** Warms up (if asked), then runs and measures. */
    public RunResult run() throws IOException, InterruptedException {
        if (options.warmupSeconds() > 0) {
            once(new RunOptions(options.threads(), options.warmupSeconds(), 0, options.rate(), 0,
                    options.percentile(), false, 0), false);
            workload.reset();
        }
        return once(options, true);
    }

    private RunResult once(RunOptions o, boolean report) throws IOException, InterruptedException {
        int n = o.threads();
        ThreadCounters[] counters = new ThreadCounters[n];
        Worker[] workers = new Worker[n];
        for (int i = 0; i < n; i++) {
            counters[i] = new ThreadCounters();
            workers[i] = workload.worker(i);
        }
        long timeNs = (long) (o.timeSeconds() * 1e9);
        AtomicLong tickets = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Stop stop = new Stop();
        current = stop;
        RateSource rate = o.rate() > 0 ? new RateSource(o.rate(), stop, failure) : null;
        AtomicInteger busy = new AtomicInteger();
        long[] startHolder = new long[1];
        Thread[] threads = new Thread[n];
        boolean locked = report && !checkpoints.isEmpty();
        for (int i = 0; i < n; i++) {
            final int id = i;
            threads[i] = Thread.ofPlatform().name("bench-" + workload.name() + "-" + i).unstarted(() -> {
                try {
                    go.await();
                    long start = startHolder[0];
                    long deadline = timeNs > 0 ? start + timeNs : Long.MAX_VALUE;
                    if (rate == null) {
                        loop(workers[id], counters[id], deadline, o.events(), tickets, stop, locked);
                    } else {
                        rateLoop(workers[id], counters[id], deadline, o.events(), tickets, stop, rate, busy, locked);
                    }
                    workers[id].done();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    stop.stopped = true;
                }
            });
            threads[i].start();
        }
        live = counters;
        long start = System.nanoTime();
        startHolder[0] = start;
        liveStart = start;
        lastCheckpoint = start;
        go.countDown();
        Thread checkpointer = locked ? Thread.ofPlatform().daemon().name("bench-checkpoints")
                .start(() -> checkpointLoop(counters, start, o, stop)) : null;
        if (rate != null) {
            rate.start(start, timeNs > 0 ? start + timeNs : Long.MAX_VALUE);
        }
        List<Interval> reported = new ArrayList<>();
        try {
            if (report && o.reportInterval() > 0) {
                reportWhileRunning(threads, counters, start, o, rate, busy, reported);
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            stop.stopped = true;
            for (Thread t : threads) {
                t.join();
            }
            throw e;
        } finally {
            stop.stopped = true;
            if (rate != null) {
                rate.thread.interrupt();
            }
        }
        long end = System.nanoTime();
        if (checkpointer != null) {
            checkpointer.interrupt();
            checkpointer.join();
        }
        runEnd = end;
        liveStart = 0;
        Throwable t = failure.get();
        if (t != null) {
            switch (t) {
                case IOException io -> throw io;
                case UncheckedIOException u -> throw u.getCause();
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(t);
            }
        }
        return result(counters, o, end - start, List.copyOf(reported), workload.counters());
    }

    /** The threads' figures summed into one result covering {@code nanos}. */
    private RunResult result(ThreadCounters[] counters, RunOptions o, long nanos, List<Interval> reported, long[] workloadCounters) {
        int n = counters.length;
        long[] ev = new long[n];
        long[] ns = new long[n];
        long min = Long.MAX_VALUE;
        long max = 0;
        Histogram h = new Histogram();
        for (int i = 0; i < n; i++) {
            ev[i] = counters[i].count;
            ns[i] = counters[i].sumNanos;
            min = Math.min(min, counters[i].minNanos);
            max = Math.max(max, counters[i].maxNanos);
            h.addAll(counters[i].hist);
        }
        return new RunResult(workload.name(), o, nanos, ev, ns, min == Long.MAX_VALUE ? 0 : min, max, h, reported,
                workload.counterNames(), workloadCounters);
    }

    static final class Stop {
        volatile boolean stopped;
    }

    /** Sleeps to each checkpoint, then hands the figures since the last one to the sink and starts them over. */
    private void checkpointLoop(ThreadCounters[] counters, long start, RunOptions o, Stop stop) {
        for (int seconds : checkpoints) {
            long at = start + seconds * 1_000_000_000L;
            long wait = at - System.nanoTime();
            if (wait <= 0) {
                continue; // sysbench skips a checkpoint whose time has passed
            }
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            if (stop.stopped) {
                return;
            }
            ThreadCounters[] taken = new ThreadCounters[counters.length];
            for (int i = 0; i < counters.length; i++) {
                synchronized (counters[i]) {
                    taken[i] = counters[i].takeAndReset();
                }
            }
            long[] cs = workload.takeCounters();
            long now = System.nanoTime();
            RunResult r = result(taken, o, now - lastCheckpoint, List.of(), cs);
            lastCheckpoint = now;
            checkpointSink.accept(new Checkpoint((now - start) / 1e9, r));
        }
    }

    private static void loop(Worker w, ThreadCounters c, long deadline, long maxEvents, AtomicLong tickets, Stop stop,
            boolean locked) throws IOException {
        long now = System.nanoTime();
        while (now - deadline < 0 && !stop.stopped) {
            if (maxEvents > 0 && tickets.getAndIncrement() >= maxEvents) {
                break;
            }
            if (!w.next()) {
                break;
            }
            long t0 = System.nanoTime();
            w.execute();
            now = System.nanoTime();
            if (locked) {
                synchronized (c) {
                    c.record(now - t0);
                }
            } else {
                c.record(now - t0);
            }
        }
    }

    private static void rateLoop(Worker w, ThreadCounters c, long deadline, long maxEvents, AtomicLong tickets,
            Stop stop, RateSource rate, AtomicInteger busy, boolean locked) throws IOException, InterruptedException {
        while (!stop.stopped) {
            Long arrival = rate.queue.poll(10, TimeUnit.MILLISECONDS);
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            if (arrival == null) {
                continue;
            }
            if (maxEvents > 0 && tickets.getAndIncrement() >= maxEvents) {
                break;
            }
            if (!w.next()) {
                break;
            }
            busy.incrementAndGet();
            w.execute();
            busy.decrementAndGet();
            if (locked) {
                synchronized (c) {
                    c.record(System.nanoTime() - arrival);
                }
            } else {
                c.record(System.nanoTime() - arrival);
            }
        }
    }

    /** sysbench's event generator for --rate: exponentially distributed arrivals into a queue. */
    static final class RateSource implements Runnable {
        final LinkedBlockingQueue<Long> queue = new LinkedBlockingQueue<>();
        final double rate;
        final Stop stop;
        final AtomicReference<Throwable> failure;
        Thread thread;
        long start;
        long deadline;

        RateSource(double rate, Stop stop, AtomicReference<Throwable> failure) {
            this.rate = rate;
            this.stop = stop;
            this.failure = failure;
        }

        void start(long start, long deadline) {
            this.start = start;
            this.deadline = deadline;
            thread = Thread.ofPlatform().daemon().name("bench-rate").start(this);
        }

        @Override
        public void run() {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom();
            long next = start;
            while (!stop.stopped) {
                next += (long) (-Math.log(1 - rnd.nextDouble()) / rate * 1e9);
                if (next - deadline >= 0) {
                    return;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.size() >= MAX_QUEUE) {
                    failure.compareAndSet(null, new EventQueueFullException());
                    stop.stopped = true;
                    return;
                }
                queue.add(next);
            }
        }
    }

    private void reportWhileRunning(Thread[] threads, ThreadCounters[] counters, long start, RunOptions o,
            RateSource rate, AtomicInteger busy, List<Interval> out) throws InterruptedException {
        long step = (long) (o.reportInterval() * 1e9);
        long lastT = start;
        long lastEvents = 0;
        long[] lastHist = new long[Histogram.SIZE];
        long[] lastCounters = workload.counters();
        long next = start + step;
        while (true) {
            long wait = next - System.nanoTime();
            boolean finished = true;
            for (Thread t : threads) {
                if (wait > 0) {
                    t.join(Math.max(1, wait / 1_000_000));
                    wait = next - System.nanoTime();
                }
                if (t.isAlive()) {
                    finished = false;
                }
            }
            if (finished) {
                return;
            }
            if (System.nanoTime() - next < 0) {
                continue;
            }
            long now = System.nanoTime();
            long events = 0;
            long[] hist = new long[Histogram.SIZE];
            for (ThreadCounters c : counters) {
                events += c.eventsOpaque();
                for (int i = 0; i < hist.length; i++) {
                    hist[i] += c.hist[i];
                }
            }
            long[] diff = new long[Histogram.SIZE];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = Math.max(0, hist[i] - lastHist[i]);
            }
            long[] cs = workload.counters();
            long[] dc = new long[cs.length];
            for (int i = 0; i < cs.length; i++) {
                dc[i] = cs[i] - (i < lastCounters.length ? lastCounters[i] : 0);
            }
            double pct = o.percentile() == 0 ? 0 : Histogram.of(diff).percentile(o.percentile());
            Interval iv = new Interval((now - start) / 1e9, (now - lastT) / 1e9, threads.length, events - lastEvents,
                    pct, dc, rate == null ? 0 : rate.queue.size(), rate == null ? 0 : busy.get());
            out.add(iv);
            intervals.accept(iv);
            lastT = now;
            lastEvents = events;
            lastHist = hist;
            lastCounters = cs;
            next += step;
        }
    }
}
