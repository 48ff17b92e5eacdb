package io.boxscope.tools.syscount;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * syscount's session: wakes every second on a fixed schedule (no drift), hands a {@link Summary}
 * to the caller every {@code interval} seconds, stops after {@code duration} seconds or when the
 * calling thread is interrupted (Ctrl+C), and then hands the last one unless it just did, as
 * libbpf-tools syscount does. Sorting and the top N are done here, so any front end (the command,
 * the diagnosis) gets the same figures.
 *
 * @param top      rows kept, 0 for all
 * @param interval seconds between summaries, 0 for one at the end
 * @param duration seconds to run, 0 until interrupted
 */
public record SyscountSession(int top, int interval, int duration) {
    public SyscountSession {
        if (top < 0 || interval < 0 || duration < 0) {
            throw new IllegalArgumentException("top, interval and duration must not be negative");
        }
    }

    /**
     * One summary: the counts since the previous one, biggest first (by total time with latency,
     * else by count), the first {@code top}; {@code dropped} ring-buffer records lost; {@code failedUpdates}
     * the map updates that failed (calls not counted: a full map), as the probe runtime reports them for
     * every tool; {@code skipped} calls the kernel did not run the program for (another BPF program was
     * running on the CPU); {@code splitDeletes} idle keys deleted with lookup then delete (the kernel refused
     * BPF_MAP_LOOKUP_AND_DELETE_ELEM: a call counted between the two system calls is lost).
     */
    public record Summary(LocalTime time, boolean byProcess, boolean latency, List<SyscountProbe.Row> rows, long dropped,
                          List<io.boxscope.probe.output.Event.MapUpdateFailed> failedUpdates, long skipped, long splitDeletes) {
        public Summary {
            rows = List.copyOf(rows);
            failedUpdates = List.copyOf(failedUpdates);
        }

        /** System calls not counted because a map was full or an update failed otherwise (the sum of {@link #failedUpdates}). */
        public long notCounted() {
            long n = 0;
            for (io.boxscope.probe.output.Event.MapUpdateFailed f : failedUpdates) {
                n += f.count();
            }
            return n;
        }
    }

    /** How the caller ends a session early: a wait that returns true when it should stop (Ctrl+C, SIGTERM). */
    @FunctionalInterface
    public interface Stop {
        /** Waits up to {@code nanos} (or not at all if not positive); true if the session must end now. */
        boolean await(long nanos) throws InterruptedException;

        /** Stops when the calling thread is interrupted. */
        Stop ON_INTERRUPT = nanos -> {
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
            return false;
        };
    }

    /** Where summaries go; returns false when nobody reads any more (a closed pipe): the session then ends at once. */
    @FunctionalInterface
    public interface Sink {
        boolean accept(Summary summary);
    }

    /** Runs until the duration ends or the thread is interrupted; the interrupt is consumed. */
    public void run(SyscountProbe probe, SyscountProbe.Options options, Consumer<Summary> sink) {
        run(probe, options, Stop.ON_INTERRUPT, s -> {
            sink.accept(s);
            return true;
        });
    }

    /**
     * Runs until the duration ends, {@code stop} says so, the thread is interrupted, or the sink
     * reports that its reader is gone; hands the last summary unless it just did (or nobody reads).
     */
    public void run(SyscountProbe probe, SyscountProbe.Options options, Stop stop, Sink sink) {
        long startNs = System.nanoTime();
        long seconds = 0;
        boolean printedLast = false;
        while (true) {
            long next = startNs + (seconds + 1) * 1_000_000_000L;
            try {
                if (stop.await(next - System.nanoTime())) {
                    break;
                }
            } catch (InterruptedException e) {
                break;
            }
            seconds++;
            printedLast = false;
            if (interval > 0 && seconds % interval == 0) {
                if (!sink.accept(take(probe, options))) {
                    return;
                }
                printedLast = true;
            }
            if (duration > 0 && seconds >= duration) {
                break;
            }
        }
        if (!printedLast) {
            sink.accept(take(probe, options));
        }
    }

    /** The counts since the last call, sorted and cut to {@code top}. */
    public Summary take(SyscountProbe probe, SyscountProbe.Options options) {
        List<SyscountProbe.Row> rows = new ArrayList<>(probe.take());
        long dropped = probe.dropped();
        List<io.boxscope.probe.output.Event.MapUpdateFailed> failed = probe.failedUpdates();
        long skipped = probe.skipped();
        long split = probe.splitDeletes();
        // Plain comparisons: Comparator's factory lambdas are spun at run time in a cold JVM.
        if (options.latency()) {
            rows.sort((a, b) -> Long.compare(b.totalNs(), a.totalNs()));
        } else {
            rows.sort((a, b) -> Long.compare(b.count(), a.count()));
        }
        if (top > 0 && rows.size() > top) {
            rows = rows.subList(0, top);
        }
        return new Summary(LocalTime.now(), options.byProcess(), options.latency(), rows, dropped, failed, skipped, split);
    }
}
