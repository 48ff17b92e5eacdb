package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real workload under a live {@code trace -M 15 ARGS proc.pid=PID}, as the chisel tests that hold sysdig's chisels
 * to their own workload's bytes run it: the workload prints its port and its own pid on its first line (python3 may
 * be a launcher, pyenv's shim, that runs the interpreter as a child: the pid it prints is the one to filter on), then
 * waits for a file {@code go} to exist, which the test creates once trace's programs are attached, and ends. The
 * capture lasts 15 s from its attach: at 6 s, under a CI load of ~20 on two CPUs, one run saw almost none of the
 * workload's events (its python had not finished by the deadline).
 */
final class LiveWorkload {
    private LiveWorkload() {}

    /** Writes {@code workload} to work.py in {@code work}, creating the folder; returns the script's path. */
    static Path script(Path work, String workload) throws Exception {
        Files.createDirectories(work);
        return Files.writeString(work.resolve("work.py"), workload);
    }

    /** What a run gave: the port the workload printed and trace's result (exit 0, checked). */
    record Run(int port, Cli cli) {}

    /**
     * Starts {@code workload} (its standard error discarded), writes {@code stdin} to its standard input and closes it,
     * runs trace with {@code args} on the pid the workload printed, creates {@code go}, and waits for both to end
     * ({@link PythonCapture#traceAround}).
     */
    static Run trace(ProcessBuilder workload, String stdin, Path go, List<String> args) throws Exception {
        Process child = workload.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            child.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().close();
            String[] first = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine().strip().split(" ");
            int port = Integer.parseInt(first[0]);
            long pid = Long.parseLong(first[1]);
            List<String> a = new ArrayList<>(List.of("trace", "-M", "15"));
            a.addAll(args);
            a.add("proc.pid=" + pid);
            Cli cli = PythonCapture.traceAround(a, () -> {
                Files.createFile(go);
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the workload did not finish");
                assertEquals(0, child.exitValue());
            });
            return new Run(port, cli);
        } finally {
            child.destroyForcibly();
        }
    }
}
