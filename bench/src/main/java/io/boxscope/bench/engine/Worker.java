package io.boxscope.bench.engine;

import java.io.IOException;

/** One thread's view of a workload: claims events and executes them (sysbench's next_event/execute_event). */
public interface Worker {
    /** Claims the next event; false when the workload's own limit is reached for this thread. */
    boolean next();

    /** Executes the claimed event; this is what the latency figures measure. */
    void execute() throws IOException;

    /** After the thread's last event (sysbench's thread_done), e.g. fileio's final fsync. */
    default void done() throws IOException {}
}
