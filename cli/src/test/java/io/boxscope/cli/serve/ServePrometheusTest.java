package io.boxscope.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.CgroupFiles;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope serve} scraped by a real Prometheus server (the Debian package, started here on
 * loopback with a 1 s scrape interval) while a container runs a busy loop at {@code --cpus=0.5}:
 * PromQL through Prometheus's HTTP API must return the container's throttling ratio, its raw
 * throttling counter between the kernel's values read before and after, and its memory limit
 * exactly. serve runs as its own JVM ({@code Main serve}) and must end with exit 0 on SIGTERM.
 * Every wait is bounded; both processes are ended in finally blocks.
 */
@DockerTest
class ServePrometheusTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final long MEMORY_LIMIT = 48L * 1024 * 1024;

    /** An HTTP answer (java.net.http is not read by the cli module these tests are patched into). */
    record Response(int statusCode, String body) {}

    @Test
    void prometheusAnswersTheThrottlingRatioAndTheMemoryLimit(@TempDir Path tmp) throws Exception {
        String name = "boxscope-test-serve-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.5", "--memory=48m",
                // the labels cri-dockerd gives a pod's containers: serve adds pod and namespace
                "--label", "io.kubernetes.pod.name=web-0", "--label", "io.kubernetes.pod.namespace=shop"), "sh", "-c", "while :; do :; done")) {
            Path cpuStat = CgroupFiles.controllerDir(c.pid(), "cpu").resolve("cpu.stat");
            long throttledBefore = kernelCounter(cpuStat, "nr_throttled");
            Process serve = startServe(tmp);
            Process prometheus = null;
            try {
                int servePort = servePort(serve, tmp.resolve("serve.out"));
                int promPort = freePort();
                prometheus = startPrometheus(tmp, servePort, promPort);
                String api = "http://127.0.0.1:" + promPort;
                awaitReady(api, prometheus, tmp.resolve("prometheus.log"));

                String sel = "{container=\"" + name + "\"}";
                String ratio = "rate(boxscope_container_cpu_cfs_throttled_periods_total" + sel + "[10s])"
                        + " / rate(boxscope_container_cpu_cfs_periods_total" + sel + "[10s])";
                long deadline = System.nanoTime() + WAIT.toNanos();
                long throttledAtFirstAnswer = -1;
                Optional<Double> seen = Optional.empty();
                while (System.nanoTime() < deadline) {
                    // NaN is 0/0: no CFS period ended within the window (the loop was not scheduled): ask again.
                    Optional<Double> v = single(api, ratio).filter(x -> !x.isNaN());
                    if (v.isPresent()) {
                        assertTrue(v.get() >= 0 && v.get() <= 1, "throttled share outside [0,1]: " + v.get());
                        if (throttledAtFirstAnswer < 0) {
                            throttledAtFirstAnswer = kernelCounter(cpuStat, "nr_throttled");
                        }
                        seen = v;
                        if (v.get() > 0) {
                            break;
                        }
                    }
                    Thread.sleep(1000);
                }
                assertTrue(seen.isPresent(), "Prometheus never answered " + ratio + " within " + WAIT + "; its log: "
                        + tail(tmp.resolve("prometheus.log")) + "\nserve's: " + tail(tmp.resolve("serve.err")));
                long throttledAfter = kernelCounter(cpuStat, "nr_throttled");
                if (seen.get() == 0) {
                    // A busy machine can keep the loop under its quota: then the kernel must agree
                    // that it was not throttled while Prometheus was answering.
                    assertEquals(throttledAtFirstAnswer, throttledAfter,
                            "Prometheus said 0 throttled periods while the kernel's nr_throttled grew");
                    System.err.println("ServePrometheusTest: " + name + " was not throttled (the machine is busy): ratio 0");
                }

                // The raw counter: between the kernel's value before serve started and now.
                double counter = single(api, "boxscope_container_cpu_cfs_throttled_periods_total" + sel).orElseThrow();
                long now = kernelCounter(cpuStat, "nr_throttled");
                assertTrue(counter >= throttledBefore && counter <= now,
                        "nr_throttled through Prometheus " + counter + " not within the kernel's " + throttledBefore + ".." + now);

                // The memory limit, exactly: what docker set and the kernel reports.
                long kernelLimit = Long.parseLong(Files.readString(memoryLimitFile(c.pid())).strip());
                assertEquals(MEMORY_LIMIT, kernelLimit);
                double limit = single(api, "boxscope_container_memory_limit_bytes" + sel).orElseThrow();
                assertEquals((double) MEMORY_LIMIT, limit);
                assertEquals(0.5, single(api, "boxscope_container_cpu_limit_cpus" + sel).orElseThrow());
                assertEquals(0.5, single(api, "boxscope_container_cpu_limit_cpus{container=\"" + name
                        + "\",pod=\"web-0\",namespace=\"shop\"}").orElseThrow(), "the pod's labels on its series");
                // the busy shell's PSS: some of its memory, less than its RSS and its cgroup's limit
                double pss = single(api, "boxscope_container_memory_pss_bytes" + sel).orElseThrow();
                assertTrue(pss > 0 && pss < MEMORY_LIMIT, "PSS of the container's shell: " + pss);
                assertEquals(0.0, single(api, "boxscope_scrape_read_errors_total").orElseThrow(),
                        "serve's stderr: " + tail(tmp.resolve("serve.err")));
            } finally {
                if (prometheus != null) {
                    stop(prometheus);
                }
                serve.destroy(); // SIGTERM: serve must stop cleanly, exit 0
                boolean ended = serve.waitFor(30, TimeUnit.SECONDS);
                if (!ended) {
                    serve.destroyForcibly();
                }
                assertTrue(ended, "serve did not end within 30 s of SIGTERM");
                assertEquals(0, serve.exitValue(), "serve's exit code after SIGTERM; stderr: " + tail(tmp.resolve("serve.err")));
            }
        }
    }

    /**
     * The eBPF series of a container whose workload is known: it spins on a shell test (one
     * syscall, no fork) until the test creates go in its mounted /trigger, which the test does once Prometheus has
     * the container's syscall series (serve counts it from then on); then it runs {@code uname}
     * exactly {@value #UNAMES} times (one uname(2) each, a rare call) and {@code cat} of a missing
     * file as often, then {@value #DIRECT_WRITES} direct writes of 64 KiB ended by one fsync (a file
     * on a block device: the module's target directory), then spins without a syscall (few distinct
     * syscalls, all named). Prometheus (native histograms on, so it scrapes the
     * protobuf format) must answer the uname count exactly, at least as many ENOENT failures, a
     * run-queue latency histogram with a positive count, exactly one fsync in the syscall latency
     * histogram, at least as many writes and block requests as the direct writes; every collector up,
     * none skipping updates for a full map.
     */
    @Test
    void prometheusAnswersAContainersSyscallsAndRunQueueLatency(@TempDir Path tmp) throws Exception {
        String name = "boxscope-test-serve-ebpf-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        String script = "while [ ! -e /trigger/go ]; do :; done; i=0; while [ $i -lt " + (int) UNAMES + " ]; do uname >/dev/null;"
                + " cat /nonexistent-boxscope 2>/dev/null; i=$((i+1)); done;"
                + " dd if=/dev/zero of=/data/f bs=64k count=" + DIRECT_WRITES + " oflag=direct conv=fsync 2>/dev/null; while :; do :; done";
        // The trigger is a file the test makes in a directory mounted into the container: `docker exec`
        // would run the runtime's own process in the container's cgroup, and its syscalls would be counted.
        Path trigger = Files.createDirectories(tmp.resolve("trigger"));
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-io-");
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.2", "-v", trigger + ":/trigger", "-v", data + ":/data"),
                "sh", "-c", script)) {
            Process serve = startServe(tmp);
            Process prometheus = null;
            try {
                int servePort = servePort(serve, tmp.resolve("serve.out"));
                int promPort = freePort();
                prometheus = startPrometheus(tmp, servePort, promPort, true);
                String api = "http://127.0.0.1:" + promPort;
                awaitReady(api, prometheus, tmp.resolve("prometheus.log"));
                String sel = "container=\"" + name + "\"";
                String why = "; serve's stderr: " + tail(tmp.resolve("serve.err")) + "\nprometheus: " + tail(tmp.resolve("prometheus.log"));
                // serve counts the container once a scrape has seen it: then start the workload
                await(api, "sum(boxscope_container_syscalls_total{" + sel + "})", v -> v > 0, why);
                Files.writeString(trigger.resolve("go"), "");
                double unames = await(api, "boxscope_container_syscalls_total{" + sel + ",syscall=\"uname\"}", v -> v >= UNAMES, why);
                assertEquals(UNAMES, unames, "uname(2) calls of the container through Prometheus" + why);
                double enoent = await(api, "boxscope_container_syscall_errors_by_errno_total{" + sel + ",errno=\"ENOENT\"}",
                        v -> v >= UNAMES, why);
                assertTrue(enoent >= UNAMES, "ENOENT failures: " + enoent);
                double runq = await(api, "histogram_count(boxscope_container_runqueue_latency_seconds{" + sel + "})", v -> v > 0, why);
                assertTrue(runq > 0, "run-queue latency observations: " + runq);
                double fsyncs = await(api, "histogram_count(boxscope_container_syscall_latency_seconds{" + sel + ",operation=\"fsync\"})",
                        v -> v >= 1, why);
                assertEquals(1.0, fsyncs, "fsync calls of the container in its syscall latency histogram" + why);
                double writes = await(api, "histogram_count(boxscope_container_syscall_latency_seconds{" + sel + ",operation=\"write\"})",
                        v -> v >= DIRECT_WRITES, why);
                assertTrue(writes >= DIRECT_WRITES, "write calls: " + writes);
                double requests = await(api, "histogram_count(boxscope_container_block_io_latency_seconds{" + sel + "})",
                        v -> v >= DIRECT_WRITES, why);
                assertTrue(requests >= DIRECT_WRITES, "block requests of the container: " + requests);
                // its direct writes' bytes, counted by eBPF: the cgroup's own counters (boxscope_container_io_bytes_total)
                // stay 0 on a cgroup v1 blkio host such as this one; 64 KiB each, at least (dd's first write may split)
                double wrote = await(api, "boxscope_container_block_io_bytes_total{" + sel + ",operation=\"write\"}",
                        v -> v >= DIRECT_WRITES * 65536.0, why);
                assertTrue(wrote >= DIRECT_WRITES * 65536.0, "bytes written by the container's block requests: " + wrote);
                double writeRequests = await(api, "boxscope_container_block_io_requests_total{" + sel + ",operation=\"write\"}",
                        v -> v >= DIRECT_WRITES, why);
                assertTrue(writeRequests >= DIRECT_WRITES, "write requests of the container: " + writeRequests);
                // the same after more scrapes: a counter of a finished loop does not move
                Thread.sleep(2500);
                assertEquals(UNAMES, single(api, "boxscope_container_syscalls_total{" + sel + ",syscall=\"uname\"}").orElseThrow());
                for (String collector : List.of("syscalls", "runqlat", "biolat")) {
                    assertEquals(1.0, single(api, "boxscope_ebpf_collector_up{collector=\"" + collector + "\"}").orElseThrow(),
                            collector + why);
                    assertEquals(0.0, single(api, "boxscope_ebpf_failed_map_updates_total{collector=\"" + collector + "\"}").orElseThrow(),
                            collector + why);
                }
            } finally {
                Docker.run("run", "--rm", "-v", data + ":/data", io.boxscope.testkit.Requirements.TEST_IMAGE, "rm", "-f", "/data/f");
                Files.deleteIfExists(data);
                if (prometheus != null) {
                    stop(prometheus);
                }
                serve.destroy();
                boolean ended = serve.waitFor(30, TimeUnit.SECONDS);
                if (!ended) {
                    serve.destroyForcibly();
                }
                assertTrue(ended, "serve did not end within 30 s of SIGTERM");
                assertEquals(0, serve.exitValue(), "serve's exit code after SIGTERM; stderr: " + tail(tmp.resolve("serve.err")));
            }
        }
    }

    static final double UNAMES = 7;
    static final int DIRECT_WRITES = 4;

    /** Asks {@code promql} every second until its single value passes {@code done}; fails after {@link #WAIT}. */
    private double await(String api, String promql, java.util.function.DoublePredicate done, String why) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Optional<Double> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = single(api, promql);
            if (last.isPresent() && done.test(last.get())) {
                return last.get();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Prometheus did not answer " + promql + " as expected within " + WAIT + " (last: " + last + ")" + why);
    }

    private Process startServe(Path tmp) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.boxscope.cli.Main", "serve", "--listen", "127.0.0.1:0"));
        return new ProcessBuilder(cmd).redirectOutput(tmp.resolve("serve.out").toFile())
                .redirectError(tmp.resolve("serve.err").toFile()).start();
    }

    /** The port serve printed in its first line ("Serving Prometheus metrics on http://127.0.0.1:PORT/metrics"). */
    private static int servePort(Process serve, Path out) throws Exception {
        Pattern p = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(Files.readString(out));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(serve.isAlive(), "serve exited with " + (serve.isAlive() ? "" : serve.exitValue()) + ": "
                    + Files.readString(out) + tail(out.resolveSibling("serve.err")));
            Thread.sleep(200);
        }
        throw new AssertionError("serve did not say where it listens within 60 s: " + Files.readString(out));
    }

    private static Process startPrometheus(Path tmp, int target, int port) throws IOException {
        return startPrometheus(tmp, target, port, false);
    }

    /** With {@code nativeHistograms}, Prometheus asks for the protobuf format and keeps native histograms (2.40+ flag). */
    private static Process startPrometheus(Path tmp, int target, int port, boolean nativeHistograms) throws IOException {
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: boxscope
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target));
        Path data = Files.createDirectories(tmp.resolve("prometheus-data"));
        List<String> cmd = new ArrayList<>(List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        if (nativeHistograms) {
            cmd.add("--enable-feature=native-histograms");
        }
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
    }

    private void awaitReady(String api, Process prometheus, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(prometheus.isAlive(), "prometheus exited: " + tail(log));
            try {
                if (get(api + "/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        fail("prometheus was not ready within 60 s: " + tail(log));
    }

    /** The value of an instant query that returns at most one series; empty when it returns none. */
    private Optional<Double> single(String api, String promql) throws Exception {
        Response r = get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), promql + ": " + r.body());
        Map<String, Object> body = Json.asObject(Json.parse(r.body()));
        assertEquals("success", body.get("status"), r.body());
        List<Object> result = Json.asList(Json.asObject(body.get("data")).get("result"));
        if (result.isEmpty()) {
            return Optional.empty();
        }
        assertEquals(1, result.size(), promql + " returned several series: " + r.body());
        List<Object> value = Json.asList(Json.asObject(result.getFirst()).get("value"));
        return Optional.of(Double.parseDouble((String) value.get(1))); // "NaN" parses to NaN
    }

    private static Response get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        try {
            int code = c.getResponseCode();
            var in = code < 400 ? c.getInputStream() : c.getErrorStream();
            return new Response(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    private static long kernelCounter(Path cpuStat, String key) throws IOException {
        for (String line : Files.readAllLines(cpuStat)) {
            String[] f = line.split(" ");
            if (f[0].equals(key)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new AssertionError(cpuStat + " has no " + key);
    }

    private static Path memoryLimitFile(int pid) throws IOException {
        Path dir = CgroupFiles.memoryDir(pid);
        Path v1 = dir.resolve("memory.limit_in_bytes");
        return Files.exists(v1) ? v1 : dir.resolve("memory.max");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path f) {
        try {
            String s = Files.readString(f);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(" + f + ": " + e.getMessage() + ")";
        }
    }
}
