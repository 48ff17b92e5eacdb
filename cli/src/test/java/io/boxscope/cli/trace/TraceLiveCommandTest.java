package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
                List<String> lines = write ? SysdigRead.lines(file) : r.out().lines().toList();
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

    /**
     * -v names how sys_enter and sys_exit attached, and the kernel agrees: the program behind this JVM's link on
     * sys_enter is read from /proc/self/fdinfo (link: {@code prog_id}; program: {@code prog_type}, 26 tracing for
     * tp_btf, 17 raw tracepoint; include/uapi/linux/bpf.h), not from the code that chose it.
     */
    @Test
    void verboseSaysWhetherTheSyscallProgramsAreTpBtfOrRawTracepoints(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run("trace", "-v", "-M", "2", "-w", dir.resolve("cap.scap").toString(),
                    "proc.pid=" + child.pid())));
            t.start();
            awaitAttached();
            int progType = programTypeOfLink("sys_enter");
            int ringArrays = openMapsOfType(12); // BPF_MAP_TYPE_ARRAY_OF_MAPS
            t.join(60_000);
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            assertTrue(progType == 26 || progType == 17, "prog_type " + progType);
            String expected = progType == 26
                    ? "attached: sys_enter and sys_exit as tp_btf programs (typed pt_regs: number and arguments are plain loads)"
                    : "attached: sys_enter and sys_exit as raw tracepoint programs (tp_btf did not load here: pt_regs is read"
                            + " with bpf_probe_read_kernel)";
            assertTrue(r.err().lines().anyMatch(expected::equals), r.err());
            // and the ring layout it names is the one the kernel holds: an array of rings open in this JVM, or none
            String rings = ringArrays > 0 ? "rings: one per CPU, " : "rings: one shared ring of ";
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith(rings)), ringArrays + " arrays of maps open; " + r.err());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * A chisel that fails on a live capture (subsecoffset with a refresh time of 0: a NaN table index at its first
     * event) still has the capture's counts said (-v: the drop and event lines), then status 1: trace returned before
     * them, so the records the kernel dropped went unshown. Under a pseudo-terminal, where the chisel starts.
     */
    @Test
    void aFailedChiselStillSaysTheCountsThenExits1(@TempDir Path dir) throws Exception {
        String screen = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope("trace", "-v", "-M", "2", "-c",
                "subsecoffset", "0"));
        int error = screen.indexOf("subsecoffset chisel error: table index is NaN");
        assertTrue(error >= 0, screen);
        assertTrue(screen.indexOf("Drops: total=") > error, screen);
        assertTrue(screen.indexOf("Events: ") > error, screen);
        assertTrue(screen.endsWith("[exit 1]\r\n"), screen);
    }

    /** How many BPF maps of {@code type} (fdinfo's map_type, include/uapi/linux/bpf.h) this process holds open. */
    private static int openMapsOfType(int type) throws Exception {
        int n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path p : fds.toList()) {
                try {
                    if (Files.readString(p).lines().anyMatch(l -> l.equals("map_type:\t" + type))) {
                        n++;
                    }
                } catch (java.io.IOException e) {
                    // closed since the listing
                }
            }
        }
        return n;
    }

    /** The prog_type of the program behind this process's raw tracepoint link on {@code tracepoint}, from fdinfo. */
    private static int programTypeOfLink(String tracepoint) throws Exception {
        java.util.Map<String, String> infos = new java.util.HashMap<>();
        try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path p : fds.toList()) {
                try {
                    infos.put(p.getFileName().toString(), Files.readString(p));
                } catch (java.io.IOException e) {
                    // closed since the listing
                }
            }
        }
        String progId = null;
        for (String info : infos.values()) {
            if (info.contains("link_type:\traw_tracepoint") && info.contains("tp_name:\t" + tracepoint + "\n")) {
                progId = field(info, "prog_id");
            }
        }
        assertTrue(progId != null, "no link on " + tracepoint);
        for (String info : infos.values()) {
            if (info.contains("prog_type:") && progId.equals(field(info, "prog_id")) && !info.contains("link_type:")) {
                return Integer.parseInt(field(info, "prog_type"));
            }
        }
        throw new AssertionError("no program fd with prog_id " + progId);
    }

    private static String field(String fdinfo, String name) {
        return fdinfo.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElse(null);
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
}
