package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sysdig -r FILE ...} (Debian package sysdig 0.29, the oracle for our .scap files: only {@code -r} works on the
 * test machines), its standard output as lines. TZ is the JVM's zone, so the times sysdig prints are in the zone
 * {@code boxscope trace -r} prints in.
 */
final class SysdigRead {
    private SysdigRead() {}

    static List<String> lines(Path file, String... more) throws Exception {
        return new String(bytes(file, more), StandardCharsets.UTF_8).lines().toList();
    }

    /** Its standard output as it is, byte for byte (a test of bytes that are not UTF-8). */
    static byte[] bytes(Path file, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", file.toString()));
        command.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TZ", ZoneId.systemDefault().getId());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "sysdig -r (Debian package sysdig 0.29) failed");
        return out;
    }
}
