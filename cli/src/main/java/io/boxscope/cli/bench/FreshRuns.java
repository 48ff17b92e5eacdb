package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.report.BenchSession;
import io.boxscope.proc.json.Json;

/**
 * {@code --runs N}: each repetition is a fresh JVM running this same command with {@code --runs=1},
 * because JIT compilation, heap layout and GC state are part of what varies between runs of a Java
 * benchmark; N runs inside one JVM would share them and look more alike than separate runs of the
 * command are (and their confidence interval would be too narrow). Each child prints its run's
 * sysbench text (relayed here) and writes its run, as a document's {@code runs} entry, to a file in a
 * private temporary directory that this process reads back.
 */
final class FreshRuns {
    private FreshRuns() {}

    static BenchSession.Result run(List<String> originalArgs, String version, Workload w, RunOptions o,
            Environment env, int count, boolean json, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("boxscope-runs");
        try {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path file = dir.resolve("run-" + i + ".json");
                if (!json) {
                    out.print("Run " + (i + 1) + " of " + count + ":\n");
                }
                List<String> cmd = new ArrayList<>(ContainerRun.javaCommand());
                cmd.addAll(childArgs(originalArgs, file));
                int code = ContainerRun.runChild(cmd, out, err);
                if (code != 0 || !Files.isRegularFile(file)) {
                    throw new IOException("run " + (i + 1) + " of " + count + " (a fresh JVM) failed with exit code "
                            + code + "; its error output is above");
                }
                runs.add(Json.asObject(Json.parse(Files.readString(file))));
            }
            return new BenchSession.Result(version, w, o, env, runs);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The command's arguments for one child: without --runs and --save, with --runs=1 --run-to=FILE. */
    static List<String> childArgs(List<String> original, Path file) {
        List<String> out = ContainerRun.without(original, "--runs", "--save");
        out.add("--runs=1");
        out.add("--run-to=" + file);
        return out;
    }
}
