package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The built-in demo: starts a CPU-bound container limited to half a CPU and 128 MiB, shows what
 * Boxscope finds (the containers table, then the container's limits and throttling), and removes
 * the container. Later issues turn this into a full diagnosis.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a CPU-bound test container (--cpus=0.5 --memory=128m), show what Boxscope sees,",
                "then remove it. Needs root and a running dockerd with the test image",
                "(./boxscope demo sets both up on a fresh machine)."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  ./boxscope demo                 the full demo",
                "  ./boxscope demo --seconds 5     let the container run (and be throttled) longer first",
                "  ./boxscope demo --json          the same figures as JSON"})
final class DemoCommand implements Callable<Integer> {
    static final String IMAGE = "boxscope-test/busybox:latest";
    static final String NAME = "boxscope-demo";

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "2",
            description = "How long the container burns CPU before Boxscope looks (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = IMAGE,
            description = "Image to run; it needs /bin/sh (default: ${DEFAULT-VALUE}).")
    String image;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds < 0 || seconds > 600) {
            throw new UsageException("--seconds must be between 0 and 600, not " + seconds);
        }
        GlobalOptions g = BoxscopeCommand.global(spec);
        PrintWriter out = spec.commandLine().getOut();
        docker("rm", "-f", NAME);
        String started = docker("run", "-d", "--name", NAME, "--cpus=0.5", "--memory=128m", image,
                "sh", "-c", "while :; do :; done");
        if (started == null) {
            throw new IllegalStateException("could not start the demo container: is dockerd running and is "
                    + image + " present? As root, scripts/setup-env docker sets both up");
        }
        try {
            if (!g.json()) {
                out.println("Started container " + NAME + " (" + image + ", --cpus=0.5 --memory=128m) running a busy loop;");
                out.println("letting it run " + seconds + " s so its CPU limit throttles it...");
                out.println();
                out.flush();
            }
            Thread.sleep(seconds * 1000L);
            Discovery d = ContainerDiscovery.of(g.paths()).scan();
            ContainerInfo demo = ContainerDiscovery.find(d, NAME);
            if (g.json()) {
                var o = Json.object();
                o.put("containers", ContainerViews.json(d).get("containers"));
                o.put("demo", ContainerViews.json(demo));
                out.println(Json.pretty(o));
                return ExitCode.OK;
            }
            out.println("$ boxscope containers");
            out.print(ContainerViews.table(d.containers()));
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
