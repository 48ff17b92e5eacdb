package io.boxscope.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
        args.addAll(options);
        args.add(Requirements.TEST_IMAGE);
        args.addAll(List.of(command));
        String id = run(args.toArray(String[]::new)).strip();
        return new Container(name, id);
    }

    /** Runs docker with the arguments and returns its standard output; fails the test on a non-zero exit. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        try {
            java.nio.file.Path errFile = java.nio.file.Files.createTempFile("boxscope-docker", ".err");
            try {
                // stderr to a file: reading two pipes one after the other can deadlock.
                Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("docker " + String.join(" ", args) + " did not finish in 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("docker " + String.join(" ", args) + " failed: "
                            + java.nio.file.Files.readString(errFile).strip());
                }
                return out;
            } finally {
                java.nio.file.Files.deleteIfExists(errFile);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run docker: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void runQuietly(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Requirements.run(command.toArray(String[]::new));
    }
}
