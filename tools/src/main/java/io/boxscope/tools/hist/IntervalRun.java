package io.boxscope.tools.hist;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSink;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolSession;
import io.boxscope.tools.core.ToolTarget;

/**
 * The loop of libbpf-tools' interval tools (biolatency, runqlat, cachestat; BCC's funccount): every
 * interval, read how much the script's counting maps grew since the previous read and hand the caller one
 * report of that. The maps are never cleared: libbpf-tools and bpftrace read then clear, and every event the
 * programs count between the read and the clear is lost, silently (about 6 % of syscount's calls on a busy
 * run). Keys idle for a whole interval are deleted instead ({@link ToolSession#growth}), so maps keyed by
 * thread, process or file keep room on long runs; plain maps kept beside the counters (names, comms) lose the
 * keys the counters lost ({@link ToolSession#pruneLabels}). On Ctrl-C,
 * SIGTERM or the end of {@code -d}, one last report of what was counted since the previous one (as
 * the C tools print when their sleep is interrupted); after {@code count} reports, nothing more.
 *
 * @param <R> the tool's report record
 */
public final class IntervalRun<R> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** What the caller receives, on the thread that called {@link #run}. */
    public interface Listener<R> {
        /** Every probe is attached ({@code probes} attach points): the tool prints its header now. */
        void started(int probes);

        /** One interval's report. */
        void report(R report);

        /** {@code events} ring-buffer records were dropped. */
        void lost(long events);

        /** The kernel skipped the tool's programs {@code events} times since the last call (another BPF program was running on the CPU). */
        void skipped(long events);

        /** Updates of one of the script's maps failed since the last call (it was full): the report is incomplete. */
        default void mapUpdatesFailed(Event.MapUpdateFailed failure) {
        }

        /**
         * {@code keys} idle keys were deleted since the last call with two system calls (lookup, then delete)
         * because the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM for the map (hash maps before 5.14): an update
         * between the two is lost, uncounted; the caller says so. Called right before the {@link #report} whose
         * reads deleted them, so the caller can put the count in that report. Never called where the command works.
         */
        default void splitDeletes(long keys) {
        }

        /** A start-up step ended ({@link ToolSession#start}'s steps): for BOXSCOPE_DEBUG's timings. */
        default void phase(String step) {
        }
    }

    /** Reads one report from the maps (by name, {@code "@hist"}) and the local time ({@code HH:MM:SS}). */
    @FunctionalInterface
    public interface Snapshot<R> {
        R read(Function<String, MapDump> maps, String time);
    }

    /**
     * What a tool does at the edges of each interval's window, while its programs are attached: {@link #opened}
     * after attaching (before {@link Listener#started}) and after each interval's maps were read;
     * {@link #closing} right before each interval's maps are read, and before the programs are detached at the
     * end. hardirqs reads /proc/interrupts there, so the kernel's count over that window is of runs the
     * programs were attached for and whose figures are in the interval's maps.
     */
    public interface Window {
        /** None: the tools that compare nothing. */
        Window NONE = new Window() {
            @Override
            public void opened() {
            }

            @Override
            public void closing() {
            }
        };

        void opened();

        void closing();
    }

    private final ToolScript script;
    private final List<String> params;
    private final List<String> cleared;
    private final Snapshot<R> snapshot;
    private final Window window;

    /**
     * @param cleared the maps reported per interval: counting maps (count, sum, hist...) are read as their growth
     *                since the previous report, plain maps in the list (labels keyed as the counters) as they
     *                are, and their keys that no counting map of the list holds any more are deleted; the
     *                scripts' bookkeeping maps are not listed; any other map in the list (min(), max(), a keyless
     *                or array map, a label keyed unlike the counters) makes {@link #run} throw
     *                IllegalArgumentException before its window opens and before {@link Listener#started}
     */
    public IntervalRun(ToolScript script, List<String> params, List<String> cleared, Snapshot<R> snapshot) {
        this(script, params, cleared, snapshot, Window.NONE);
    }

    /** With a {@link Window} told where each interval's window opens and closes. */
    public IntervalRun(ToolScript script, List<String> params, List<String> cleared, Snapshot<R> snapshot, Window window) {
        this.script = script;
        this.params = List.copyOf(params);
        this.cleared = List.copyOf(cleared);
        this.snapshot = snapshot;
        this.window = window;
    }

    /** Runs the script until the schedule, {@code stop} or {@code count} ends it; everything is detached on return. */
    public ToolSession.End run(Path sysRoot, ToolTarget target, Schedule schedule, BooleanSupplier stop, Listener<R> listener)
            throws ProgramException, ProbeRunException, AccessDeniedException, InterruptedException {
        ProbeSink sink = new ProbeSink() {
            @Override
            public void printf(int formatId, Event.Printf printf) {
            }

            @Override
            public void event(Event event) {
                switch (event) {
                    case Event.Lost l -> listener.lost(l.events());
                    case Event.Skipped s -> listener.skipped(s.events());
                    case Event.MapUpdateFailed f -> listener.mapUpdatesFailed(f);
                    default -> { }
                }
            }
        };
        try (ToolSession s = ToolSession.start(script, sysRoot, target, params,
                io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES, listener::phase)) {
            List<String> counters = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (String m : cleared) {
                (s.counts(m) ? counters : labels).add(m);
            }
            for (String l : labels) { // a min()/max() or keyless map would fail pruneLabels after the first report
                s.checkLabel(l, counters);
            }
            window.opened();
            listener.started(s.probes());
            long[] reports = {0};
            long[] split = {0};
            ToolSession.End end = s.run(schedule, stop, sink, () -> {
                window.closing();
                R report = snapshot.read(reader(s, counters), now());
                split[0] = splitDeletes(s, split[0], listener);
                listener.report(report);
                for (String l : labels) {
                    s.pruneLabels(l, counters);
                }
                window.opened();
                reports[0]++;
                return schedule.count() == 0 || reports[0] < schedule.count();
            }, window::closing);
            if (end != ToolSession.End.COUNT) {
                // detached (END has run), the maps still open: the growth since the last report
                R report = snapshot.read(reader(s, counters), now());
                splitDeletes(s, split[0], listener);
                listener.report(report);
            }
            return end;
        }
    }

    /** Tells {@code listener} of the split deletes since {@code before} (the count so far); returns the count now. */
    private static long splitDeletes(ToolSession s, long before, Listener<?> listener) {
        long now = s.growthEvictions()[1];
        if (now > before) {
            listener.splitDeletes(now - before);
        }
        return now;
    }

    /** One report's maps: each read once, the counting ones as their growth since the previous report. */
    private static Function<String, MapDump> reader(ToolSession s, List<String> counters) {
        Map<String, MapDump> read = new HashMap<>();
        return name -> read.computeIfAbsent(name, n -> counters.contains(n) ? s.growth(n) : s.map(n));
    }

    private static String now() {
        return LocalTime.now().format(HMS);
    }
}
