package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
        while (!text().contains(header)) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline,
                    name + " (Debian package libbpf-tools) printed " + text());
            Thread.sleep(50);
        }
    }

    /**
     * Ends it (SIGINT) and returns every line it printed, decoded as UTF-8 with a byte that is not UTF-8 replaced
     * (U+FFFD): the peer traces the whole host and prints other processes' names as their bytes. A name that is not
     * UTF-8 (such as RawBytesToolsTest's perl named {@code b ff fe 01 x}, which other builds run on the same machine)
     * made {@code Files.readAllLines} throw MalformedInputException in ExitsnoopTest (session 36, walk36's tools
     * suite). The lines a test looks for are its own workload's.
     */
    public List<String> stop() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return text().lines().toList();
    }

    /** What it printed so far, malformed UTF-8 replaced ({@link #stop}). */
    private String text() throws java.io.IOException {
        return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        Files.deleteIfExists(out);
    }
}
