package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -w} writes an open's path as the kernel's bytes whether the events go through Java (a filter) or
 * straight from the ring record (no filter): a perl child creates a file whose name ends in the bytes 0xff 0xfe
 * (not UTF-8); each capture's file must hold those bytes in the openat exit's {@code name}, and sysdig 0.29
 * must read both files and print the same lines for them (it shows the two bytes as it shows the driver's:
 * dropped from {@code name=}, as {@code ..} in the fd's name), never U+FFFD.
 */
@KernelTest
class LiveWriteRawPathTest {
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    @Test
    void aPathThatIsNotUtf8KeepsItsBytesWithAndWithoutAFilter(@TempDir Path dir) throws Exception {
        byte[] prefix = (dir + "/raw").getBytes(StandardCharsets.UTF_8);
        byte[] path = Arrays.copyOf(prefix, prefix.length + 2);
        path[prefix.length] = (byte) 0xff;
        path[prefix.length + 1] = (byte) 0xfe;
        List<String> printed = new ArrayList<>();
        for (boolean javaFilter : new boolean[] {false, true}) {
            String how = javaFilter ? "with a filter (Java)" : "without a filter (direct)";
            Path file = dir.resolve(javaFilter ? "java.scap" : "direct.scap");
            long pid = capture(dir, javaFilter, file);
            int names = 0;
            int openatX = io.boxscope.trace.scap.EventTable.get().byConstant("PPME_SYSCALL_OPENAT_2_X").id();
            try (ScapReader r = ScapReader.open(file)) {
                for (ScapEvent e = r.nextOrNull(); e != null; e = r.nextOrNull()) {
                    if (e.tid() == pid && e.type() == openatX && indexOf(e.raw(2), prefix) == 0) {
                        assertArrayEquals(Arrays.copyOf(path, path.length + 1), e.raw(2), how + ": the name in the file");
                        names++;
                    }
                }
            }
            assertEquals(1, names, how + ": openat exits of the child named " + dir + "/raw...");
            byte[] out = sysdig(file, "proc.pid=" + pid + " and evt.type=openat");
            assertTrue(indexOf(out, REPLACEMENT) < 0, how + ": sysdig -r printed U+FFFD: " + new String(out, StandardCharsets.UTF_8));
            // the same lines but for the event numbers, times, CPUs and the child's pid
            String text = new String(out, StandardCharsets.ISO_8859_1).replace("(" + pid + ")", "(PID)")
                    .replaceAll("(?m)^\\d+ \\S+ \\d+ ", "");
            assertTrue(text.contains("< openat fd=3(<f>" + dir + "/raw"), how + ": sysdig -r printed " + text);
            printed.add(text);
        }
        assertEquals(printed.get(0), printed.get(1), "sysdig -r printed the open otherwise when it went through Java");
    }

    /** Runs the child under a capture written to {@code file}; returns the child's pid. */
    private static long capture(Path dir, boolean javaFilter, Path file) throws Exception {
        Process child = Workload.perl("open(my $f, '>', '" + dir + "/raw' . \"\\xff\\xfe\") or die \"open: $!\"; close($f);");
        try {
            WrittenCapture.write(file, child, Filter.compile("proc.pid=" + child.pid() + " and evt.type=openat", ServiceNames.none()),
                    javaFilter);
            assertTrue(child.exitValue() == 0, new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            return child.pid();
        } finally {
            child.destroyForcibly();
        }
    }

    /** What {@code sysdig -r file filter} prints, as bytes. */
    private static byte[] sysdig(Path file, String filter) throws Exception {
        Path sysdig = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(sysdig)) {
            fail("sysdig is not installed: run scripts/setup-env (Debian package sysdig 0.29)");
        }
        List<String> command = new ArrayList<>(List.of(sysdig.toString(), "-r", file.toString(), filter));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "sysdig -r " + file + " failed");
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
