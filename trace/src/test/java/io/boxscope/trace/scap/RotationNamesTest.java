package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotated file names against sysdig 0.29's own: sysdig cannot capture on this kernel, but it rotates
 * when it rewrites a file ({@code sysdig -r IN -w OUT -C/-G/-W/-e}), with the same cycle_writer.
 */
class RotationNamesTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @TempDir
    Path dir;

    /** {@code n} write events of 1,000 bytes, {@code stepNs} apart. */
    private Path capture(String name, int n, long stepNs) throws Exception {
        Path p = dir.resolve(name);
        ThreadInfo sh = ThreadInfo.of(700, 700, 1, "sh", "/bin/sh", List.of(), "/tmp/", 0, 0);
        CaptureTables t = new CaptureTables(new MachineInfo(1, 1L << 30, 32768, "h"), List.of(), List.of(), List.of(),
                List.of(sh), Map.of());
        long ts = 1_700_000_000_000_000_000L;
        try (ScapWriter w = ScapWriter.create(p, t, false)) {
            for (int i = 0; i < n; i++) {
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += stepNs, 700, 0).num(1000).bytes(new byte[1000]).build());
            }
        }
        return p;
    }

    /** The names sysdig leaves in a fresh directory after rewriting {@code in} with {@code options}. */
    private TreeSet<String> sysdigNames(Path in, String base, String... options) throws Exception {
        Path out = Files.createTempDirectory(dir, "out");
        String[] args = new String[options.length + 4];
        args[0] = "-r";
        args[1] = in.toString();
        args[2] = "-w";
        args[3] = out.resolve(base).toString();
        System.arraycopy(options, 0, args, 4, options.length);
        Sysdig.runIn(out, args);
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static TreeSet<String> ours(RotationNames r, int files, long startSecond, long stepSeconds) {
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < files; i++) {
            names.add(r.name(i, startSecond + i * stepSeconds, UTC));
        }
        return names;
    }

    @Test
    void sizeRotation() throws Exception {
        Path big = capture("big.scap", 3500, 1000); // 3.7 MB: four files of 1 MB
        assertEquals(ours(new RotationNames("cap.scap", 1, 0, 12, 0), 4, 0, 0), sysdigNames(big, "cap.scap", "-C", "1", "-W", "12"));
        assertEquals(ours(new RotationNames("cap", 1, 0, 0, 0), 4, 0, 0), sysdigNames(big, "cap", "-C", "1"));
        assertEquals(ours(new RotationNames("cap.scap", 1, 0, 3, 0), 4, 0, 0), sysdigNames(big, "cap.scap", "-C", "1", "-W", "3"));
        assertEquals(1_000_000L, new RotationNames("x", 1, 0, 0, 0).rolloverBytes());
    }

    @Test
    void timeAndEventRotation() throws Exception {
        Path slow = capture("slow.scap", 100, 500_000_000L); // 50 seconds: a new file at each of 5 boundaries, 6 files
        assertEquals(ours(new RotationNames("cap", 0, 10, 2, 0), 6, 0, 10), sysdigNames(slow, "cap", "-G", "10", "-W", "2"));
        assertEquals(ours(new RotationNames("cap", 1, 10, 12, 0), 6, 0, 10), sysdigNames(slow, "cap", "-G", "10", "-C", "1", "-W", "12"));
        assertEquals(ours(new RotationNames("cap", 0, 0, 0, 30), 4, 0, 0), sysdigNames(slow, "cap", "-e", "30"));
        // strftime names: reading a file, sysdig names its first file first_dump.scap (cyclewriter.cpp's
        // comment calls it a bug); the live capture has no such first file
        TreeSet<String> theirs = sysdigNames(slow, "cap-%H%M%S", "-G", "10");
        assertTrue(theirs.remove("first_dump.scap"), theirs.toString());
        RotationNames r = new RotationNames("cap-%H%M%S", 0, 10, 0, 0);
        TreeSet<String> mine = new TreeSet<>();
        for (long s = 1_700_000_010L; s <= 1_700_000_050L; s += 10) {
            mine.add(r.name(0, s, UTC));
        }
        assertEquals(mine, theirs);
    }

    @Test
    void strftimeConversions() {
        assertEquals("cap-20231114-221320.scap", RotationNames.strftime("cap-%Y%m%d-%H%M%S.scap",
                java.time.Instant.ofEpochSecond(1_700_000_000L).atZone(UTC)));
    }
}
