package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.cli.diagnose.DiagnoseViews;
import io.boxscope.diagnose.Diagnose;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Targets;
import java.time.Duration;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;
import io.boxscope.proc.cgroup.CgroupSandbox;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The built-in demo: starts a test container running a known workload (the lab's "slow app" by
 * default, or one of the four classic bottlenecks), shows what Boxscope sees (the containers table),
 * runs {@code boxscope diagnose} on it, and removes the container.
 */
final class DemoCommand extends CliCommand {
    static final String IMAGE = "boxscope-test/busybox:latest";
    static final String NAME = "boxscope-demo";

    DemoCommand() {
        super("demo", "Start a test container running a known workload (the lab's slow app, or --throttled,",
                "--cpu-bound, --memory-bound, --io-bound, --idle), show what Boxscope sees, diagnose it with",
                "`boxscope diagnose`, then remove it. Without a Docker daemon (or its test image), the workload",
                "runs in a cgroup of its own with the same limits. Needs root.");
        examples("  ./boxscope demo                 the lab's slow app, diagnosed",
                "  ./boxscope demo --throttled     a busy loop under --cpus=0.5: CPU-throttled",
                "  ./boxscope demo --io-bound --seconds 10",
                "  ./boxscope demo --no-docker     the same in a cgroup of its own (what happens without Docker)",
                "  ./boxscope demo --json          the containers and the diagnosis as JSON");
    }

    final Opt<Integer> seconds = option(int.class, 0, "--seconds").label("N").defaultValue("5")
            .help("How long diagnose watches the container (default: ${DEFAULT-VALUE}).");
    final Opt<String> image = option(String.class, null, "--image").label("IMAGE").defaultValue(IMAGE)
            .help("Image to run; it needs busybox's sh, dd, tail and usleep (default: ${DEFAULT-VALUE}).");
    final Opt<Boolean> throttled = flag("--throttled").help("A busy loop under a 0.5 CPU limit.");
    final Opt<Boolean> cpuBound = flag("--cpu-bound").help("Two busy loops sharing one CPU, no limit.");
    final Opt<Boolean> memoryBound = flag("--memory-bound").help("A process that fills its 128 MiB limit.");
    final Opt<Boolean> ioBound = flag("--io-bound").help("Small appends, each followed by fsync.");
    final Opt<Boolean> idle = flag("--idle").help("A container that only sleeps.");
    final Opt<Boolean> noDocker = flag("--no-docker")
            .help("Run the workload in a cgroup of its own even when Docker is there (what happens without Docker).");

