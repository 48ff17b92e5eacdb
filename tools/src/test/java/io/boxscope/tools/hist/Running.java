package io.boxscope.tools.hist;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.core.ToolThread;

/**
 * Test support: an interval tool running on a thread of its own ({@link ToolThread}) until
 * {@link #stop}, with its reports collected. {@link #start} returns once every probe is attached, so
 * a workload started after it is seen whole.
 */
public final class Running<R> extends ToolThread {
    private final List<R> reports = new CopyOnWriteArrayList<>();

    private Running(IntervalRun<R> run, ToolTarget target, Schedule schedule) throws Exception {
        begin("tool-under-test", () -> run.run(Path.of("/sys"), target, schedule, this::stopRequested, listener(reports::add)));
        awaitStarted();
    }

    public static <R> Running<R> start(IntervalRun<R> run, ToolTarget target, Schedule schedule) throws Exception {
        return new Running<>(run, target, schedule);
    }

    public static <R> Running<R> start(IntervalRun<R> run) throws Exception {
        return start(run, ToolTarget.ALL, Schedule.UNTIL_STOPPED);
    }

    /** Stops the tool (as Ctrl-C does) and returns every report, the last one printed at the stop. */
    public List<R> stop() throws Exception {
        stopAndJoin();
        return List.copyOf(reports);
    }
}
