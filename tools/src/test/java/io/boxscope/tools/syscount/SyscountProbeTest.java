package io.boxscope.tools.syscount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * SyscountProbe's kernel side on its own, filtered on a child dash whose system calls are known in advance:
 * the child blocks in its {@code read} builtin until the probe is attached, then its {@code kill} builtin makes
 * exactly one kill(2) per invocation. Oracles: the loop count we chose, and the syscall number of kill as
 * {@code strace -n} reports it, not a number table of our own code.
 */
@KernelTest
class SyscountProbeTest {
    private static final int KILLS = 23;

    /**
     * The number of kill(2) as strace sees it: {@code strace -n} prints each traced call with its syscall number,
     * e.g. {@code [  62] kill(23546, 0) = 0} on x86_64.
     */
    static int killNumber() throws Exception {
        Process p = new ProcessBuilder("strace", "-qq", "-n", "-e", "trace=kill", "/bin/dash", "-c", "kill -0 $$")
                .redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "strace (Debian package strace): " + out);
        Matcher m = Pattern.compile("^\\[\\s*(\\d+)\\] kill\\(").matcher(out.getFirst());
        assertTrue(m.find(), "strace -n printed " + out);
        return Integer.parseInt(m.group(1));
    }

    /** A dash that waits for a line on stdin, then runs {@code kill -0 TARGET} KILLS times. */
    static Process child(String target) throws Exception {
        return new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + KILLS + " ]; do kill -0 " + target + " 2>/dev/null; i=$((i+1)); done; exit 0")
                .redirectErrorStream(true).start();
    }

    static void release(Process child) throws Exception {
        try (OutputStream in = child.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child shell did not finish");
        assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void countsExactlyTheKillCallsOfTheFilteredChild() throws Exception {
        int kill = killNumber();
        Process child = child("$$");
        int pid = (int) child.pid();
        try (SyscountProbe probe = new SyscountProbe(new SyscountProbe.Options(pid, null, false, null, false, false))) {
            release(child);
            Map<Integer, Long> bySyscall = new TreeMap<>();
            for (SyscountProbe.Row r : probe.take()) {
                bySyscall.put(r.key(), r.count());
            }
            assertEquals(KILLS, bySyscall.get(kill), "kill is syscall " + kill + ": " + bySyscall);
            assertEquals(0, probe.dropped());
            assertEquals(List.of(), probe.take(), "take() empties the map");
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * By process, failures with ESRCH only: {@code kill -0} of a PID above any pid_max (2^22 on 64-bit) fails
     * with ESRCH (kill(2)) and dash makes no other call that can fail so; with latency, every one of these calls
     * started after the attach, so all are timed.
     */
    @Test
    void byProcessCountsOnlyTheFailuresAskedFor() throws Exception {
        int esrch = 3; // errno-base.h
        Process child = child("99999999");
        int pid = (int) child.pid();
        try (SyscountProbe probe = new SyscountProbe(new SyscountProbe.Options(pid, null, true, esrch, true, true))) {
            release(child);
            List<SyscountProbe.Row> rows = probe.take();
            assertEquals(1, rows.size(), rows.toString());
            SyscountProbe.Row r = rows.getFirst();
            assertEquals(pid, r.key());
            assertEquals(KILLS, r.count(), r.toString());
            assertEquals("dash", r.comm());
            assertTrue(r.totalNs() > 0, r.toString());
            assertEquals(0, probe.dropped());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * syscount -P with more processes than its maps hold: the calls of the processes that find the map full
     * are not counted, and {@link SyscountProbe#failedUpdates()} says how many (the runtime's report of failed map
     * updates, not folded into {@link SyscountProbe#dropped()}). The workload, in a cgroup of the
     * test's own: a dash that forks {@code MAP_KEYS + 50} subshells one after the other, each making exactly
     * one kill(2) failing with ESRCH (the only calls counted, with -x -e ESRCH) and printing its pid. The
     * oracle replays those pids in order against a map of MAP_KEYS keys: a pid already in it is counted, a
     * new one is added while there is room, else the call is dropped (pid_max may be small: pids can repeat).
     */
    @Test
    void byProcessDropsAndCountsTheCallsOfProcessesBeyondTheMapsCapacity() throws Exception {
        int esrch = 3; // errno-base.h
        int subshells = SyscountProbe.MAP_KEYS + 50;
        java.nio.file.Path cg = unifiedRoot().resolve("boxscope-test-syscount-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        java.nio.file.Files.createDirectory(cg);
        Process child = new ProcessBuilder("/bin/dash", "-c", "echo $$ > " + cg.resolve("cgroup.procs")
                + "; read go; i=0; while [ $i -lt " + subshells + " ]; do ( kill -0 99999999 2>/dev/null; "
                + "read p rest < /proc/self/stat; echo $p ); i=$((i+1)); done; exit 0").start();
        try {
            waitUntilIn(cg, child.pid());
            try (SyscountProbe probe = new SyscountProbe(new SyscountProbe.Options(null, cg, true, esrch, false, true))) {
                try (OutputStream in = child.getOutputStream()) {
                    in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                }
                List<String> pids = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
                assertTrue(child.waitFor(120, TimeUnit.SECONDS) && child.exitValue() == 0, "workload finished");
                assertEquals(subshells, pids.size());
                java.util.Set<String> stored = new java.util.HashSet<>();
                long counted = 0, dropped = 0;
                for (String pid : pids) {
                    if (stored.contains(pid) || stored.size() < SyscountProbe.MAP_KEYS) {
                        stored.add(pid);
                        counted++;
                    } else {
                        dropped++;
                    }
                }
                assertTrue(dropped > 0, "the workload overflows the map");
                List<SyscountProbe.Row> rows = probe.take();
                assertEquals(stored.size(), rows.size());
                assertEquals(counted, rows.stream().mapToLong(SyscountProbe.Row::count).sum());
                List<io.boxscope.probe.output.Event.MapUpdateFailed> failed = probe.failedUpdates();
                assertEquals(dropped, failed.stream().mapToLong(io.boxscope.probe.output.Event.MapUpdateFailed::count).sum(),
                        "calls not counted are the map updates that failed: " + failed);
                assertEquals(java.util.Set.of("@pcalls"), failed.stream().map(io.boxscope.probe.output.Event.MapUpdateFailed::map)
                        .collect(java.util.stream.Collectors.toSet()));
                assertTrue(failed.stream().allMatch(f -> f.full() && f.capacity() == SyscountProbe.MAP_KEYS), failed.toString());
                assertEquals(List.of(), probe.failedUpdates(), "failedUpdates() reports what failed since the last call");
                assertEquals(0, probe.dropped(), "no ring-buffer record was lost: failed updates are not folded into dropped()");
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            java.nio.file.Files.deleteIfExists(cg);
        }
    }

    private static void waitUntilIn(java.nio.file.Path cg, long pid) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (java.nio.file.Files.readAllLines(cg.resolve("cgroup.procs")).contains(Long.toString(pid))) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the workload did not move into " + cg);
    }

    static java.nio.file.Path unifiedRoot() throws Exception {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[2].equals("cgroup2")) {
                return java.nio.file.Path.of(f[1]);
            }
        }
        throw new AssertionError("no cgroup2 mount");
    }
}
