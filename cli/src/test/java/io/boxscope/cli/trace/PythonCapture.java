package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A python workload under a live {@code trace OPTIONS -w FILE proc.pid=PID}, as the tests that hold a capture trace
 * wrote to what the installed sysdig 0.29 reads from the same file run it: the workload does its set-up (what it holds
 * before the capture: listening sockets, open files), prints {@code ready} and waits for a file {@code go} to exist;
 * {@link #write} starts trace, creates {@code go} once trace's programs are attached (so the capture sees every call
 * the workload makes after it, and the set-up only through the tables trace reads at its start) and returns when
 * trace ends at its {@code -M}. What the workload prints after {@code go} (its ports, its fds) is read with
 * {@link #line}. Closing kills the workload if it is still there. {@link LiveWorkload} does the same for the live
 * view, on the pid the workload prints.
 *
 * <p>python3 is /usr/bin/python3 where there is one: a {@code python3} found on the PATH may be a launcher (pyenv's
 * shim) whose pid is not the interpreter's, and the capture filters on the started process's pid.
 */
final class PythonCapture implements AutoCloseable {
    private final Process child;
    private final BufferedReader out;

    private PythonCapture(Process child) {
        this.child = child;
        this.out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code python3 ARGS} (a script and its arguments, or {@code -c CODE ARGS}), its standard error merged into
     * its standard output, and waits for its first line, which must be {@code ready}.
     */
    static PythonCapture start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python()));
        command.addAll(List.of(args));
        PythonCapture w = new PythonCapture(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            assertEquals("ready", w.line(), "the python workload's first line");
            return w;
        } catch (Throwable t) {
            w.close();
            throw t;
        }
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** The workload's pid, which the capture filters on. */
    long pid() {
        return child.pid();
    }

    /** The workload's next line of output. */
    String line() throws IOException {
        return out.readLine();
    }

    /**
     * Runs {@code trace OPTIONS -w file proc.pid=PID} until it ends, creating {@code go} once its programs are attached;
     * returns trace's result, its exit 0 checked.
     */
    Cli write(Path file, Path go, String... options) throws Exception {
        return write(file, () -> Files.createFile(go), options);
    }

    /**
     * Runs {@code trace OPTIONS -w file proc.pid=PID} until it ends, running {@code attached} (which releases the
     * workload, and may read what it prints or wait for it) once its programs are attached; returns trace's result,
     * its exit 0 checked.
     */
    Cli write(Path file, Attached attached, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("trace"));
        args.addAll(List.of(options));
        args.addAll(List.of("-w", file.toString(), "proc.pid=" + pid()));
        return traceAround(args, attached);
    }

    /** Asserts that the workload ended within {@code seconds}. */
    void awaitExit(int seconds) throws InterruptedException {
        assertTrue(child.waitFor(seconds, TimeUnit.SECONDS), "the python workload did not finish within " + seconds + " s");
    }

    @Override
    public void close() {
        child.destroyForcibly();
    }

    /** What runs once a capture is attached: releasing the workload, and waiting for it where the test wants. */
    interface Attached {
        void run() throws Exception;
    }

    /**
     * Runs boxscope with {@code args} (a live trace) on a thread of its own, waits until its programs are attached
     * ({@link TraceLiveCommandTest#awaitAttached()}), runs {@code attached}, and waits up to 120 s for trace to end;
     * returns its result, its exit 0 checked. For any live capture a test releases once attached: a container's too
     * ({@link TraceContainerMountsTest}).
     */
    static Cli traceAround(List<String> args, Attached attached) throws Exception {
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run(args.toArray(String[]::new))));
        t.start();
        TraceLiveCommandTest.awaitAttached();
        attached.run();
        t.join(120_000);
        assertNotNull(result.get(), "trace did not finish within 120 s: " + args);
        assertEquals(0, result.get().code(), result.get().err());
        return result.get();
    }
}