    DemoWorkload workload() {
        List<DemoWorkload> chosen = new ArrayList<>();
        if (throttled.value()) {
            chosen.add(DemoWorkload.THROTTLED);
        }
        if (cpuBound.value()) {
            chosen.add(DemoWorkload.CPU_BOUND);
        }
        if (memoryBound.value()) {
            chosen.add(DemoWorkload.MEMORY_BOUND);
        }
        if (ioBound.value()) {
            chosen.add(DemoWorkload.IO_BOUND);
        }
        if (idle.value()) {
            chosen.add(DemoWorkload.IDLE);
        }
        if (chosen.size() > 1) {
            throw new UsageException("choose one workload, not " + chosen.size());
        }
        return chosen.isEmpty() ? DemoWorkload.SLOW_APP : chosen.getFirst();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds.value() < 1 || seconds.value() > 600) {
            throw new UsageException("--seconds must be between 1 and 600, not " + seconds.value());
        }
        DemoWorkload w = workload();
        GlobalOptions g = global();
        PrintWriter out = out();
        String why = noDocker.value() ? "--no-docker was given" : dockerMissing();
        if (why != null) {
            return inCgroup(w, g, out, why);
        }
        docker("rm", "-f", NAME);
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", NAME, "-e", "D=/tmp"));
        run.addAll(w.dockerFlags());
        run.addAll(List.of(image.value(), "sh", "-c", w.script));
        String started = docker(run.toArray(String[]::new));
        if (started == null) {
            throw new IllegalStateException("could not start the demo container from " + image.value()
                    + "; run with --no-docker to use a cgroup of its own instead");
        }
        try {
            if (!g.json()) {
                out.println(Text.safe("Started container " + NAME + " (" + image.value() + " " + String.join(" ", w.dockerFlags())
                        + ") running " + w.description + "."));
                out.println();
                out.flush();
            }
            Thread.sleep(1000);
            // One scan of every process: it finds the container, is the table shown, and is where diagnose watches the
            // neighbours (it was three: the table's, the target's and the neighbours'; ContainerDiscovery.scans)
            java.util.concurrent.atomic.AtomicReference<Discovery> scanned = new java.util.concurrent.atomic.AtomicReference<>();
            Target target = Targets.resolve(NAME, g.paths(), ContainerDiscovery.of(g.paths()), scanned::set);
            Discovery d = scanned.get();
            if (!g.json()) {
                out.println("$ boxscope containers");
                out.print(ContainerViews.table(d.containers()));
                out.println();
            }
            return diagnose(w, target, NAME, ContainerViews.json(d).get("containers"), java.util.Optional.of(d), g, out);
        } finally {
            docker("rm", "-f", NAME);
        }
    }

    /** Without Docker: the same workload in a cgroup of its own, with the same limits. */
    private Integer inCgroup(DemoWorkload w, GlobalOptions g, PrintWriter out, String why)
            throws IOException, InterruptedException {
        String name = "boxscope-demo-" + ProcessHandle.current().pid();
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("boxscope-demo");
        try (CgroupSandbox box = CgroupSandbox.create(g.paths(), name,
                w.cpus > 0 ? OptionalDouble.of(w.cpus) : OptionalDouble.empty(),
                w.memoryMiB > 0 ? OptionalLong.of(w.memoryMiB << 20) : OptionalLong.empty())) {
            String script = "D='" + scratch + "'; export D; " + (w.cpu0 ? "exec taskset -c 0 /bin/sh -c '" + w.script.replace("'", "'\\''") + "'" : w.script);
            Process p = box.start(script);
            if (!g.json()) {
                out.println(Text.safe("Docker is not used (" + why + "): running the workload in a cgroup of its own, "
                        + box.path() + (w.cpus > 0 ? ", " + w.cpus + " CPU" : "") + (w.memoryMiB > 0 ? ", " + w.memoryMiB + " MiB" : "")
                        + ": " + w.description + "."));
                out.println();
                out.flush();
            }
            Thread.sleep(1000);
            if (!p.isAlive() && p.exitValue() == 97) {
                throw new IOException("could not move the workload into cgroup " + box.path());
            }
            Target target = Targets.resolve(box.path(), g.paths(), ContainerDiscovery.of(g.paths()));
            return diagnose(w, target, box.path(), null, java.util.Optional.empty(), g, out);
        } finally {
            try (var files = java.nio.file.Files.list(scratch)) {
                for (var f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(scratch);
        }
    }

    /** {@code scan}: the scan that found a container target, where the neighbours are watched (empty: diagnose scans once). */
    private Integer diagnose(DemoWorkload w, Target target, String shownName, Object containers, java.util.Optional<Discovery> scan,
            GlobalOptions g, PrintWriter out) throws IOException, InterruptedException {
        if (!g.json()) {
            out.println("$ boxscope diagnose " + Text.safe(shownName) + " --duration " + seconds.value() + "s");
            out.flush();
        }
        Diagnosis diagnosis = Diagnose.run(target, g.paths(), Duration.ofSeconds(seconds.value()), Duration.ofMillis(100), true, null,
                l -> { }, io.boxscope.diagnose.StopRequest.NEVER, () -> { }, phase -> { }, scan);
        return show(new Result(w, containers, diagnosis), VIEW);
    }

    /** What the demo ran, the containers it saw (JSON, null without Docker) and the diagnosis. */
    record Result(DemoWorkload workload, Object containers, Diagnosis diagnosis) {}

    /** Text: the diagnosis (the preface was printed while it ran); JSON: {workload, containers, diagnosis}. */
    static final View<Result> VIEW = new View<>() {
        @Override
        public void text(Result r, Terminal t) {
            DiagnoseViews.VIEW.text(r.diagnosis(), t);
        }

        @Override
        public Object json(Result r) {
            var o = Json.object();
            o.put("workload", r.workload().name().toLowerCase(java.util.Locale.ROOT));
            o.put("containers", r.containers());
            o.put("diagnosis", DiagnoseViews.json(r.diagnosis()));
            return o;
        }
    };

    /** Why Docker cannot run the demo, or null if it can (the daemon answers and has the image). */
    private String dockerMissing() throws InterruptedException {
        if (docker("version", "--format", "{{.Server.Version}}") == null) {
            return "no Docker daemon answers";
        }
        if (docker("image", "inspect", "--format", "{{.Id}}", image.value()) == null) {
            return "the image " + image.value() + " is not present";
        }
        return null;
    }

    /** Runs the docker CLI; returns its output, or null if it failed or is not installed. */
    private static String docker(String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? outText.strip() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
