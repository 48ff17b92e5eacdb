package io.boxscope.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The AOT training's command runs ({@link Main}'s training mode, run by cli/src/main/launcher/aot-train and
 * scripts/package): each run is a command line as a user types it, and a run that fails trains less (the classes of
 * what it did not reach are not in the cache), so a failure is not swallowed. A run fails when it throws or exits with
 * a code it was not meant to: the one deliberate usage error ({@link #USAGE_ERROR}) exits 2, the others 0. Exit 3
 * (a missing privilege: a build machine that is not root) is expected where the build runs unprivileged: such runs
 * are counted in one line, not failures. Every failure is said with its command line and the last line it printed on
 * standard error or its exception, and the training JVM then exits 1: aot-train keeps no cache from it and the build
 * says so (docs/benchmarks.md, "CLI start-up").
 */
final class TrainingRuns {
    private TrainingRuns() {}

    /** A command a run of the training, with the standard streams it is given; returns its exit code. */
    @FunctionalInterface
    interface Runner {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /** The run that trains the usage-error path: exit 2 is its success. */
    static final List<String> USAGE_ERROR = List.of("--no-such-option");

    /**
     * Runs every command line of {@code runs} in order ({@code beforeRun} is told each index first: the training
     * resets its feature answers where its warm half starts), standard output discarded, standard error kept to
     * quote a failure. Writes the summary to {@code log}: nothing when every run succeeded, one line counting the
     * runs that lacked a privilege, one line per failed run. Returns the training JVM's exit code: 0, or 1 when a
     * run failed.
     */
    static int runAll(List<String[]> runs, Runner runner, java.util.function.IntConsumer beforeRun, PrintStream log) {
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        List<String> failed = new ArrayList<>();
        List<String> unprivileged = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            beforeRun.accept(i);
            String[] args = runs.get(i);
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
            int expected = Arrays.asList(args).equals(USAGE_ERROR) ? ExitCode.USAGE : ExitCode.OK;
            String problem;
            try {
                int code = runner.run(args, devNull, err);
                if (code == expected) {
                    continue;
                }
                if (code == ExitCode.PRIVILEGE) {
                    unprivileged.add(String.join(" ", args));
                    continue;
                }
                problem = "exit " + code + " (expected " + expected + ")" + lastLine(errBytes);
            } catch (RuntimeException | Error e) {
                problem = e.getClass().getName() + ": " + e.getMessage() + lastLine(errBytes);
            }
            failed.add(problem);
            log.println("aot-train: training run failed: boxscope " + Text.safe(String.join(" ", args)) + ": "
                    + Text.safe(problem));
        }
        if (!unprivileged.isEmpty()) {
            log.println("aot-train: " + unprivileged.size() + " of " + runs.size() + " training runs lacked a privilege (exit 3;"
                    + " train as root for the whole cache), trained as far as they got: " + Text.safe(String.join("; ", unprivileged)));
        }
        if (!failed.isEmpty()) {
            log.println("aot-train: " + failed.size() + " of " + runs.size() + " training runs failed (above); no cache is kept");
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }

    /** {@code "; stderr: LINE"} with the last non-blank line the run printed on standard error, or nothing. */
    private static String lastLine(ByteArrayOutputStream err) {
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : "; stderr: " + lines.getLast();
    }
}
