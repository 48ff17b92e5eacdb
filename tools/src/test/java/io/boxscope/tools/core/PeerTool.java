package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A libbpf-tools binary run beside ours on the same workload (/usr/sbin/execsnoop, ...): started
 * line-buffered into a file ({@code stdbuf -oL}), ready once its header is there, ended with SIGINT
 * (libbpf-tools flush and exit on it), then its lines.
 */
public final class PeerTool implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final String name;

    /** Starts {@code command} and waits (up to 60 s) for a line containing {@code header}. */
    public PeerTool(String header, String... command) throws Exception {
        this.name = command[0];
        this.out = Files.createTempFile("peer-tool", ".txt");
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL"));
        cmd.addAll(List.of(command));
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains(header)) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline,
                    name + " (Debian package libbpf-tools) printed " + Files.readString(out));
            Thread.sleep(50);
        }
    }

    /** Ends it (SIGINT) and returns every line it printed. */
    public List<String> stop() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return Files.readAllLines(out);
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        Files.deleteIfExists(out);
    }
}
