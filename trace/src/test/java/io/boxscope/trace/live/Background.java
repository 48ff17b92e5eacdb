package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Test support: a live capture or a kernel chisel consuming on a thread of its own, as a command's main thread
 * does, until {@link #stop}; the body polls the stop condition it is given (the capture's {@code stop}), and its
 * failure fails the test at {@link #stop}.
 */
final class Background {
    /** The consumer: runs until {@code stop} says so. */
    @FunctionalInterface
    interface Body {
        void run(BooleanSupplier stop) throws Exception;
    }

    private final AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
    private final Thread thread;
    private volatile Throwable failure;

    /** Not started yet: {@link #start} (a test that starts it while something else is running). */
    Background(Body body) {
        thread = new Thread(() -> {
            try {
                body.run(() -> System.nanoTime() > stopAt.get());
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** A consumer started now. */
    static Background start(Body body) {
        Background b = new Background(body);
        b.start();
        return b;
    }

    void start() {
        thread.start();
    }

    /**
     * Lets the consumer run {@code drain} longer (what the kernel produced just before is still read), tells it
     * to stop, waits up to 60 s for it, and fails with its error if it had one.
     */
    void stop(Duration drain) throws Exception {
        stopAt.set(System.nanoTime() + drain.toNanos());
        thread.join(60_000);
        if (thread.isAlive()) {
            fail("the consumer did not stop within 60 s of being told to");
        }
        if (failure != null) {
            fail(failure);
        }
    }
}
