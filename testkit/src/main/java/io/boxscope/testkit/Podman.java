package io.boxscope.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The podman CLI for tests (rootful, Debian's package): start a container of the test image, find
 * its PID, remove it. Names are {@code boxscope-test-*}, unique per run.
 *
 * <p>Every container runs with {@code --network host} (podman's own bridge would change the
 * host's networking, which dockerd shares) and with explicit rlimits: podman's defaults
 * (RLIMIT_NOFILE 1048576, a high RLIMIT_NPROC) are above this machine's hard limits, and without
 * CAP_SYS_RESOURCE runc then fails with "error setting rlimits ... operation not permitted".
 */
public final class Podman {
    /** Podman's API socket, served by {@code podman system service} (started by scripts/setup-env). */
    public static final String SOCKET = "/run/podman/podman.sock";
    static final List<String> BASE_OPTIONS = List.of("--network", "host",
            "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

    private Podman() {}

    /** A started container; close removes it. */
    public record Container(String name, String id) implements AutoCloseable {
        public int pid() {
            return Integer.parseInt(Podman.run("inspect", "--format", "{{.State.Pid}}", id).strip());
        }

        @Override
        public void close() {
            Requirements.run("podman", "rm", "-f", "-t", "0", id);
        }
    }

    /** {@code podman run -d --name NAME <base options> OPTIONS... IMAGE COMMAND...}. */
    public static Container start(String name, List<String> options, String... command) {
        List<String> all = new ArrayList<>(BASE_OPTIONS);
        all.addAll(options);
        return new Container(name, Requirements.runDetached("podman", name, all, command));
    }

    /** Runs podman and returns its standard output; fails the test on a non-zero exit. */
    public static String run(String... args) {
        return Requirements.output("podman", args);
    }
}
