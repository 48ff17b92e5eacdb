package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's sysdig 0.29 on a capture file: the oracle. Missing sysdig fails the test (it is a declared peer tool). */
final class Sysdig {
    private Sysdig() {}

    static List<String> run(String... args) throws IOException, InterruptedException {
        return runIn(null, args);
    }

    /** Runs sysdig with {@code cwd} as working directory (it writes some files there), or the JVM's when null. */
    static List<String> runIn(Path cwd, String... args) throws IOException, InterruptedException {
        Path sysdig = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(sysdig)) {
            fail("sysdig is not installed: run scripts/setup-env (Debian package sysdig 0.29)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(sysdig.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().put("TZ", "UTC");
        Path err = Files.createTempFile("sysdig", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("sysdig did not finish: " + cmd);
        }
        String stderr = Files.readString(err);
        Files.delete(err);
        assertEquals(0, p.exitValue(), "sysdig " + String.join(" ", args) + " failed: " + stderr);
        String text = new String(out, StandardCharsets.ISO_8859_1);
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, text.endsWith("\n")
                ? text.split("\n", -1).length - 1 : text.split("\n", -1).length);
    }
}
