package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chisels, {@code -p} and {@code -j} on a live capture, filtered on a perl child's pid: the child waits for
 * a file, then makes exactly {@link #GETPIDS} getpid calls (syscall(NR), NR from the kernel's syscall table) and writes
 * {@link #BYTES} bytes to a file of its own. Oracles: those numbers (sysdig counts an enter and an exit
 * event per call, so topscalls shows 2 × {@link #GETPIDS}) and sysdig 0.29 reading a {@code -w} capture of
 * the same workload. The table chisels print every second live (table_generator.lua's interval), so a
 * live result is the sum of the tables printed.
 */
@KernelTest
class TraceLiveChiselTest {
    private static final int GETPIDS = 1234;
    private static final int BYTES = 777;
    /** Opens of a missing path, after the getpid calls: failed calls for topprocs_errors. */
    private static final int ERRORS = 23;

    /** Bytes the child sends over a loopback TCP connection when {@link #peerPort} is set. */
    private static final int NET_BYTES = 555;

    @TempDir
    Path dir;

    /** A listening port of the test on 127.0.0.1 the child connects to and writes to, or 0: no network. */
    private int peerPort;
    /** The raw tracepoint whose link says the capture is attached: sys_enter, or sys_exit for the I/O bytes counted in the kernel. */
    private String attachedAt = "sys_enter";

    /** One capture of one child: the command's result and the file the child wrote. */
    private record Run(Cli cli, Path written) {}

    private Run live(String... args) throws Exception {
        int getpid = io.boxscope.bpf.syscalls.SyscallTable.current().number("getpid");
        Path go = dir.resolve("go");
        Files.deleteIfExists(go);
        Path written = dir.resolve("written-" + System.nanoTime());
        String script = "until (-e '" + go + "') { select(undef, undef, undef, 0.02); } "
                + "syscall(" + getpid + ") for 1.." + GETPIDS + "; "
                + "for (1.." + ERRORS + ") { open(my $m, '<', '" + dir.resolve("missing") + "'); } "
                + "open(my $f, '>', '" + written + "') or die; syswrite($f, 'y' x " + BYTES + "); close($f); "
                + (peerPort == 0 ? "" : "socket(my $s, 2, 1, 6) or die \"socket: $!\"; connect($s, pack('S n a4 x8', 2, "
                        + peerPort + ", \"\\x7f\\x00\\x00\\x01\")) or die \"connect: $!\"; syswrite($s, 'z' x " + NET_BYTES
                        + ") == " + NET_BYTES + " or die; close($s); ")
                + "exit 0;";
        Process child = new ProcessBuilder("perl", "-e", script).start();
        try {
            List<String> a = new ArrayList<>(List.of("trace", "-M", "4"));
            a.addAll(List.of(args));
            a.add("proc.pid=" + child.pid());
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run(a.toArray(String[]::new))));
            t.start();
            TraceLiveCommandTest.awaitAttached(attachedAt);
            Files.createFile(go);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the perl child did not finish");
            assertEquals(0, child.exitValue(), new String(child.getErrorStream().readAllBytes()));
            t.join(60_000);
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            return new Run(r, written);
        } finally {
            child.destroyForcibly();
        }
    }

    /** The sums of every table printed (value column as printed, summed when numeric), by key column. */
    static Map<String, Long> sums(String out) {
        Map<String, Long> m = new LinkedHashMap<>();
        boolean rows = false;
        for (String l : out.split("\n")) {
            if (l.startsWith("-----")) {
                rows = true;
            } else if (l.startsWith("# Calls") || l.startsWith("Bytes ") || l.startsWith("#Errors ")) {
                rows = false;
            } else if (rows && l.length() > 20) {
                m.merge(l.substring(20), parse(l.substring(0, 20).trim()), Long::sum);
            }
        }
        return m;
    }

    private static long parse(String v) {
        return v.endsWith("B") ? Long.parseLong(v.substring(0, v.length() - 1)) : Long.parseLong(v);
    }

    /** A filter term only Java decides, true for every event: keeps topscalls on the event stream. */
    static final String ON_THE_STREAM = "evt.num>0 and";

    @Test
    void topscallsCountsEveryCallOfTheChildAcrossItsIntervals() throws Exception {
        Run r = live("-v", "-c", "topscalls", ON_THE_STREAM);
        assertTrue(r.cli().out().startsWith("# Calls             Syscall"), r.cli().out());
        assertTrue(r.cli().err().contains("chisel topscalls: runs on the event stream in Java: the filter has a part only Java"
                + " can decide"), r.cli().err());
        // -v: the drops per CPU and the counts at exit, always
        // and the whole: produced = read + dropped, the dropped being the total of the per-CPU counts
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?m)^Drops: total=(\\d+)((?: cpu\\d+=\\d+)+); of (\\d+)"
                + " records the kernel produced, (\\d+) read and (\\d+) dropped$").matcher(r.cli().err());
        assertTrue(d.find(), r.cli().err());
        long perCpu = java.util.Arrays.stream(d.group(2).trim().split(" ")).mapToLong(c -> Long.parseLong(c.substring(c.indexOf('=') + 1))).sum();
        assertEquals(Long.parseLong(d.group(1)), perCpu, d.group());
        assertEquals(Long.parseLong(d.group(1)), Long.parseLong(d.group(5)), d.group());
        assertEquals(Long.parseLong(d.group(3)), Long.parseLong(d.group(4)) + Long.parseLong(d.group(5)), d.group());
        assertTrue(r.cli().err().contains("Events: " + d.group(4) + " records from the kernel"), r.cli().err());
        assertTrue(r.cli().err().contains("Events: "), r.cli().err());
        assertEquals(2L * GETPIDS, sums(r.cli().out()).get("getpid"), r.cli().out() + r.cli().err());
    }

    /**
     * proc.pid=N alone is decided by the kernel: topscalls counts there and prints what the stream prints for
     * the same workload (the child's getpid calls, its one write, its exit_group entry and its procexit).
     */
    @Test
    void topscallsCountedInTheKernelPrintsWhatTheStreamPrints() throws Exception {
        Run kernel = live("-v", "-c", "topscalls");
        assertTrue(kernel.cli().err().contains("chisel topscalls: counted in the kernel"), kernel.cli().err());
        assertTrue(kernel.cli().err().contains("Events: counted in the kernel: "), kernel.cli().err());
        assertTrue(kernel.cli().out().startsWith("# Calls             Syscall"), kernel.cli().out());
        Run stream = live("-c", "topscalls", ON_THE_STREAM);
        Map<String, Long> k = sums(kernel.cli().out());
        Map<String, Long> s = sums(stream.cli().out());
        assertEquals(2L * GETPIDS, k.get("getpid"), kernel.cli().out());
        for (String type : List.of("getpid", "write", "exit_group", "procexit")) {
            assertEquals(s.get(type), k.get(type), type + "\nkernel:\n" + kernel.cli().out() + "\nstream:\n" + stream.cli().out());
        }
    }

    /**
     * topprocs_errors of the child's failed openat calls: counted in the kernel (by pid and comm) and on the
     * stream, the same row (perl, its pid) with {@link #ERRORS} failed calls.
     */
    @Test
    void topprocsErrorsCountedInTheKernelPrintsWhatTheStreamPrints() throws Exception {
        Run kernel = live("-v", "-c", "topprocs_errors", "evt.type=openat and");
        assertTrue(kernel.cli().err().contains("chisel topprocs_errors: counted in the kernel"), kernel.cli().err());
        assertTrue(kernel.cli().out().startsWith("#Errors             Process             PID"), kernel.cli().out());
        Run stream = live("-v", "-c", "topprocs_errors", ON_THE_STREAM + " evt.type=openat and");
        assertTrue(stream.cli().err().contains("chisel topprocs_errors: runs on the event stream"), stream.cli().err());
        for (Run r : List.of(kernel, stream)) {
            Map<String, Long> s = sums(r.cli().out());
            assertEquals(1, s.size(), r.cli().out());
            String key = s.keySet().iterator().next();
            assertTrue(key.matches("perl {16}\\d+"), key);
            assertEquals(ERRORS, s.get(key), r.cli().out());
        }
    }

    /** {@link #live} with a peer: the child also writes {@link #NET_BYTES} bytes to a TCP port of the test. */
    private Run liveWithPeer(boolean inKernel, String... args) throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            peerPort = server.getLocalPort();
            attachedAt = inKernel ? "sys_exit" : "sys_enter"; // the I/O probe has only an exit program
            long[] received = {-1};
            Thread drain = new Thread(() -> {
                try (java.net.Socket peer = server.accept(); java.io.InputStream in = peer.getInputStream()) {
                    received[0] = in.readAllBytes().length;
                } catch (java.io.IOException e) {
                    received[0] = -2;
                }
            });
            drain.start();
            try {
                Run r = live(args);
                drain.join(30_000);
                assertEquals(NET_BYTES, received[0], "bytes the test received from the child");
                return r;
            } finally {
                peerPort = 0;
                attachedAt = "sys_enter";
            }
        }
    }

    /**
     * topprocs_file and topprocs_net of the child (a file write of {@link #BYTES} bytes, {@link #NET_BYTES} bytes
     * over loopback TCP): counted in the kernel (the fd's type from the task's fd table) and on the stream (the
     * fd table in Java), the same one row with exactly those bytes.
     */
    @Test
    void topprocsFileAndNetCountedInTheKernelPrintWhatTheStreamPrints() throws Exception {
        for (String chisel : List.of("topprocs_file", "topprocs_net")) {
            long expected = chisel.equals("topprocs_file") ? BYTES : NET_BYTES;
            Run kernel = liveWithPeer(true, "-v", "-c", chisel);
            assertTrue(kernel.cli().err().contains("chisel " + chisel + ": counted in the kernel"), kernel.cli().err());
            assertTrue(kernel.cli().out().startsWith("Bytes               Process             PID"), kernel.cli().out());
            Run stream = liveWithPeer(false, "-v", "-c", chisel, ON_THE_STREAM);
            assertTrue(stream.cli().err().contains("chisel " + chisel + ": runs on the event stream"), stream.cli().err());
            for (Run r : List.of(kernel, stream)) {
                Map<String, Long> s = sums(r.cli().out());
                assertEquals(1, s.size(), chisel + "\n" + r.cli().out() + r.cli().err());
                String key = s.keySet().iterator().next();
                assertTrue(key.matches("perl {16}\\d+"), key);
                assertEquals(expected, s.get(key), chisel + "\n" + r.cli().out());
            }
        }
    }

    /** utime + stime of {@code pid} in clock ticks (/proc/PID/stat fields 14 and 15, proc(5)). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * topprocs_cpu live (it printed empty tables before: the stream sums procinfo events, which a live capture
     * does not have): counted in the kernel, a busy loop's row has CPU% every second, and with -j its on-CPU
     * nanoseconds, which are no more than its own /proc/PID/stat says it used during the command.
     */
    @Test
    void topprocsCpuCountedInTheKernelShowsABusyLoop() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(100);
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            long hz = Long.parseLong(new String(p.getInputStream().readAllBytes()).strip());
            Cli text = Cli.run("trace", "-v", "-M", "3", "-c", "topprocs_cpu", "proc.pid=" + busy.pid());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.err().contains("chisel topprocs_cpu: counted in the kernel"), text.err());
            assertTrue(text.out().startsWith("CPU%                Process             PID"), text.out());
            assertTrue(text.out().lines().filter(l -> l.matches("\\d+\\.\\d\\d% +sh +" + busy.pid())).count() >= 2,
                    "a row every second: " + text.out());
            long before = cpuTicks(busy.pid());
            Cli json = Cli.run("trace", "-j", "-M", "2", "-c", "topprocs_cpu", "proc.pid=" + busy.pid());
            long after = cpuTicks(busy.pid());
            assertEquals(0, json.code(), json.err());
            long ns = 0;
            StringBuilder one = new StringBuilder();
            for (String l : json.out().split("\n")) {
                one.append(l).append('\n');
                if (l.equals("}")) {
                    for (Object row : (List<?>) ((Map<?, ?>) Json.parse(one.toString())).get("data")) {
                        List<?> cells = (List<?>) row;
                        assertEquals(List.of("sh", Long.toString(busy.pid())), cells.subList(0, 2), json.out());
                        ns += ((Number) cells.get(2)).longValue();
                    }
                    one.setLength(0);
                }
            }
            long statNs = (after - before) * (1_000_000_000L / hz);
            assertTrue(ns > 0 && ns <= statNs + 3 * (1_000_000_000L / hz),
                    "kernel " + ns + " ns, /proc stat " + statNs + " ns over the command\n" + json.out());
        } finally {
            busy.destroyForcibly();
        }
    }

    @Test
    void topscallsTimeCountedInTheKernelShowsTheCallsTime() throws Exception {
        Run r = live("-v", "-c", "topscalls_time");
        assertTrue(r.cli().err().contains("chisel topscalls_time: counted in the kernel"), r.cli().err());
        assertTrue(r.cli().out().startsWith("Time                Syscall"), r.cli().out());
        assertTrue(r.cli().out().lines().anyMatch(l -> l.matches("\\d+(\\.\\d+)?(ns|us|ms|s) +getpid")), r.cli().out());
    }

    /** The same JSON whether counted in the kernel (proc.pid alone) or on the stream. */
    @Test
    void topscallsJsonPrintsEveryIntervalAndTheEnd() throws Exception {
        topscallsJson(live("-j", "-c", "topscalls"));
        topscallsJson(live("-j", "-c", "topscalls", ON_THE_STREAM));
    }

    private static void topscallsJson(Run r) {
        long getpids = 0;
        int objects = 0;
        StringBuilder one = new StringBuilder();
        for (String l : r.cli().out().split("\n")) {
            one.append(l).append('\n');
            if (l.equals("}")) {
                objects++;
                Map<?, ?> o = (Map<?, ?>) Json.parse(one.toString());
                for (Object row : (List<?>) o.get("data")) {
                    List<?> cells = (List<?>) row;
                    if (cells.get(0).equals("getpid")) {
                        getpids += ((Number) cells.get(1)).longValue();
                    }
                }
                one.setLength(0);
            }
        }
        assertTrue(objects >= 2, "an object per second and one at the end: " + r.cli().out());
        assertEquals(2L * GETPIDS, getpids, r.cli().out());
    }

    @Test
    void topfilesBytesShowsExactlyTheBytesWritten() throws Exception {
        Run r = live("-c", "topfiles_bytes");
        Map<String, Long> s = sums(r.cli().out());
        assertEquals(Map.of(r.written().toString(), (long) BYTES), s, r.cli().out());
    }

    /** -w then -r: the same chisel result as live, and sysdig -r on the file agrees. */
    @Test
    void aFileWrittenLiveGivesTheSameChiselResults() throws Exception {
        Path file = dir.resolve("live.scap");
        Run w = live("-w", file.toString());
        for (String chisel : List.of("topscalls", "topfiles_bytes")) {
            Map<String, Long> ours = sums(Cli.run("trace", "-r", file.toString(), "-c", chisel).out());
            Map<String, Long> sysdig = sums(TraceReadFilterTest.sysdig("-r", file.toString(), "-c", chisel));
            assertEquals(sysdig, ours, chisel);
            if (chisel.equals("topscalls")) {
                assertEquals(2L * GETPIDS, ours.get("getpid"));
            } else {
                assertEquals(Map.of(w.written().toString(), (long) BYTES), ours);
            }
        }
    }

    @Test
    void formatsPrintLive() throws Exception {
        Run r = live("-p", "%evt.dir %evt.type %proc.pid", "evt.type=getpid and");
        List<String> lines = r.cli().out().lines().toList();
        assertEquals(2 * GETPIDS, lines.size(), r.cli().out());
        assertTrue(lines.get(0).matches("> getpid \\d+"), lines.get(0));
        assertTrue(lines.get(1).matches("< getpid \\d+"), lines.get(1));
        Run j = live("-j", "evt.type=getpid and");
        List<String> json = j.cli().out().lines().toList();
        assertEquals(2 * GETPIDS, json.size(), j.cli().out());
        Map<?, ?> first = (Map<?, ?>) Json.parse(json.get(0));
        assertEquals("getpid", first.get("evt.type"));
        assertEquals(">", first.get("evt.dir"));
    }
}
