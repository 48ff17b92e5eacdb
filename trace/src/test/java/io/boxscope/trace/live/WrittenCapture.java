package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.scap.CycleWriter;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.RotationNames;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapReader;

/**
 * Test support: what {@code boxscope trace -w FILE proc.pid=N} writes for a {@link Workload} child (the pid pushed
 * down to the kernel, no Java filter: the write path {@code -w} takes), and the lines {@code sysdig -r FILE} and our
 * reader ({@link Inspector} + {@link EventFormatter}, what {@code trace -r} prints) give for it, without the event
 * numbers; the two must be equal.
 */
final class WrittenCapture {
    private WrittenCapture() {}

    /** The child's output (what it printed) and the lines sysdig printed for the file. */
    record Result(long pid, String childOut, List<String> sysdig, LiveCapture.Summary summary) {
        /** The lines of the child, "> name ..." and "< name ...", without time, CPU, command and tid. */
        List<String> calls() {
            String who = " (" + pid + ") ";
            List<String> out = new ArrayList<>();
            for (String l : sysdig) {
                int i = l.indexOf(who);
                if (i >= 0) {
                    out.add(l.substring(i + who.length()));
                }
            }
            return out;
        }

        /** What the child printed as lines "name value" (the fds and ids it got), by name. */
        Map<String, String> values() {
            Map<String, String> v = new HashMap<>();
            for (String out : childOut.lines().toList()) {
                String[] f = out.split(" ");
                assertEquals(2, f.length, "the child printed " + out);
                v.put(f[0], f[1]);
            }
            return v;
        }
    }

    /** The syscall number of {@code name} on this machine, or -1 (the architecture has no such call). */
    static int nr(String name) {
        return SyscallTable.current().number(name);
    }

    /** Whether this machine's architecture has the call {@code name} (arm64 has no open, poll, getrlimit...). */
    static boolean has(String name) {
        return nr(name) >= 0;
    }

    /** The perl expression that makes the call {@code name} with {@code args} through syscall(2), by this machine's number. */
    static String sc(String name, String args) {
        return "syscall(" + nr(name) + (args.isEmpty() ? "" : ", " + args) + ")";
    }

