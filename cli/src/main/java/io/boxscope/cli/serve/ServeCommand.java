package io.boxscope.cli.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.diagnose.serve.ContainerCollector;
import io.boxscope.diagnose.serve.Exporter;
import io.boxscope.diagnose.serve.HostEbpf;
import io.boxscope.proc.container.ContainerDiscovery;

/**
 * {@code boxscope serve}: a Prometheus exporter of every container's cgroup figures, until Ctrl-C or
 * SIGTERM. Listens on loopback unless {@code --listen} names another address: the endpoint has no
 * authentication, so exposing it is a choice the user writes out.
 */
public final class ServeCommand extends CliCommand {
    static final String DEFAULT_LISTEN = "127.0.0.1:9464";

    public ServeCommand() {
        super("serve", "Serve Prometheus metrics of every container's cgroups (CPU, throttling,",
                "memory, pressure, block I/O) and eBPF figures (syscalls and errors, run-queue",
                "and disk latency) at http://HOST:PORT/metrics until Ctrl-C;",
                "loopback only unless --listen names another address.");
        globals("--proc-root", "--sys-root");
        examples("  boxscope serve                            http://127.0.0.1:9464/metrics",
                "  boxscope serve --listen 127.0.0.1:0       any free port (printed at start)",
                "  boxscope serve --listen 0.0.0.0:9464      all interfaces: readable by anyone",
                "  boxscope serve --no-ebpf                  cgroup series only");
    }

    final Opt<String> listen = option(String.class, DEFAULT_LISTEN, "-l", "--listen").label("HOST:PORT")
            .help("Where to listen (default " + DEFAULT_LISTEN + "; port 0 picks a free one; [::1]:9464 for IPv6).");
    final Opt<Integer> maxContainers = option(Integer.class, 1000, "--max-containers").label("N")
            .help("Export at most N containers per scrape (default 1000); the rest are counted in boxscope_scrape_containers_dropped.");

    final Opt<Boolean> noEbpf = flag("--no-ebpf")
            .help("Export the cgroup series only: no in-kernel collectors (syscalls, run-queue and disk latency), which cost"
                    + " every process of the host a little per system call and context switch.");

    @Override
    public Integer call() throws IOException, InterruptedException {
        GlobalOptions g = global();
        InetSocketAddress address = parseListen(listen.value());
        if (maxContainers.value() < 1) {
            throw new UsageException("--max-containers must be at least 1, not " + maxContainers.value());
        }
        ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
        // A rescan reads every /proc/PID/cgroup and asks the runtimes: at most once a second, so
        // several scrapers (or a 1 s scrape interval) do not multiply it; counters are read afresh.
        PrintWriter out = out();
        PrintWriter err = err();
        // The in-kernel collectors are loaded once (the verifier takes a few seconds) and stay attached.
        HostEbpf kernel = noEbpf.value() ? null : HostEbpf.start(g.paths());
        if (kernel != null) {
            kernel.absent().forEach((name, why) -> err.println("boxscope: serve: eBPF series of " + name
                    + " absent (boxscope_ebpf_collector_up{collector=\"" + name + "\"} 0): " + Text.safe(why)));
            err.flush();
        }
        ContainerCollector collector = new ContainerCollector(discovery::scan, g.paths(), TimeUnit.SECONDS.toNanos(1),
                maxContainers.value(), ContainerCollector.PSS_MAX_AGE_NANOS, true, kernel);
        Exporter exporter;
        try {
            exporter = Exporter.start(address, collector);
        } catch (BindException e) {
            if (kernel != null) {
                kernel.close();
            }
            throw new IOException("cannot listen on " + listen.value() + ": " + e.getMessage()
                    + " (another exporter on this port? choose one with --listen HOST:PORT)", e);
        }
        try (HostEbpf k = kernel; exporter; StopSignals stop = StopSignals.install()) {
            InetSocketAddress a = exporter.address();
            String host = a.getAddress().getHostAddress();
            out.println("Serving Prometheus metrics on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + a.getPort() + "/metrics (Ctrl-C to stop)");
            if (!a.getAddress().isLoopbackAddress()) {
                err.println("boxscope: warning: listening on " + Text.safe(listen.value())
                        + ", not loopback: the metrics (container names, images) are readable by anyone who can reach it");
            }
            out.flush();
            err.flush();
            List<String> shown = List.of();
            while (!stop.await(TimeUnit.SECONDS.toNanos(1))) {
                List<String> problems = collector.lastProblems();
                if (!problems.isEmpty() && !problems.equals(shown)) {
                    for (String p : problems) {
                        err.println("boxscope: serve: " + Text.safe(p));
                    }
                    err.flush();
                }
                shown = problems;
            }
        }
        return ExitCode.OK;
    }

    /**
     * {@code HOST:PORT}, {@code [V6]:PORT}: a literal address or a name that resolves; port 0..65535.
     * Hosts are resolved here so that a typo fails before anything listens.
     */
    static InetSocketAddress parseListen(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("--listen wants HOST:PORT, e.g. " + DEFAULT_LISTEN + ", not '" + spec + "'");
        }
        String host = spec.substring(0, colon);
        String portText = spec.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new UsageException("--listen: write an IPv6 address in brackets, e.g. [::1]:9464, not '" + spec + "'");
        }
        if (host.isEmpty()) {
            throw new UsageException("--listen: give the host too (" + DEFAULT_LISTEN + " for loopback, 0.0.0.0:PORT for every interface), not '"
                    + spec + "'");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--listen: the port must be a number from 0 to 65535, not '" + portText + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new UsageException("--listen: unknown host '" + host + "'");
        }
    }
}
