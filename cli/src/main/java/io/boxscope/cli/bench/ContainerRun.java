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
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.HostPaths;
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
        args.add("--join-cgroups-of=" + target);
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        // The child runs inside the container's cgroups: it must not outlive us, however we end.
        Thread reaper = new Thread(p::destroyForcibly, "boxscope-bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            p.getOutputStream().close();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
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

    /** The original arguments without --container NAME / --container=NAME. */
    static List<String> stripContainer(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--container")) {
                i++;
            } else if (!a.startsWith("--container=")) {
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
