package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
