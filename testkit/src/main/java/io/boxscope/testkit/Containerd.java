package io.boxscope.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * containerd through its CLI {@code ctr}, for tests: the standalone containerd that
 * scripts/setup-env starts on the default socket ({@code /run/containerd/containerd.sock}), not the
 * one dockerd runs for itself. Tests work in their own namespace, {@value #NAMESPACE}, where
 * setup-env imported the test image, with names unique per run; close removes task and container.
 */
public final class Containerd {
    public static final String NAMESPACE = "boxscope-test";
    /** The test image as {@code ctr image import} names it. */
    public static final String IMAGE = "docker.io/" + Requirements.TEST_IMAGE;

    private Containerd() {}

    /** A started container (ctr has no names: the id is the name); close removes it. */
    public record Container(String id) implements AutoCloseable {
        /** The task's init PID, from {@code ctr task ls}. */
        public int pid() {
            for (String line : Containerd.run("task", "ls").lines().skip(1).toList()) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals(id)) {
                    return Integer.parseInt(f[1]);
                }
            }
            throw new AssertionError("no task " + id + " in namespace " + NAMESPACE);
        }

        @Override
        public void close() {
            Requirements.run("ctr", "-n", NAMESPACE, "task", "rm", "-f", id);
            Requirements.run("ctr", "-n", NAMESPACE, "container", "rm", id);
        }
    }

    /** {@code ctr run -d OPTIONS... IMAGE ID COMMAND...} (host network, so nothing is set up). */
    public static Container start(String id, List<String> options, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--net-host"));
        args.addAll(options);
        args.add(IMAGE);
        args.add(id);
        args.addAll(List.of(command));
        run(args.toArray(String[]::new));
        return new Container(id);
    }

    /** Runs {@code ctr -n boxscope-test ARGS} and returns its output; fails the test on a non-zero exit. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "-n", NAMESPACE));
        command.addAll(List.of(args));
        return Requirements.output(command);
    }
}
