package io.boxscope.tools.hist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: a libbpf-tools program run next to Boxscope's tool (started, waited for until it
 * prints "Tracing", stopped with SIGINT as Ctrl-C stops it) and its histograms read back from its text.
 */
public final class LibbpfOutput {
    private LibbpfOutput() {}

    /** One histogram of the output: the label line before it ("pid = 42 dash", "disk = vda", or ""), its counts. */
    public record Hist(String label, long[] counts) {
        public long total() {
            long t = 0;
            for (long c : counts) {
                t += c;
            }
            return t;
        }

        /** The slot with the most counts (the lowest of ties). */
        public int mode() {
            int m = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > counts[m]) {
                    m = i;
                }
            }
            return m;
        }
    }

    /** A captured output shipped as a test resource, by absolute path ({@code /io/boxscope/tools/...}). */
    public static String resource(String path) throws IOException {
        try (java.io.InputStream in = LibbpfOutput.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every histogram in {@code text}, in order. */
    public static List<Hist> parse(String text) {
        List<Hist> out = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).endsWith(" : count    distribution")) {
                continue;
            }
            String label = i > 0 ? lines.get(i - 1).trim() : "";
            List<Long> counts = new ArrayList<>();
            int j = i + 1;
            for (; j < lines.size() && lines.get(j).contains(" -> "); j++) {
                counts.add(Long.parseLong(lines.get(j).split(":")[1].trim().split("\\s+")[0]));
            }
            out.add(new Hist(label, counts.stream().mapToLong(Long::longValue).toArray()));
            i = j - 1;
        }
        return out;
    }

    /** A running libbpf-tools program. */
    public static final class Running implements AutoCloseable {
        private final Process p;
        private final StringBuilder out = new StringBuilder();
        private final Thread reader;

        /** Runs {@code command} line-buffered ({@code stdbuf -oL}: into a pipe, its printf would hold "Tracing" back). */
        public Running(String... command) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL"));
            cmd.addAll(List.of(command));
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = Thread.ofPlatform().start(() -> {
                try {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = p.getInputStream().read(buf)) > 0) {
                        synchronized (out) {
                            out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!text().contains("Tracing")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly(); // the caller gets no object to close
                    throw new AssertionError(String.join(" ", command) + " did not start: " + text());
                }
                Thread.sleep(20);
            }
        }

        public String text() {
            synchronized (out) {
                return out.toString();
            }
        }

        /** SIGINT (libbpf-tools print their histograms on it), then the whole output. */
        public String stop() throws Exception {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("libbpf-tools did not end on SIGINT: " + text());
            }
            reader.join(10_000);
            return text();
        }

        @Override
        public void close() {
            p.destroyForcibly();
        }
    }
}
