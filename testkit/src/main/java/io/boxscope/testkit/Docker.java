package io.boxscope.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The docker CLI for tests: start a container of the test image, find its PID, remove it. Every
 * container a test starts is named {@code boxscope-test-*} so a crashed run's leftovers can be found.
 */
public final class Docker {
    private Docker() {}

    /** A started container; close removes it. */
    public record Container(String name, String id) implements AutoCloseable {
        public int pid() {
            return Integer.parseInt(Docker.run("inspect", "--format", "{{.State.Pid}}", id).strip());
        }

        @Override
        public void close() {
            Docker.runQuietly("rm", "-f", id);
        }
    }

    /** {@code docker run -d --name NAME OPTIONS... IMAGE COMMAND...}; options and command are separate lists. */
    public static Container start(String name, List<String> options, String... command) {
        runQuietly("rm", "-f", name);
        return new Container(name, Requirements.runDetached("docker", name, options, command));
    }

    /** Runs docker with the arguments and returns its standard output; fails the test on a non-zero exit. */
    public static String run(String... args) {
        return Requirements.output("docker", args);
    }

    private static void runQuietly(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Requirements.run(command.toArray(String[]::new));
    }
}
