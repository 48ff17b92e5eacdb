package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.boxscope.bench.workload.ReadSink;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.HostPaths;
import io.boxscope.bench.env.Environment;
import io.boxscope.cli.Text;
import io.boxscope.proc.cgroup.CgroupJoin;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;

/**
 * --container: the benchmark runs in a second JVM that first moves itself into the container's
 * cgroups (writing its PID to cgroup.procs of every v1 hierarchy the container is in and of its v2
 * cgroup, cgroups(7)), so the container's CPU quota, cpuset, memory and I/O limits apply to it and
 * its throttling is the container's. The child prints the report itself; this process relays it.
 * The child stays in the host's namespaces, so files and /proc look the same as here.
 */
final class ContainerRun {
    private ContainerRun() {}

    static int delegate(picocli.CommandLine.Model.CommandSpec spec, GlobalOptions g) throws IOException, InterruptedException {
        ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
        ContainerInfo c = discovery.locate(g.container());
        if (c.pids().isEmpty()) {
            throw new UsageException("container " + c.displayName() + " has no processes (is it running?)");
        }
        int target = c.pids().get(0);
        List<String> args = new ArrayList<>(stripContainer(spec.root().commandLine().getParseResult().originalArgs()));
        if (args.contains("fileio")) {
            args = insideContainer(args, g.paths().procRoot().resolve(String.valueOf(target)));
        }
        args.add("--join-cgroups-of=" + target);
        Environment.ProcessLimits limits = Environment.limitsOf(g.paths(), target);
        List<String> sizing = jvmSizing(limits);
        if (!g.json()) {
            spec.commandLine().getErr().println("notice: the benchmark runs in a JVM sized for container "
                    + Text.safe(c.displayName()) + "'s limits: "
                    + (sizing.isEmpty() ? "none (JVM defaults)" : String.join(" ", sizing)));
        }
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(1, sizing);
        cmd.addAll(args);
        return runChild(cmd, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Runs {@code cmd}, relaying its output and error output, and returns its exit code. The child
     * never outlives this process, however it ends (a shutdown hook kills it).
     */
    static int runChild(List<String> cmd, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        out.flush();
        Process p = new ProcessBuilder(cmd).start();
        Thread reaper = new Thread(p::destroyForcibly, "boxscope-bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            p.getOutputStream().close();
            Thread e = Thread.ofPlatform().daemon().start(() -> relay(p.getErrorStream(), err));
            relay(p.getInputStream(), out);
            int code = p.waitFor();
            e.join(5000);
            if (e.isAlive()) {
                err.println("notice: the benchmark's error output was still arriving after it exited; the rest is not shown");
            }
            return code;
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting: the hook runs and removes the child.
            }
        }
    }

    /**
     * JVM options for a child that will live in cgroups with these limits: a heap of a quarter of
     * the memory limit (at least 16 MiB), so that the benchmark cannot push the container over its
     * limit and get the container's own processes OOM-killed, and as many active processors as the
     * CPU quota allows (rounded up), so the JIT and GC size their threads for it. The JVM cannot
     * see these limits itself: it starts in the host's cgroups and joins the container's later.
     */
    static List<String> jvmSizing(Environment.ProcessLimits l) {
        List<String> out = new ArrayList<>();
        if (l.memoryBytes().isPresent()) {
            long heapMiB = Math.max(16, l.memoryBytes().getAsLong() / 4 / (1024 * 1024));
            out.add("-Xmx" + heapMiB + "m");
            out.add("-XX:MaxMetaspaceSize=64m");
        }
        if (l.cpus().isPresent()) {
            out.add("-XX:ActiveProcessorCount=" + Math.max(1, (int) Math.ceil(l.cpus().getAsDouble())));
        }
        return out;
    }

    /**
     * fileio inside the container's file system: --file-dir (default: the current directory) is
     * taken as a path in the container and reached through {@code /proc/PID/root} of its main
     * process, so the files go through the container's own mounts (its overlay) and their I/O is
     * charged to its cgroups, which the child joins. A relative --file-dir is relative to the
     * container's working directory. No component of the path may be a symbolic link: the
     * container controls them, and through /proc/PID/root an absolute link would lead to the host.
     */
    static List<String> insideContainer(List<String> args, Path procPid) throws IOException {
        String dir = ".";
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--file-dir") && i + 1 < args.size()) {
                dir = args.get(++i);
            } else if (a.startsWith("--file-dir=")) {
                dir = a.substring("--file-dir=".length());
            } else {
                out.add(a);
            }
        }
        Path root = procPid.resolve("root");
        Path base = dir.startsWith("/") ? root : root.resolve(containerCwd(procPid));
        Path p = base;
        for (Path part : Path.of(dir.startsWith("/") ? dir.substring(1).isEmpty() ? "." : dir.substring(1) : dir)) {
            p = p.resolve(part);
            if (java.nio.file.Files.isSymbolicLink(p)) {
                throw new UsageException("--file-dir " + Text.safe(dir) + " goes through a symbolic link in the container ("
                        + Text.safe(root.relativize(p).toString()) + "): give the path without links");
            }
        }
        if (!java.nio.file.Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("--file-dir " + Text.safe(dir) + " is not a directory in the container");
        }
        out.add("--file-dir=" + p);
        return out;
    }

    /** The container process's working directory, as a path inside the container (relative to its root). */
    private static String containerCwd(Path procPid) throws IOException {
        String cwd = java.nio.file.Files.readSymbolicLink(procPid.resolve("cwd")).toString();
        return cwd.startsWith("/") ? (cwd.length() == 1 ? "." : cwd.substring(1)) : ".";
    }

    /** The original arguments without --container NAME / --container=NAME. */
    static List<String> stripContainer(List<String> args) {
        return without(args, "--container");
    }

    /**
     * {@code args} without the given long options, each with its value (as {@code --name VALUE} or
     * {@code --name=VALUE}): the command line a child benchmark process gets.
     */
    static List<String> without(List<String> args, String... names) {
        List<String> drop = List.of(names);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            if (drop.contains(a)) {
                i++;
            } else if (!(eq > 0 && drop.contains(a.substring(0, eq)))) {
                out.add(a);
            }
        }
        return out;
    }

    /** java + the same class or module path + Main, so the child is this very Boxscope. */
    static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4"));
        if (ReadSink.active()) {
            // the parent reads through the compiler blackhole (the launcher's bench memory options): the child too
            cmd.addAll(ReadSink.jvmOptions());
        }
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path", "");
        if (modulePath != null && !modulePath.isEmpty()) {
            cmd.add("--enable-native-access=ALL-UNNAMED,io.boxscope.bench,io.boxscope.cli");
            cmd.addAll(List.of("-p", modulePath));
            if (!classPath.isEmpty()) {
                cmd.addAll(List.of("-cp", classPath));
            }
            cmd.addAll(List.of("-m", "io.boxscope.cli/io.boxscope.cli.Main"));
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", classPath, "io.boxscope.cli.Main"));
        }
        return cmd;
    }

    private static void relay(InputStream in, PrintWriter to) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            int n;
            while ((n = r.read(buf)) > 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            to.println("boxscope: lost the benchmark's output: " + e.getMessage());
        }
    }

    /** Moves this process into the cgroups of {@code pid} (see {@link CgroupJoin}). */
    static void join(int pid, HostPaths paths) throws IOException {
        CgroupJoin.joinCgroupsOf(pid, paths);
    }
}