    /**
     * Asserts that {@code enter} stands exactly {@code times} times in {@code lines} and that each is followed by one of
     * {@code exits}. A line matches an expected one when equal to it, or, where the expected one ends with "...",
     * when it begins with what stands before that.
     */
    static void assertFollowed(List<String> lines, String enter, int times, String... exits) {
        String all = String.join("\n", lines);
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (matches(lines.get(i), enter)) {
                seen++;
                String next = i + 1 < lines.size() ? lines.get(i + 1) : "(none)";
                boolean ok = false;
                for (String exit : exits) {
                    ok |= matches(next, exit);
                }
                assertTrue(ok, "after " + lines.get(i) + ": " + next + ", expected " + String.join(" or ", exits) + "\n" + all);
            }
        }
        assertEquals(times, seen, enter + "\n" + all);
    }

    /** {@link #assertFollowed} for each pair: its enter line ({@code pair[0]}) {@code times} times, each followed by {@code pair[1]}. */
    static void assertPairs(List<String> lines, List<String[]> pairs, int times) {
        for (String[] pair : pairs) {
            assertEquals(2, pair.length, String.join(" | ", pair));
            assertFollowed(lines, pair[0], times, pair[1]);
        }
    }

    private static boolean matches(String line, String expected) {
        return expected.endsWith("...") ? line.startsWith(expected.substring(0, expected.length() - 3)) : line.equals(expected);
    }

    /**
     * {@code dir}'s real path, the one the kernel's paths of its files begin with (/tmp may be reached through a
     * link), once {@code text} is written to its file {@code name}: the directory a perl child works in.
     */
    static String realDirWith(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
        return dir.toRealPath().toString();
    }

    /**
     * Captures {@link Workload} {@code child} into {@code file} as {@code trace -w} does: {@code filter}'s kernel
     * part pushed down, and the whole filter run in Java as well when {@code inJava} (else the records go to the
     * file straight from the ring); releases the child and returns, once it has exited and the file is closed, the
     * capture's summary.
     */
    static LiveCapture.Summary write(Path file, Process child, Filter filter, boolean inJava) throws Exception {
        PushDown.Split split = PushDown.split(filter, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, inJava ? filter : null,
                split.kernel(), LiveCapture.DEFAULT_SNAPLEN, LiveCapture.DEFAULT_RING_BYTES, 0, null, false));
             CycleWriter w = new CycleWriter(new RotationNames(file.toString(), 0, 0, 0, 0), false, cap::tables,
                     ZoneId.systemDefault(), Path.of(""), System.currentTimeMillis() / 1000)) {
            Background writing = Background.start(stop -> cap.write(w, stop));
            Workload.release(child);
            long unread = readUpToNow(cap);
            writing.stop(Duration.ofMillis(300));
            assertEquals(0, unread, "records made before the child's exit still unread " + READ_WAIT + " after it: " + cap.summary());
            return cap.summary();
        }
    }

    /**
     * Waits until the capture's consumer has handed on every record the rings hold now (a {@link Workload} child that
     * has exited has made all of its records by then), at most {@link #READ_WAIT}; returns how many are still unread
     * (0: all). Without it a loaded machine lost the workload's last calls: the stop came 300 ms after the child's exit,
     * and the records a consumer waiting for a CPU had not read {@link LiveCapture#STOP_GRACE_NS} of wall time after
     * the stop were only counted ({@link LiveCapture.Summary#leftAtStop}), not written (LivePushDownStateTest at load
     * 17-22 with 4 busy loops beside it: 369 and 752 records left, the closes and opens it compares among them, and
     * "sysdig kept nothing of the unfiltered capture"). The records made after the marks (other processes' forks and
     * exits, which every capture reads) may still be left at the stop on such a machine: they are not the child's.
     * A condition, not a timing: the wait ends as soon as the records are read.
     */
    static long readUpToNow(LiveCapture cap) throws InterruptedException {
        long[] marks = cap.probe().rings().producerPositions();
        long deadline = System.nanoTime() + READ_WAIT.toNanos();
        long unread;
        while ((unread = cap.probe().rings().recordsBefore(marks)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return unread;
    }

    /** The longest {@link #readUpToNow} waits: far beyond what a consumer starved of CPU took (seconds), bounded so that a stuck one fails the test. */
    static final Duration READ_WAIT = Duration.ofSeconds(120);

    static Result run(Path file, Process child) throws Exception {
        return run(file, child, "proc.pid=" + child.pid(), false);
    }

    /**
     * {@link #run(Path, Process)} with the filter {@code filter} in place of the child's pid: its kernel part pushed
     * down, and run whole in Java too when {@code inJava} (a field the kernel does not filter on, as -w does).
     */
    static Result run(Path file, Process child, String filter, boolean inJava) throws Exception {
        try {
            LiveCapture.Summary summary = write(file, child, Filter.compile(filter, ServiceNames.none()), inJava);
            assertEquals(0, summary.drops(), "records dropped: " + summary);
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), "the child failed: " + err);
            List<String> sysdig = LiveCaptureTest.stripNum(LiveCaptureTest.sysdig(file));
            List<String> ours = LiveCaptureTest.ours(file);
            assertTrue(!sysdig.isEmpty(), "sysdig printed nothing for " + file);
            List<String> mine = LiveCaptureTest.stripNum(ours);
            for (int i = 0; i < Math.min(sysdig.size(), mine.size()); i++) {
                assertEquals(sysdig.get(i), mine.get(i), "line " + (i + 1) + ": our reader prints the file otherwise than sysdig -r");
            }
            assertEquals(sysdig.size(), mine.size(), "lines of sysdig -r and of our reader");
            return new Result(child.pid(), out, sysdig, summary);
        } finally {
            child.destroyForcibly();
        }
    }
}
