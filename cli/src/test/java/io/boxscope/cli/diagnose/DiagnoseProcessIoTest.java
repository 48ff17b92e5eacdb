package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A process target's own I/O ({@code /proc/PID/io}): a shell outside containers (its cgroup's counters are not its own)
 * runs {@code dd} of {@value #MIB} MiB with O_DIRECT and fsync to a file on a block device (the module's target
 * directory), started once the window has begun (the first live line of {@code --interval}), and waits for it: the
 * child's counters join the shell's when it is reaped (proc(5)). {@code diagnose PID} must show at least
 * {@value #MIB} MiB written, in the text and in {@code --json}. Before 2026-12-06 (branch diagmore) neither had a
 * figure of the process's own bytes. {@code --no-ebpf}: the figure comes from /proc alone.
 */
class DiagnoseProcessIoTest {
    static final int MIB = 8;

    @Test
    void aProcessTargetShowsTheBytesItWrote() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "diag-pio-");
        Path go = dir.resolve("go");
        Process sh = new ProcessBuilder("sh", "-c", "while :; do while [ ! -e \"$0\" ]; do sleep 0.02; done; dd if=/dev/zero of=\"$1\" bs=1M count="
                + MIB + " oflag=direct conv=fsync 2>/dev/null; rm -f \"$0\" \"$1\"; done", go.toString(), dir.resolve("f").toString()).start();
        try {
            String text = diagnose(sh.pid(), go, false);
            Matcher m = Pattern.compile("(?m)^  PROC I/O   ([0-9.]+) (B|KiB|MiB|GiB) written to storage").matcher(text);
            assertTrue(m.find(), text);
            double mib = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                case "B" -> 1.0 / (1 << 20);
                case "KiB" -> 1.0 / 1024;
                case "MiB" -> 1;
                default -> 1024;
            };
            assertTrue(mib >= MIB, "written " + mib + " MiB < " + MIB + "\n" + text);

            String out = diagnose(sh.pid(), go, true);
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            Map<String, Object> d = Json.asObject(Json.parse(lines.get(lines.size() - 1)));
            Map<String, Object> io = Json.asObject(d.get("process_io"));
            assertNotNull(io, out);
            long written = ((Number) io.get("write_bytes")).longValue();
            assertTrue(written >= MIB * (1L << 20), "write_bytes " + written + "\n" + out);
            assertTrue(((Number) io.get("wchar")).longValue() >= MIB * (1L << 20), out);
        } finally {
            sh.destroyForcibly();
            sh.waitFor(10, TimeUnit.SECONDS);
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Runs diagnose on {@code pid} for 6 s with a live line a second; creates {@code go} at the first live line. */
    private static String diagnose(long pid, Path go, boolean json) throws Exception {
        // text: "Diagnosing ...", a blank line and the live header come before the window; JSON: live lines only
        CountDownLatch started = new CountDownLatch(json ? 1 : 4);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                buf.write(b);
                if (b == '\n') {
                    started.countDown();
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] code = {-1};
        List<String> args = new java.util.ArrayList<>(List.of("diagnose", "--no-ebpf", "--duration", "6s", "--interval", "1s", Long.toString(pid)));
        if (json) {
            args.add(0, "--json");
        }
        Thread t = new Thread(() -> code[0] = Main.run(args.toArray(String[]::new), new PrintStream(tee, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        t.start();
        assertTrue(started.await(120, TimeUnit.SECONDS), "no live line: " + err);
        Files.writeString(go, "");
        t.join(180_000);
        assertEquals(0, code[0], err.toString(StandardCharsets.UTF_8) + buf.toString(StandardCharsets.UTF_8));
        synchronized (tee) {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
