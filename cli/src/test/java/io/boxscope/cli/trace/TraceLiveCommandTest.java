package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope sysdig} (the drop-in name) capturing live: a perl child waits for a file, then opens a
 * missing path {@link #OPENS} times; the capture, filtered on the child's pid and openat, prints exactly
 * those events, and with {@code -w} writes a file {@code sysdig -r} prints the same lines from.
 * Readiness: the capture's sys_enter link appears among this JVM's BPF link descriptors.
 */
@KernelTest
class TraceLiveCommandTest {
    private static final int OPENS = 3;

    @Test
    void sysdigAliasCapturesLiveAndWritesAFileSysdigReads(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("missing").toString();
        Path go = dir.resolve("go");
        String script = "until (-e '" + go + "') { select(undef, undef, undef, 0.02); } "
                + "for (1.." + OPENS + ") { open(my $f, '<', '" + missing + "'); } exit 0;";
        for (boolean write : new boolean[] {false, true}) {
            Files.deleteIfExists(go);
            Process child = new ProcessBuilder("perl", "-e", script).start();
            try {
                Path file = dir.resolve("cap.scap");
                List<String> args = new ArrayList<>(List.of("sysdig", "-M", "3"));
                if (write) {
                    args.addAll(List.of("-w", file.toString()));
                }
                args.add("proc.pid=" + child.pid() + " and evt.type=openat");
                AtomicReference<Cli> result = new AtomicReference<>();
                Thread t = new Thread(() -> result.set(Cli.run(args.toArray(String[]::new))));
                t.start();
                awaitAttached();
                Files.createFile(go);
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                t.join(60_000);
                Cli r = result.get();
                assertEquals(0, r.code(), r.err());
                List<String> lines = write ? sysdigRead(file) : r.out().lines().toList();
                assertEquals(2 * OPENS, lines.size(), String.join("\n", lines));
                for (int i = 0; i < OPENS; i++) {
                    assertTrue(lines.get(2 * i).contains(" > openat dirfd=-100(AT_FDCWD) name=" + missing + " "), lines.get(2 * i));
                    assertTrue(lines.get(2 * i + 1).contains(" < openat fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=" + missing + " "),
                            lines.get(2 * i + 1));
                }
                if (write) {
                    assertEquals(lines, Cli.run("trace", "-r", file.toString()).out().lines().toList(),
                            "boxscope trace -r prints what sysdig -r prints");
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** Waits until this JVM holds a BPF link on the sys_enter raw tracepoint (the capture attaches it last). */
    static void awaitAttached() throws Exception {
        awaitAttached("sys_enter");
    }

    /** Waits until this process has a raw tracepoint link on {@code tracepoint} (the capture attaches it last). */
    static void awaitAttached(String tracepoint) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
                for (Path p : fds.toList()) {
                    try {
                        String info = Files.readString(p);
                        if (info.contains("link_type:\traw_tracepoint") && info.contains("tp_name:\t" + tracepoint + "\n")) {
                            return;
                        }
                    } catch (java.io.IOException e) {
                        // closed since the listing
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the capture did not attach within 60 s");
    }

    private static List<String> sysdigRead(Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/sysdig", "-r", file.toString());
        pb.environment().put("TZ", ZoneId.systemDefault().getId());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "sysdig -r (Debian package sysdig 0.29) failed");
        return out.lines().toList();
    }
}
