package io.boxscope.tools.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@link EventTool} on a thread of its own ({@link ToolThread}): the test waits for
 * {@link #awaitStarted} (every probe attached), runs its workload, then {@link #stop}s and reads the
 * events.
 */
public final class Harness<E> extends ToolThread {
    private final List<E> events = new ArrayList<>();

    public Harness(EventTool<E> tool, ToolTarget target, Schedule schedule) {
        this(tool, target, schedule, () -> {});
    }

    /** As above, with {@code atHeader} run once every probe is attached, before the tool's started() hook runs ({@link #atHeader}). */
    public Harness(EventTool<E> tool, ToolTarget target, Schedule schedule, Step atHeader) {
        atHeader(atHeader);
        begin("tool", () -> tool.run(Path.of("/sys"), target, schedule, this::stopRequested, listener(e -> {
            synchronized (events) {
                events.add(e);
            }
        })));
    }

    public Harness(EventTool<E> tool, ToolTarget target) {
        this(tool, target, Schedule.UNTIL_STOPPED);
    }

    /** Asks the tool to stop (as Ctrl-C does), waits for it to detach, and returns every event. */
    public List<E> stop() throws Exception {
        stopAndJoin();
        return events();
    }

    /** Waits for the tool to end by itself (a -d duration) and returns every event. */
    public List<E> await() throws Exception {
        join();
        return events();
    }

    /**
     * Waits until an event matching {@code which} has been decoded (events are decoded only after the tool's
     * {@code started} step, so this also says that step is over); fails after 60 s or with the tool's error.
     */
    public E awaitEvent(java.util.function.Predicate<E> which) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            rethrow();
            for (E e : events()) {
                if (which.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching event within 60 s; events: " + events());
    }

    private List<E> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
