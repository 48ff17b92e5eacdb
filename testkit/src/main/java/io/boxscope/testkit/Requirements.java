package io.boxscope.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a kernel or Docker test needs from the machine. A developer without root may skip these
 * tests; CI (environment variable {@code CI} set) and root runs may not: there a missing
 * requirement fails the test, because a green build that tested nothing is worse than a red one.
 */
public final class Requirements {
    /** The image every container test runs; built by scripts/setup-env with {@code docker import}. */
    public static final String TEST_IMAGE = "boxscope-test/busybox:latest";

    private Requirements() {}

    /** True where skipping is not allowed: under CI or as root. */
    public static boolean strict() {
        String ci = System.getenv("CI");
        return (ci != null && !ci.isEmpty() && !ci.equals("false")) || isRoot();
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Skips (developer) or fails (CI, root) with {@code why} unless {@code ok}. */
    public static void require(boolean ok, String why) {
        if (ok) {
            return;
        }
        if (strict()) {
            Assertions.fail("required by this test but missing (CI and root runs do not skip): " + why
                    + " — run scripts/setup-env as root");
        }
        Assumptions.abort("skipped, not root and not CI: " + why);
    }

    public static void requireRoot() {
        require(isRoot(), "root privileges (bpf(2), perf_event_open(2), cgroup files)");
    }

    public static void requireTracefs() {
        requireRoot();
        require(Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events")),
                "tracefs mounted at /sys/kernel/tracing");
    }

    public static void requireDocker() {
        requireRoot();
        require(run("docker", "info") == 0, "a running dockerd (`docker info` failed)");
        require(run("docker", "image", "inspect", TEST_IMAGE) == 0, "the test image " + TEST_IMAGE);
    }

    public static void requirePodman() {
        requireRoot();
        require(run("podman", "image", "exists", TEST_IMAGE) == 0, "podman and the test image " + TEST_IMAGE + " in it");
        require(Files.exists(Path.of(Podman.SOCKET)),
                "podman's API socket " + Podman.SOCKET + " (podman system service)");
    }

    public static void requireContainerd() {
        requireRoot();
        require(run("ctr", "version") == 0, "a running containerd on /run/containerd/containerd.sock (`ctr version` failed)");
        require(output(java.util.List.of("ctr", "-n", Containerd.NAMESPACE, "image", "ls", "-q")).lines().anyMatch(Containerd.IMAGE::equals),
                "the test image " + Containerd.IMAGE + " in containerd namespace " + Containerd.NAMESPACE);
    }

    /** {@link #output(java.util.List)} of {@code cli ARGS...} (docker, podman). */
    static String output(String cli, String... args) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(cli);
        command.addAll(java.util.List.of(args));
        return output(command);
    }

    /**
     * {@code cli run -d --name NAME OPTIONS... IMAGE COMMAND...} with the test image, as docker and podman both take
     * it (docker-run(1), podman-run(1)); the new container's id.
     */
    static String runDetached(String cli, String name, java.util.List<String> options, String... command) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "-d", "--name", name));
        args.addAll(options);
        args.add(TEST_IMAGE);
        args.addAll(java.util.List.of(command));
        return output(cli, args.toArray(String[]::new)).strip();
    }

    /** Standard output of a command; fails the test on a non-zero exit or after 60 s. */
    public static String output(java.util.List<String> command) {
        try {
            Path errFile = Files.createTempFile("boxscope-cmd", ".err");
            try {
                // stderr to a file: reading two pipes one after the other can deadlock.
                Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " failed: " + Files.readString(errFile).strip());
                }
                return out;
            } finally {
                Files.deleteIfExists(errFile);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Exit status of a short command, or -1 if it cannot start or takes over 30 s. */
    public static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
