package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -w FILE -C 1 -W 3} on a live capture: a perl child writes {@link #WRITES} × 100 bytes to /dev/null
 * (about 5 MB of capture at the default snap length), so the capture fills more than three files of 1 MB
 * and wraps. The names are sysdig's ({@code RotationNamesTest} checks them against sysdig 0.29 itself),
 * each file is 0600 and sysdig -r reads each one with the child's name on every event (every file starts
 * with the process table as the capture knows it then, though the child has long exited).
 */
@KernelTest
class TraceRotationTest {
    private static final int WRITES = 30_000;

    @Test
    void sizeRotationWrapsAtTheFileLimit(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        String script = "until (-e '" + go + "') { select(undef, undef, undef, 0.02); } "
                + "open(my $f, '>', '/dev/null') or die; syswrite($f, 'z' x 100) for 1.." + WRITES + "; exit 0;";
        Process child = new ProcessBuilder("perl", "-e", script).start();
        try {
            Path base = dir.resolve("cap.scap");
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run("trace", "-v", "-M", "6", "-w", base.toString(), "-C", "1", "-W", "3",
                    "proc.pid=" + child.pid())));
            t.start();
            TraceLiveCommandTest.awaitAttached();
            Files.createFile(go);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            t.join(120_000);
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            TreeSet<String> names = new TreeSet<>();
            try (var l = Files.list(dir)) {
                l.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cap.scap")).forEach(names::add);
            }
            assertEquals(new TreeSet<>(List.of("cap.scap0", "cap.scap1", "cap.scap2")), names, r.err());
            assertTrue(r.err().contains("Files: " + base + "0 " + base + "1 " + base + "2"), r.err());
            // the file written last holds what came after the last rotation: any number of events from one (the
            // capture's total lands anywhere against the 1 MB limit, with the machine's drops), so only the others
            // must be well filled (CI saw "cap.scap1: 1 events" for the newest)
            String newest = null;
            java.nio.file.attribute.FileTime latest = null;
            for (String n : names) {
                java.nio.file.attribute.FileTime m = Files.getLastModifiedTime(dir.resolve(n));
                if (latest == null || m.compareTo(latest) > 0) {
                    latest = m;
                    newest = n;
                }
            }
            int full = 0;
            for (String n : names) {
                Path f = dir.resolve(n);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                if (Files.size(f) > 1_000_000) {
                    full++;
                }
                List<String> lines = TraceReadFilterTest.sysdig("-r", f.toString()).lines().toList();
                assertTrue(lines.size() > (n.equals(newest) ? 0 : 100), n + ": " + lines.size() + " events (newest: " + newest + ")");
                for (String line : lines) {
                    assertTrue(line.contains(" perl (" + child.pid() + ") "), n + ": " + line);
                }
            }
            assertTrue(full >= 2, "files over 1 MB: " + full);
        } finally {
            child.destroyForcibly();
        }
    }
}
