package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.boxscope.cli.Cli;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapWriter;
import io.boxscope.trace.scap.ThreadInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boxscope trace -r} prints the bytes {@code sysdig -r} prints for the same file. */
class TraceCommandTest {
    @TempDir
    Path dir;

    private Path capture(int events) throws Exception {
        return capture(events, null);
    }

    private Path capture(int events, long[] drops) throws Exception {
        Path p = dir.resolve("c.scap");
        ThreadInfo sh = ThreadInfo.of(700, 700, 1, "sh", "/bin/sh", List.of(), "/tmp/", 0, 0);
        CaptureTables t = new CaptureTables(new MachineInfo(1, 1L << 30, 32768, "h"), List.of(), List.of(), List.of(),
                List.of(sh), Map.of(700L, List.of(FdInfo.file(1, 0, "/dev/null", 2, 5))));
        long ts = System.currentTimeMillis() * 1_000_000L;
        try (ScapWriter w = ScapWriter.create(p, t, false)) {
            for (int i = 0; i < events / 4; i++) {
                w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 7, 700, 0).num(-100).str("notes.txt").num(4 | 2 | 256).num(0644).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 7, 700, 0).num(3).num(-100).str("notes.txt").num(4 | 2 | 256).num(0644).num(0x801).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 7, 700, 0).num(1).num(3).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 7, 700, 0).num(-9).bytes("hi\n".getBytes(StandardCharsets.UTF_8)).build());
            }
            if (drops != null) {
                w.writeDrops(ts + 1, drops);
            }
        }
        return p;
    }

    private static String sysdig(String... args) throws Exception {
        Path sysdig = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(sysdig)) {
            fail("sysdig is not installed: run scripts/setup-env (Debian package sysdig 0.29)");
        }
        String[] cmd = new String[args.length + 1];
        cmd[0] = sysdig.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TZ", TimeZone.getDefault().getID());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), "sysdig " + Arrays.toString(args));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void printsWhatSysdigPrints() throws Exception {
        Path p = capture(40);
        Cli ours = Cli.run("trace", "-r", p.toString());
        assertEquals(0, ours.code(), ours.err());
        assertEquals(sysdig("-r", p.toString()), ours.out());
        assertTrue(ours.out().contains("fd=3(<f>/tmp/notes.txt)"), ours.out());
    }

    @Test
    void countLimitsEvents() throws Exception {
        Path p = capture(40);
        Cli ours = Cli.run("trace", "-r", p.toString(), "-n", "5");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(sysdig("-r", p.toString(), "-n", "5"), ours.out());
        assertEquals(5, ours.out().lines().count());
    }

    /**
     * State-only events (SCAP_DF_STATE_ONLY: the clone exits a live capture writes for threads it learns of
     * late) are numbered but never returned to sysdig's loop, so its -n does not count them; the drop record
     * (an internal event) is counted though not printed. A file holding both prints the same first N lines
     * for every N, with and without a filter: before the fix boxscope printed one line fewer per state-only
     * event among the first N.
     */
    @Test
    void countSkipsStateOnlyEventsAsSysdigDoes() throws Exception {
        Path p = dir.resolve("state.scap");
        ThreadInfo sh = ThreadInfo.of(700, 700, 1, "sh", "/bin/sh", List.of(), "/tmp/", 0, 0);
        CaptureTables t = new CaptureTables(new MachineInfo(1, 1L << 30, 32768, "h"), List.of(), List.of(), List.of(),
                List.of(sh), Map.of(700L, List.of(FdInfo.file(1, 0, "/dev/null", 2, 5))));
        long ts = System.currentTimeMillis() * 1_000_000L;
        try (ScapWriter w = ScapWriter.create(p, t, false)) {
            for (int i = 0; i < 6; i++) {
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 7, 700, 0).num(1).num(3).build());
                // a state-only exit between the enter and its exit, as a late clone exit lands
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 7, 700, 0).num(3)
                        .bytes("st\n".getBytes(StandardCharsets.UTF_8)).dumpFlags(1).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 7, 700, 0).num(3)
                        .bytes("hi\n".getBytes(StandardCharsets.UTF_8)).build());
                if (i == 2) {
                    w.writeDrops(ts += 7, new long[] {0, 1});
                }
            }
        }
        String all = sysdig("-r", p.toString());
        assertEquals(12, all.lines().count(), all);
        for (int n = 1; n <= 14; n++) {
            for (String filter : List.of("", "evt.dir=<")) {
                List<String> args = new java.util.ArrayList<>(List.of("-r", p.toString(), "-n", String.valueOf(n)));
                if (!filter.isEmpty()) {
                    args.add(filter);
                }
                Cli ours = Cli.run(java.util.stream.Stream.concat(java.util.stream.Stream.of("trace"), args.stream())
                        .toArray(String[]::new));
                assertEquals(0, ours.code(), ours.err());
                assertEquals(sysdig(args.toArray(String[]::new)), ours.out(), "-n " + n + " " + filter);
            }
        }
    }

    @Test
    void verboseShowsTheDropsRecordedInTheFile() throws Exception {
        Path p = capture(8, new long[] {0, 42});
        Cli ours = Cli.run("trace", "-r", p.toString(), "-v");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(sysdig("-r", p.toString()), ours.out(), "the drop record is hidden like sysdig hides it");
        assertTrue(ours.err().contains("Drops: cpu0=0 cpu1=42"), ours.err());
        Cli none = Cli.run("trace", "-r", capture(8).toString(), "-v");
        assertTrue(none.err().contains("Drops: none recorded in the file"), none.err());
    }

    /** Without -r the system is captured live (root): -n 3 ends after three events, in sysdig's line. */
    @io.boxscope.testkit.KernelTest
    @Test
    void withoutAFileCapturesLive() {
        Cli ours = Cli.run("trace", "-n", "3");
        assertEquals(0, ours.code(), ours.err());
        java.util.List<String> lines = ours.out().lines().toList();
        assertEquals(3, lines.size(), ours.out());
        for (String l : lines) {
            assertTrue(l.matches("\\d+ \\d\\d:\\d\\d:\\d\\d\\.\\d{9} \\d+ .* \\(\\d+\\) [<>] \\S+ .*"), l);
        }
    }

    @Test
    void notACaptureIsOneLine() throws Exception {
        Path p = dir.resolve("text.scap");
        Files.writeString(p, "hello\n");
        Cli ours = Cli.run("trace", "-r", p.toString());
        assertEquals(1, ours.code());
        assertEquals(1, ours.err().strip().lines().count(), ours.err());
        assertTrue(ours.err().contains("not a sysdig capture file at byte offset 0"), ours.err());
    }

    @Test
    void jsonHasOneObjectPerPrintedEvent() throws Exception {
        Cli ours = Cli.run("--json", "trace", "-r", capture(8).toString());
        assertEquals(0, ours.code(), ours.err());
        List<String> lines = ours.out().lines().toList();
        assertEquals(8, lines.size());
        Map<String, Object> first = io.boxscope.proc.json.Json.asObject(io.boxscope.proc.json.Json.parse(lines.get(0)));
        assertEquals("openat", first.get("evt.type"));
        assertEquals(">", first.get("evt.dir"));
    }

    @Test
    void aFilterKeepsWhatSysdigKeeps() throws Exception {
        Path p = capture(40);
        for (String f : List.of("evt.type=write", "evt.failed=true", "fd.name contains notes", "evt.dir=< and evt.res=EBADF")) {
            Cli ours = Cli.run("trace", "-r", p.toString(), f);
            assertEquals(0, ours.code(), ours.err());
            assertEquals(sysdig("-r", p.toString(), f), ours.out(), f);
        }
    }

    @Test
    void truncatedFilePrintsEventsThenOneError() throws Exception {
        Path p = capture(40);
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 10));
        Cli ours = Cli.run("trace", "-r", p.toString());
        assertEquals(1, ours.code());
        assertEquals(39, ours.out().lines().count());
        assertEquals(1, ours.err().strip().lines().count(), ours.err());
        assertTrue(ours.err().contains("truncated at byte offset"), ours.err());
    }

    @Test
    void rewriteReadsBackTheSame() throws Exception {
        Path p = capture(8);
        Path copy = dir.resolve("copy.scap.gz");
        Cli w = Cli.run("trace", "-r", p.toString(), "-w", copy.toString(), "-z");
        assertEquals(0, w.code(), w.err());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals(Cli.run("trace", "-r", p.toString()).out(), Cli.run("trace", "-r", copy.toString()).out());
        assertEquals(sysdig("-r", p.toString()), sysdig("-r", copy.toString()));
    }
}
