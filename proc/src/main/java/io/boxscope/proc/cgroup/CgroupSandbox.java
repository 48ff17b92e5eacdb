package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.HostPaths;

/**
 * A cgroup of our own with a CPU and memory limit, for running a workload the way a container
 * runtime would but without one (cgroups(7); cgroup-v2.rst; cgroup-v1/cpu.rst and memory.rst):
 * the same path is created in the v2 tree (where it gives pressure files and a cgroup id) and in
 * the v1 cpu, cpuacct and memory hierarchies where those are mounted (hybrid and v1 hosts, where
 * limits live there). A started process writes its own PID into every {@code cgroup.procs} before
 * it execs the workload, so the workload is charged from its first instruction. {@link #close}
 * kills whatever is left in the cgroup and removes the directories.
 */
public final class CgroupSandbox implements AutoCloseable {
    private final String path;
    private final List<Path> dirs;

    private CgroupSandbox(String path, List<Path> dirs) {
        this.path = path;
        this.dirs = List.copyOf(dirs);
    }

    /** The cgroup's path as /proc/PID/cgroup prints it, e.g. {@code /boxscope-demo-4242}. */
    public String path() {
        return path;
    }

    /**
     * Creates {@code /NAME} in every hierarchy that matters and sets the limits. Needs root (or a
     * delegated cgroup); a hierarchy where the directory cannot be made is an error.
     */
    public static CgroupSandbox create(HostPaths paths, String name, OptionalDouble cpus, OptionalLong memoryBytes)
            throws IOException {
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a cgroup name: '" + name + "'");
        }
        CgroupFs fs = new CgroupFs(paths);
        List<Path> made = new ArrayList<>();
        try {
            var unified = fs.unifiedRoot();
            boolean pureV2 = unified.map(u -> u.equals(paths.cgroupRoot())).orElse(false);
            if (unified.isPresent()) {
                Path d = mkdir(unified.get().resolve(name), made);
                if (pureV2) {
                    // Limits live in v2: the parent must hand the controllers down.
                    write(unified.get().resolve("cgroup.subtree_control"), "+cpu +memory", true);
                    if (cpus.isPresent()) {
                        write(d.resolve("cpu.max"), Math.round(cpus.getAsDouble() * 100_000) + " 100000", false);
                    }
                    if (memoryBytes.isPresent()) {
                        write(d.resolve("memory.max"), Long.toString(memoryBytes.getAsLong()), false);
                        write(d.resolve("memory.swap.max"), "0", true);
                    }
                }
            }
            if (!pureV2) {
                Set<Path> seen = new LinkedHashSet<>();
                for (String c : List.of("cpu", "cpuacct", "memory")) {
                    var root = fs.v1Root(c);
                    if (root.isEmpty() || !seen.add(root.get().toRealPath())) {
                        continue; // not mounted, or the same hierarchy as one already made (cpu,cpuacct)
                    }
                    Path d = mkdir(root.get().resolve(name), made);
                    if (c.equals("cpu") && cpus.isPresent()) {
                        write(d.resolve("cpu.cfs_period_us"), "100000", false);
                        write(d.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(cpus.getAsDouble() * 100_000)), false);
                    }
                    if (c.equals("memory") && memoryBytes.isPresent()) {
                        write(d.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes.getAsLong()), false);
                        write(d.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes.getAsLong()), true);
                    }
                }
            }
            if (made.isEmpty()) {
                throw new IOException("no cgroup hierarchy is mounted under " + paths.cgroupRoot());
            }
            return new CgroupSandbox("/" + name, made);
        } catch (IOException | RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(made.get(i));
            }
            throw e;
        }
    }

    /**
     * Starts {@code sh -c SCRIPT} inside the cgroup: a wrapper shell writes its PID into each
     * cgroup.procs, then execs the script's shell, so nothing of the workload runs outside.
     */
    public Process start(String script) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                "for f in \"$@\"; do echo $$ > \"$f\" || exit 97; done; exec /bin/sh -c \"$BOXSCOPE_SCRIPT\"", "sh"));
        for (Path d : dirs) {
            cmd.add(d.resolve("cgroup.procs").toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("BOXSCOPE_SCRIPT", script);
        return pb.start();
    }

    /** The PIDs in the cgroup now (from the first hierarchy). */
    public List<Long> pids() throws IOException {
        List<Long> out = new ArrayList<>();
        Path procs = dirs.getFirst().resolve("cgroup.procs");
        if (!Files.exists(procs)) {
            return out;
        }
        for (String line : Files.readAllLines(procs)) {
            if (!line.isBlank()) {
                out.add(Long.parseLong(line.strip()));
            }
        }
        return out;
    }

    /** Kills everything in the cgroup (up to 5 s), then removes its directories, deepest last made first. */
    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (List<Long> left = pids(); !left.isEmpty(); left = pids()) {
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("processes " + left + " are still in cgroup " + path + " after 5 s; kill them and rmdir the cgroup");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while emptying cgroup " + path, e);
            }
        }
        IOException first = null;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(dirs.get(i));
            } catch (IOException e) {
                if (first == null) {
                    first = new IOException("cannot remove cgroup " + dirs.get(i) + ": " + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static Path mkdir(Path d, List<Path> made) throws IOException {
        try {
            Files.createDirectory(d);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException("cgroup " + d + " already exists: is another demo running? Remove it with rmdir " + d, e);
        }
        made.add(d);
        return d;
    }

    private static void write(Path f, String value, boolean optional) throws IOException {
        if (optional && !Files.exists(f)) {
            return;
        }
        try {
            Files.writeString(f, value);
        } catch (IOException e) {
            if (!optional) {
                throw new IOException("cannot set " + f + " to " + value + ": " + e.getMessage(), e);
            }
        }
    }
}
