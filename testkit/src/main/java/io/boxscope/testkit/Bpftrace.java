package io.boxscope.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Runs bpftrace 0.17, the oracle the probe tests compare with. Its output goes to files, not pipes: with {@code -c}
 * and a program it refuses, bpftrace exits but leaves the child it forked for the command waiting, holding the
 * inherited descriptors, so reading a pipe to its end would wait forever. Every process bpftrace started is killed
 * once it has exited (they are collected while it runs: once bpftrace has exited they are no longer its descendants).
 */
public final class Bpftrace {
    private Bpftrace() {}

    /** bpftrace's exit status, standard output and standard error. */
    public record Ran(int code, String out, String err) {}

    /**
     * Runs {@code bpftrace ARGS} with {@code env} added to this process's environment, and fails the test unless it
     * ends within 60 s; skips (developer) or fails (root, CI) when bpftrace is not installed.
     */
    public static Ran run(Map<String, String> env, List<String> args) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        Path out = Files.createTempFile("bpftrace-out", ".txt");
        Path err = Files.createTempFile("bpftrace-err", ".txt");
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("bpftrace"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            Set<ProcessHandle> started = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline) {
                p.descendants().forEach(started::add);
                Thread.sleep(5);
            }
            boolean ended = !p.isAlive();
            started.forEach(ProcessHandle::destroyForcibly);
            if (!ended) {
                p.destroyForcibly();
            }
            Assertions.assertTrue(ended, "bpftrace finished within 60 s: " + args);
            return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
