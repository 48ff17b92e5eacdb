package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;

/**
 * The built-in demo: starts a CPU-bound container limited to half a CPU and 128 MiB, shows what
 * Boxscope finds (the containers table, then the container's limits and throttling), and removes
 * the container. Later issues turn this into a full diagnosis.
 */
final class DemoCommand extends CliCommand {
    static final String IMAGE = "boxscope-test/busybox:latest";

    DemoCommand() {
        super("demo", "Start a CPU-bound test container (--cpus=0.5 --memory=128m), show what Boxscope sees,",
                "then remove it. Needs root and a running dockerd with the test image",
                "(./boxscope demo sets both up on a fresh machine).");
        examples("  ./boxscope demo                 the full demo",
                "  ./boxscope demo --seconds 5     let the container run (and be throttled) longer first",
                "  ./boxscope demo --json          the same figures as JSON");
    }
    static final String NAME = "boxscope-demo";

    final Opt<Integer> seconds = option(int.class, 0, "--seconds").label("N").defaultValue("2")
            .help("How long the container burns CPU before Boxscope looks (default: ${DEFAULT-VALUE}).");

    final Opt<String> image = option(String.class, null, "--image").label("IMAGE").defaultValue(IMAGE)
            .help("Image to run; it needs /bin/sh (default: ${DEFAULT-VALUE}).");

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds.value() < 0 || seconds.value() > 600) {
            throw new UsageException("--seconds must be between 0 and 600, not " + seconds.value());
        }
        GlobalOptions g = global();
        PrintWriter out = out();
        docker("rm", "-f", NAME);
        String started = docker("run", "-d", "--name", NAME, "--cpus=0.5", "--memory=128m", image.value(),
                "sh", "-c", "while :; do :; done");
        if (started == null) {
            throw new IllegalStateException("could not start the demo container: is dockerd running and is "
                    + image.value() + " present? As root, scripts/setup-env docker sets both up");
        }
        try {
            if (!g.json()) {
                out.println("Started container " + NAME + " (" + image.value() + ", --cpus=0.5 --memory=128m) running a busy loop;");
                out.println("letting it run " + seconds.value() + " s so its CPU limit throttles it...");
                out.println();
                out.flush();
            }
            Thread.sleep(seconds.value() * 1000L);
            Discovery d = ContainerDiscovery.of(g.paths()).scan();
            ContainerInfo demo = ContainerDiscovery.find(d, NAME);
            return show(new Result(d, demo), VIEW);
        } finally {
            docker("rm", "-f", NAME);
        }
    }

    /** What the demo found: every container, and the demo's own. */
    record Result(Discovery scan, ContainerInfo demo) {}

    static final View<Result> VIEW = new View<>() {
        @Override
        public void text(Result r, Terminal t) {
            PrintWriter out = t.out();
            ContainerInfo demo = r.demo();
            out.println("$ boxscope containers");
            out.print(ContainerViews.table(r.scan().containers()));
            out.println();
            out.println("$ boxscope containers --container " + NAME);
            out.print(ContainerViews.detail(demo));
            out.println();
            double share = demo.limits().throttling().throttledShare();
            if (share >= 0.2) {
                out.printf("Verdict: %s is CPU-limited: its 0.5 CPU quota throttled it in %.0f%% of scheduling periods.%n",
                        NAME, 100 * share);
            } else {
                out.printf("Verdict: %s was throttled in only %.0f%% of scheduling periods: its CPU limit is not what slows it.%n",
                        NAME, 100 * share);
            }
            out.println("(Later versions of this demo run the full `boxscope diagnose`.)");
        }

        @Override
        public Object json(Result r) {
            var o = Json.object();
            o.put("containers", ContainerViews.json(r.scan()).get("containers"));
            o.put("demo", ContainerViews.json(r.demo()));
            return o;
        }
    };

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
