package io.boxscope.diagnose;

/**
 * How the caller ends a diagnosis window early (the CLI: SIGINT or SIGTERM through its StopSignals):
 * the collector waits between samples on this instead of sleeping, and on a request takes one last
 * sample and gives the verdict of what it collected, saying the window was cut short.
 */
@FunctionalInterface
public interface StopRequest {
    /** Waits up to {@code nanos}; true when a stop was requested (now or before). */
    boolean await(long nanos) throws InterruptedException;

    /** Never asks to stop: waits the whole time. */
    StopRequest NEVER = nanos -> {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
        return false;
    };
}
