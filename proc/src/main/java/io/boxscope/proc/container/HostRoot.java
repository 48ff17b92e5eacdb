package io.boxscope.proc.container;

import io.boxscope.proc.HostPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The host's root directory as seen through a proc root: where the container runtimes keep their
 * sockets and state ({@code run/containerd}, {@code var/run/docker.sock}). An agent in a container
 * with the host's PID namespace and the host's /proc at {@code /host/proc} reaches them through
 * {@code /host/proc/PID/root} (proc(5)), which needs ptrace read access to that process.
 *
 * <p>PID 1's root comes first. Some sandboxes deny access to PID 1 even to root (its init holds
 * capabilities the caller lacks and an LSM refuses the ptrace check); the root of a container
 * runtime's daemon (dockerd, containerd, podman, crio, kubelet) is the host's root too, so the
 * first such process whose root can be entered is used instead.
 */
public final class HostRoot {

    /** Daemons that run in the host's root: their {@code /proc/PID/root} is the host's {@code /}. */
    static final Set<String> RUNTIME_DAEMONS = Set.of("dockerd", "containerd", "podman", "crio", "kubelet");

    private HostRoot() {}

    /**
     * The host's root: {@code <proc-root>/1/root} when it can be entered; otherwise, with the
     * default /proc, {@code /} (we run on the host); otherwise a runtime daemon's root; otherwise
     * {@code <proc-root>/1/root} still, so that the error a reader meets names the path it needed.
     */
    public static Path of(HostPaths paths) {
        Path pid1 = paths.procRoot().resolve("1").resolve("root");
        if (enterable(pid1)) {
            return pid1;
        }
        if (paths.procRoot().equals(HostPaths.DEFAULT.procRoot())) {
            return Path.of("/"); // our own /proc: we run on the host, whose root is ours
        }
        Path daemon = daemonRoot(paths.procRoot());
        return daemon != null ? daemon : pid1;
    }

    private static boolean enterable(Path root) {
        return Files.isDirectory(root) && Files.isReadable(root) && Files.isExecutable(root);
    }

    private static Path daemonRoot(Path procRoot) {
        try (Stream<Path> pids = Files.list(procRoot)) {
            for (Path dir : (Iterable<Path>) pids::iterator) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String comm;
                try {
                    comm = Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // exited, or not ours to read: the next one may do
                }
                if (RUNTIME_DAEMONS.contains(comm) && enterable(dir.resolve("root"))) {
                    return dir.resolve("root");
                }
            }
        } catch (IOException e) {
            return null; // no listable proc root: callers fall back to PID 1's path and report it
        }
        return null;
    }
}
