package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A child shell that waits in {@code read go} until the tool under test is attached (its start-up
 * calls are done by then, so the test knows exactly which calls come after): {@link #open} lets it
 * go on.
 */
public final class Gate {
    private Gate() {}

    /** Starts {@code sh -c "read go && SCRIPT"}, its output merged. */
    public static Process child(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", "read go && " + script).redirectErrorStream(true).start();
    }

    /** Writes the line the child's {@code read go} waits for and closes its standard input. */
    public static void open(Process child) throws IOException {
        try (OutputStream in = child.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * {@link #open}s the gate, then waits up to 20 s for the child to end (failing the test if it does not) and reads
     * what it printed, so that the events the tool saw are all the child's and the child is gone.
     */
    public static void release(Process child) throws Exception {
        open(child);
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child shell did not finish");
        child.getInputStream().readAllBytes();
    }
}
