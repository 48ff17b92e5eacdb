package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.cli.diagnose.DiagnoseViews;
import io.boxscope.diagnose.Diagnose;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Targets;
import java.time.Duration;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;

/**
 * The built-in demo: starts a test container running a known workload (the lab's "slow app" by
 * default, or one of the four classic bottlenecks), shows what Boxscope sees (the containers table),
 * runs {@code boxscope diagnose} on it, and removes the container.
 */
final class DemoCommand extends CliCommand {
    static final String IMAGE = "boxscope-test/busybox:latest";
    static final String NAME = "boxscope-demo";

    /** The demo workloads: each is a busybox shell script and the docker flags that make it what it is. */
    enum Workload {
        SLOW_APP("the lab's slow app: a little CPU work, a 10 kB file append, then a random 0.1-0.5 s sleep",
                List.of("--cpus=0.5", "--memory=128m"),
                "while :; do i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; "
                        + "dd if=/dev/zero of=/tmp/out bs=10000 count=1 oflag=append conv=notrunc 2>/dev/null; "
                        + "usleep $((100000 + RANDOM % 400000)); done"),
        THROTTLED("a busy loop under a 0.5 CPU limit", List.of("--cpus=0.5", "--memory=128m"), "while :; do :; done"),
        CPU_BOUND("two busy loops sharing one CPU (no limit)", List.of("--cpuset-cpus=0"),
                "while :; do :; done & while :; do :; done"),
        MEMORY_BOUND("a process that keeps 125 MB under a 128 MiB limit (and starts again when OOM-killed)",
                List.of("--memory=128m", "--memory-swap=128m"), "while :; do tail -c 125000000 /dev/zero >/dev/null; done"),
        IO_BOUND("a loop of 4 KiB appends, each followed by fsync", List.of(),
                "while :; do dd if=/dev/zero of=/tmp/f bs=4096 count=1 oflag=append conv=notrunc,fsync 2>/dev/null; done"),
        IDLE("a container that sleeps", List.of(), "sleep 100000");

        final String description;
        final List<String> dockerFlags;
        final String script;

        Workload(String description, List<String> dockerFlags, String script) {
            this.description = description;
            this.dockerFlags = dockerFlags;
            this.script = script;
        }
    }

    DemoCommand() {
        super("demo", "Start a test container running a known workload (the lab's slow app, or --throttled,",
                "--cpu-bound, --memory-bound, --io-bound, --idle), show what Boxscope sees, diagnose it with",
                "`boxscope diagnose`, then remove it. Needs root and a running dockerd with the test image",
                "(./boxscope demo sets both up on a fresh machine).");
        examples("  ./boxscope demo                 the lab's slow app, diagnosed",
                "  ./boxscope demo --throttled     a busy loop under --cpus=0.5: CPU-throttled",
                "  ./boxscope demo --io-bound --seconds 10",
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

    Workload workload() {
        List<Workload> chosen = new ArrayList<>();
        if (throttled.value()) {
            chosen.add(Workload.THROTTLED);
        }
        if (cpuBound.value()) {
            chosen.add(Workload.CPU_BOUND);
        }
        if (memoryBound.value()) {
            chosen.add(Workload.MEMORY_BOUND);
        }
        if (ioBound.value()) {
            chosen.add(Workload.IO_BOUND);
        }
        if (idle.value()) {
            chosen.add(Workload.IDLE);
        }
        if (chosen.size() > 1) {
            throw new UsageException("choose one workload, not " + chosen.size());
        }
        return chosen.isEmpty() ? Workload.SLOW_APP : chosen.getFirst();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds.value() < 1 || seconds.value() > 600) {
            throw new UsageException("--seconds must be between 1 and 600, not " + seconds.value());
        }
        Workload w = workload();
        GlobalOptions g = global();
        PrintWriter out = out();
        docker("rm", "-f", NAME);
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", NAME));
        run.addAll(w.dockerFlags);
        run.addAll(List.of(image.value(), "sh", "-c", w.script));
        String started = docker(run.toArray(String[]::new));
        if (started == null) {
            throw new IllegalStateException("could not start the demo container: is dockerd running and is "
                    + image.value() + " present? As root, scripts/setup-env docker sets both up");
        }
        try {
            if (!g.json()) {
                out.println(Text.safe("Started container " + NAME + " (" + image.value() + " " + String.join(" ", w.dockerFlags)
                        + ") running " + w.description + "."));
                out.println();
                out.flush();
            }
            Thread.sleep(1000);
            ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
            Discovery d = discovery.scan();
            Target target = Targets.resolve(NAME, g.paths(), discovery);
            if (!g.json()) {
                out.println("$ boxscope containers");
                out.print(ContainerViews.table(d.containers()));
                out.println();
                out.println("$ boxscope diagnose " + NAME + " --duration " + seconds.value() + "s");
                out.flush();
            }
            Diagnosis diagnosis = Diagnose.run(target, g.paths(), Duration.ofSeconds(seconds.value()), Duration.ofMillis(100));
            if (g.json()) {
                var o = Json.object();
                o.put("workload", w.name().toLowerCase(java.util.Locale.ROOT));
                o.put("containers", ContainerViews.json(d).get("containers"));
                o.put("diagnosis", DiagnoseViews.json(diagnosis));
                out.println(Json.pretty(o));
            } else {
                out.print(DiagnoseViews.text(diagnosis));
            }
            return ExitCode.OK;
        } finally {
            docker("rm", "-f", NAME);
        }
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
