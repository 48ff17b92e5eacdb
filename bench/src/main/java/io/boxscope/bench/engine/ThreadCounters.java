package io.boxscope.bench.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import io.boxscope.bench.Histogram;

/**
 * One worker thread's figures. Only the worker writes; the interval reporter reads {@code events}
 * (stored with opaque writes so the JIT cannot keep it in a register) and the histogram racily,
 * which at worst shows an event in the next interval.
 */
final class ThreadCounters {
    private static final VarHandle EVENTS;

    static {
        try {
            EVENTS = MethodHandles.lookup().findVarHandle(ThreadCounters.class, "events", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through EVENTS
    private long events;
    long count;
    long sumNanos;
    long minNanos = Long.MAX_VALUE;
    long maxNanos;
    final long[] hist = new long[Histogram.SIZE];
    // Padding keeps two threads' hot fields off one cache line.
    long p1, p2, p3, p4, p5, p6, p7;

    void record(long nanos) {
        long c = count + 1;
        count = c;
        EVENTS.setOpaque(this, c);
        sumNanos += nanos;
        if (nanos < minNanos) {
            minNanos = nanos;
        }
        if (nanos > maxNanos) {
            maxNanos = nanos;
        }
        hist[Histogram.bucket(nanos)]++;
    }

    /** A copy of the figures, then zero (for --report-checkpoints; the caller holds this object's lock). */
    ThreadCounters takeAndReset() {
        ThreadCounters copy = new ThreadCounters();
        copy.count = count;
        copy.sumNanos = sumNanos;
        copy.minNanos = minNanos;
        copy.maxNanos = maxNanos;
        System.arraycopy(hist, 0, copy.hist, 0, hist.length);
        count = 0;
        EVENTS.setOpaque(this, 0L);
        sumNanos = 0;
        minNanos = Long.MAX_VALUE;
        maxNanos = 0;
        java.util.Arrays.fill(hist, 0);
        return copy;
    }

    long eventsOpaque() {
        return (long) EVENTS.getOpaque(this);
    }
}
