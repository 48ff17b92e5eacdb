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

    /**
     * Moves every event of the capture {@code file} (rewritten in place) to the future: the first event one day from
     * now, the gaps between events kept. Why: sysdig's host-name cache (libsinsp dns_manager.cpp, the resolver thread
     * sinsp_dns_resolver::refresh) forgets every name whose last use, in event time, is more than an hour before the
     * wall clock, and retries a resolution 10 s after it; the thread runs beside the reading, so on a capture made over
     * an hour ago fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name lose their value at an event that depends on when
     * the thread ran (a CI run printed {@code <NA>} at one close where other runs printed the name). Events in the future
     * are never "unused for an hour" and never due for a refresh, so sysdig's answer no longer depends on a race. Walks
     * the blocks as libscap lays them out (scap_savefile.h: u32 type, u32 total length, body; an event body starts with
     * u16 cpu, then u32 flags for the EVF types, then the event header whose first field is the u64 timestamp).
     */
    static void moveToTheFuture(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long delta = Long.MIN_VALUE;
        for (int at = 0; at + 8 <= b.length; ) {
            int type = buf.getInt(at);
            int total = buf.getInt(at + 4);
            if (total < 12 || at + total > b.length) {
                throw new IOException(file + ": block at " + at + " of " + total + " bytes does not fit the file");
            }
            int ts = switch (type) {
                case 0x204, 0x216, 0x221, 0x8010ABCD -> at + 8 + 2; // EV, EV_V2, EV_V2_LARGE, EV_INT
                case 0x208, 0x217, 0x222 -> at + 8 + 2 + 4; // EVF, EVF_V2, EVF_V2_LARGE
                default -> -1;
            };
            if (ts > 0) {
                if (delta == Long.MIN_VALUE) {
                    long now = java.time.Instant.now().getEpochSecond() * 1_000_000_000L;
                    delta = now + 86_400L * 1_000_000_000L - buf.getLong(ts);
                }
                buf.putLong(ts, buf.getLong(ts) + delta);
            }
            at += total;
        }
        Files.write(file, b);
    }
}
