package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapReader;
import io.boxscope.trace.scap.ScapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live capture against a child whose system calls are known in advance: a perl that blocks reading
 * stdin until the capture is attached, then makes exactly {@link #GETPIDS} getpid calls (through
 * {@code syscall(NR)}, NR as {@code strace -n} reports it), {@link #OPENS} opens of a path that does not
 * exist, and one write of {@link #BYTES} bytes. Oracles: those counts, strace's syscall number, the
 * kernel's ENOENT, and sysdig 0.29 reading the file we write.
 */
@KernelTest
class LiveCaptureTest {
    private static final int GETPIDS = 7;
    private static final int OPENS = 3;
    private static final int BYTES = 13;
    private static final String MISSING = "/nonexistent/boxscope-live-test-" + ProcessHandle.current().pid();

    /** getpid's number as strace -n prints it ({@code [  39] getpid() = 123} on x86_64), not from our table. */
    static int getpidNumber() throws Exception {
        // dash calls getpid(2) once at start (its rootpid)
        Process p = new ProcessBuilder("strace", "-qq", "-n", "-e", "trace=getpid", "/bin/dash", "-c", "true")
                .redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "strace (Debian package strace): " + out);
        Matcher m = Pattern.compile("^\\[\\s*(\\d+)\\] getpid\\(").matcher(out.isEmpty() ? "" : out.getFirst());
        assertTrue(m.find(), "strace -n printed " + out);
        return Integer.parseInt(m.group(1));
    }

    static Process child(int getpid) throws Exception {
        String script = "$| = 1; my $go = <STDIN>; for (1.." + GETPIDS + ") { syscall(" + getpid + "); } "
                + "for (1.." + OPENS + ") { open(my $f, '<', '" + MISSING + "'); } "
                + "syswrite(STDOUT, 'x' x " + BYTES + "); exit 0;";
        return new ProcessBuilder("perl", "-e", script).start();
    }

    /** A capture running on its own thread until the child has exited (and a little after, to drain). */
    static final class Running {
        final List<ScapEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final LiveCapture capture;
        private final Background consumer;

        Running(LiveCapture capture) {
            this.capture = capture;
            this.consumer = Background.start(stop -> capture.run((e, line, num) -> {
                events.add(e);
                if (line != null) {
                    lines.add(line);
                }
                return true;
            }, stop));
        }

        void finish(Process child) throws Exception {
            assertEquals("x".repeat(BYTES), release(child));
        }

        /** Tells the child to go, waits for it, stops the capture once it has drained; the child's output. */
        String release(Process child) throws Exception {
            Workload.release(child);
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            stop();
            return out;
        }

        /** Stops the capture after 300 ms more (what the kernel produced just before is read) and fails with its error. */
        void stop() throws Exception {
            consumer.stop(Duration.ofMillis(300));
        }
    }

    static LiveCapture start(String filterText) throws Exception {
        Filter f = Filter.compile(filterText, ServiceNames.none());
        PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        return LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, f, split.kernel(), LiveCapture.DEFAULT_SNAPLEN,
                1 << 22, 0, null, true));
    }

    @Test
    void capturesExactlyTheChildsCallsWithDecodedArgumentsAndSysdigReadsTheFile(@TempDir Path dir) throws Exception {
        Process child = child(getpidNumber());
        try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type in (getpid, openat, write)")) {
            Running r = new Running(cap);
            r.finish(child);
            List<String> body = new ArrayList<>();
            for (String l : r.lines) {
                body.add(l.substring(l.indexOf(' ') + 1)); // without evt.num, which counts every event
            }
            String who = "perl (" + child.pid() + ") ";
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < GETPIDS; i++) {
                expected.add(who + "> getpid ");
                expected.add(who + "< getpid ");
            }
            List<String> got = new ArrayList<>();
            for (String l : body) {
                got.add(l.substring(l.indexOf(' ', l.indexOf(' ') + 1) + 1)); // without time and cpu
            }
            assertEquals(2 * GETPIDS + 2 * OPENS + 2, got.size(), String.join("\n", got));
            assertEquals(expected, got.subList(0, 2 * GETPIDS));
            for (int i = 0; i < OPENS; i++) {
                String enter = got.get(2 * GETPIDS + 2 * i);
                String exit = got.get(2 * GETPIDS + 2 * i + 1);
                assertTrue(enter.startsWith(who + "> openat dirfd=-100(AT_FDCWD) name=" + MISSING + " flags="), enter);
                assertTrue(exit.startsWith(who + "< openat fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=" + MISSING + " flags="), exit);
            }
            assertTrue(got.get(got.size() - 2).matches(Pattern.quote(who) + "> write fd=1\\(<p>[^)]*\\) size=" + BYTES + " "),
                    got.get(got.size() - 2));
            assertEquals(who + "< write res=" + BYTES + " data=" + "x".repeat(BYTES) + " ", got.getLast());
            assertEquals(0, cap.summary().drops());

            // -w: the same events in a file; sysdig 0.29 and our reader print the same lines
            Path file = dir.resolve("live.scap");
            try (ScapWriter w = ScapWriter.create(file, cap.tables(), false)) {
                for (ScapEvent e : r.events) {
                    w.write(e);
                }
                w.writeDrops(System.currentTimeMillis() * 1_000_000L, cap.dropsPerCpu());
            }
            List<String> sysdig = stripNum(sysdig(file));
            assertEquals(body, sysdig);
            List<String> ours = ours(file);
            assertEquals(body, stripNum(ours));
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Overload: a one-page ring and a child making {@code CALLS} getpid calls as fast as perl can, far more
     * than the ring holds while the consumer sleeps between polls. Every record the kernel produced for the
     * child (an enter and an exit per call, nothing else passes the pushed-down filter) is either read or
     * counted as dropped: read + dropped = 2 × CALLS, exactly.
     */
    @Test
    void underOverloadReadPlusDroppedIsProducedExactly() throws Exception {
        int calls = 200_000;
        Process child = Workload.getpids(getpidNumber(), calls);
        Filter f = Filter.compile("proc.pid=" + child.pid() + " and evt.type=getpid", ServiceNames.none());
        PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, f, split.kernel(),
                LiveCapture.DEFAULT_SNAPLEN, 4096, 0, null, false))) {
            Background reading = Background.start(stop -> cap.run((e, line, num) -> true, stop));
            Workload.release(child);
            reading.stop(Duration.ofMillis(300));
            LiveCapture.Summary s = cap.summary();
            assertTrue(s.syscallDrops() > 0, "a one-page ring kept up with the loop: nothing was dropped " + s);
            assertEquals(2L * calls, s.syscallRecords() + s.syscallDrops(), s.toString());
            assertTrue(s.drops() >= s.syscallDrops());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void failedOnlyIsDecidedInTheKernel() throws Exception {
        Process child = child(getpidNumber());
        try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type=openat and evt.failed=true")) {
            Running r = new Running(cap);
            r.finish(child);
            assertEquals(OPENS, r.lines.size(), String.join("\n", r.lines));
            for (String l : r.lines) {
                assertTrue(l.contains("< openat fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=" + MISSING + " "), l);
            }
            // the kernel passed nothing else but state-only records (each open's entry, docs/trace.md "State-only
            // records"): no other entries, no successful calls, no other syscalls
            assertEquals(OPENS, cap.summary().syscallRecords() - cap.stateRecords(), cap.summary().toString());
            assertTrue(cap.stateRecords() >= OPENS, cap.stateRecords() + " state-only records");
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * socket and connect: a perl child connects to a port this JVM listens on, then to one nobody listens on
     * (the port of a socket this JVM closed): connect's enter shows the address, its exit 0 and ECONNREFUSED
     * (the kernel's answer); sysdig -r prints the same lines from the file.
     */
    @Test
    void connectsAreDecodedWithTheirAddressAndResult(@TempDir Path dir) throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int open = server.getLocalPort();
            String script = "use Socket; my $go = <STDIN>; for my $p (" + open + ", " + closed + ") { "
                    + "socket(my $s, AF_INET, SOCK_STREAM, 0) or die; connect($s, pack_sockaddr_in($p, inet_aton('127.0.0.1'))); "
                    + "close($s); } print 'x' x " + BYTES + "; exit 0;";
            Process child = new ProcessBuilder("perl", "-e", script).start();
            try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type in (socket, connect)")) {
                Running r = new Running(cap);
                r.finish(child);
                List<String> got = new ArrayList<>();
                for (String l : r.lines) {
                    got.add(l.substring(l.indexOf(" perl (") + 1));
                }
                assertEquals(8, got.size(), String.join("\n", got));
                String who = "perl (" + child.pid() + ") ";
                assertTrue(got.get(0).startsWith(who + "> socket domain=2(AF_INET) type="), got.get(0));
                assertTrue(got.get(1).matches(Pattern.quote(who) + "< socket fd=\\d+.*"), got.get(1));
                assertTrue(got.get(2).contains("> connect fd=") && got.get(2).endsWith(" addr=127.0.0.1:" + open + " "), got.get(2));
                assertTrue(got.get(3).contains("< connect res=0 tuple=") && got.get(3).contains("->127.0.0.1:" + open), got.get(3));
                assertTrue(got.get(6).endsWith(" addr=127.0.0.1:" + closed + " "), got.get(6));
                assertTrue(got.get(7).contains("< connect res=-111(ECONNREFUSED) tuple="), got.get(7));

                assertSysdigPrintsTheLiveLines(dir.resolve("connect.scap"), cap, r);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /**
     * A thread reads an fd its process's main thread opened during the capture: the live line names the
     * file, and sysdig -r on the file we write prints the same lines (a thread is written with
     * CLONE_THREAD|CLONE_FILES, as libscap's proc scan and pthread_create have it, so sysdig's thread
     * shares its process's fd table; with CLONE_THREAD alone sysdig gave the thread a table of its own).
     */
    @Test
    void aThreadReadsAnFdItsProcessOpenedAndSysdigNamesItToo(@TempDir Path dir) throws Exception {
        Path data = Files.writeString(dir.resolve("shared-fd.txt"), "boxscope\n");
        String script = "import os, sys, threading\n"
                + "os.write(1, b'ready\\n')\n"
                + "sys.stdin.readline()\n"
                + "fd = os.open('" + data + "', os.O_RDONLY)\n"
                + "t = threading.Thread(target=lambda: os.read(fd, 64))\n"
                + "t.start()\n"
                + "t.join()\n"
                + "os.write(1, b'x' * " + BYTES + ")\n";
        Process child = new ProcessBuilder("python3", "-c", script).start();
        try {
            // the capture starts once python runs, so the process list names it as the live lines do
            byte[] ready = child.getInputStream().readNBytes(6);
            assertEquals("ready\n", new String(ready, StandardCharsets.US_ASCII));
            try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type in (openat, read, clone, clone3)")) {
                Running r = new Running(cap);
                r.finish(child);
                Pattern threadRead = Pattern.compile(" \\((\\d+)\\) > read fd=\\d+\\(<f>" + Pattern.quote(data.toString())
                        + "\\) size=64 $");
                boolean named = false;
                for (String l : r.lines) {
                    Matcher m = threadRead.matcher(l);
                    if (m.find() && Long.parseLong(m.group(1)) != child.pid()) {
                        named = true;
                    }
                }
                assertTrue(named, "no read by a second thread naming " + data + ":\n" + String.join("\n", r.lines));
                assertSysdigPrintsTheLiveLines(dir.resolve("threads.scap"), cap, r);
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * bind, listen, dup, dup2 and fcntl (their own events in sysdig's table, no longer generic ones): a perl child
     * makes a TCP socket (captured too, so the fd table names it), binds it to 127.0.0.1 port 0, listens with a backlog of 7, dups it, dup2s it to fd 9, reads its flags (F_GETFL) and copies it with F_DUPFD to fd 20 or above.
     * The results are the kernel's (fds from the child's own prints); sysdig -r prints the same lines from
     * the file.
     */
    @Test
    void bindListenAndDupAreDecoded(@TempDir Path dir) throws Exception {
        String script = "use Socket; use Fcntl; use POSIX (); my $go = <STDIN>; socket(my $s, AF_INET, SOCK_STREAM, 0) or die; "
                + "bind($s, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die; listen($s, 7) or die; "
                + "my $d = POSIX::dup(fileno($s)); POSIX::dup2(fileno($s), 9); "
                + "fcntl($s, F_GETFL, 0) or die; my $h = fcntl($s, F_DUPFD, 20) or die; "
                + "print fileno($s), ' ', $d, ' ', $h, \"\\n\"; exit 0;";
        Process child = new ProcessBuilder("perl", "-e", script).start();
        try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type in (socket, bind, listen, dup, fcntl)")) {
            Running r = new Running(cap);
            String[] fds = r.release(child).strip().split(" ");
            List<String> got = new ArrayList<>();
            for (String l : r.lines) {
                got.add(l.substring(l.indexOf(" perl (") + 1));
            }
            // perl's socket() sets close-on-exec itself (fcntl F_GETFD, F_SETFD): the calls of the script follow
            int bind = 0;
            while (bind < got.size() && !got.get(bind).contains("> bind ")) {
                bind++;
            }
            assertEquals(bind + 12, got.size(), String.join("\n", got));
            got = got.subList(bind - 2, got.size());
            String who = "perl (" + child.pid() + ") ";
            assertTrue(got.get(2).startsWith(who + "> bind fd=" + fds[0] + "("), got.get(2));
            assertEquals(who + "< bind res=0 addr=127.0.0.1:0 ", got.get(3));
            assertTrue(got.get(4).startsWith(who + "> listen fd=" + fds[0] + "(") && got.get(4).endsWith(" backlog=7 "), got.get(4));
            assertEquals(who + "< listen res=0 ", got.get(5));
            assertTrue(got.get(6).startsWith(who + "> dup fd=" + fds[0] + "("), got.get(6));
            assertTrue(got.get(7).startsWith(who + "< dup res=" + fds[1] + "("), got.get(7));
            assertTrue(got.get(8).startsWith(who + "> dup fd=" + fds[0] + "("), got.get(8));
            assertTrue(got.get(9).startsWith(who + "< dup res=9("), got.get(9));
            // fcntl's cmd as the driver's PPM_FCNTL_* with its name; F_DUPFD's result is a copy of the fd, named
            assertTrue(got.get(10).matches(Pattern.quote(who + "> fcntl fd=" + fds[0] + "(") + ".*\\) cmd=4\\(F_GETFL\\) "), got.get(10));
            assertTrue(got.get(11).startsWith(who + "< fcntl res="), got.get(11));
            assertTrue(got.get(12).endsWith(" cmd=1(F_DUPFD) "), got.get(12));
            assertEquals(who + "< fcntl res=" + fds[2] + "(<4>127.0.0.1:0) ", got.get(13));
            assertSysdigPrintsTheLiveLines(dir.resolve("bind.scap"), cap, r);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * sendto and recvfrom on UDP sockets: a perl child binds a receiver to a loopback port, sends
     * {@link #BYTES} bytes to it with sendto and reads them with recvfrom: the enter shows the destination
     * and size, the exits the kernel's byte counts and the data; sysdig -r prints the same lines.
     */
    @Test
    void sendtoAndRecvfromAreDecoded(@TempDir Path dir) throws Exception {
        String script = "use Socket; my $go = <STDIN>; socket(my $r, AF_INET, SOCK_DGRAM, 0) or die; "
                + "bind($r, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die; my ($port) = unpack_sockaddr_in(getsockname($r)); "
                + "socket(my $s, AF_INET, SOCK_DGRAM, 0) or die; "
                + "send($s, 'y' x " + BYTES + ", 0, pack_sockaddr_in($port, inet_aton('127.0.0.1'))) or die; "
                + "recv($r, my $buf, 100, 0); print \"$port \", length($buf), \"\\n\"; exit 0;";
        Process child = new ProcessBuilder("perl", "-e", script).start();
        try (LiveCapture cap = start("proc.pid=" + child.pid() + " and evt.type in (socket, bind, sendto, recvfrom)")) {
            Running r = new Running(cap);
            String[] out = r.release(child).strip().split(" ");
            assertEquals(String.valueOf(BYTES), out[1]);
            List<String> send = r.lines.stream().filter(l -> l.contains(" sendto ")).toList();
            List<String> recv = r.lines.stream().filter(l -> l.contains(" recvfrom ")).toList();
            assertEquals(2, send.size(), String.join("\n", r.lines));
            assertEquals(2, recv.size(), String.join("\n", r.lines));
            assertTrue(send.get(0).contains("> sendto fd=") && send.get(0).contains(" size=" + BYTES + " ")
                    && send.get(0).endsWith("->127.0.0.1:" + out[0] + " "), send.get(0));
            assertTrue(send.get(1).endsWith("< sendto res=" + BYTES + " data=" + "y".repeat(BYTES) + " "), send.get(1));
            assertTrue(recv.get(0).contains("> recvfrom fd=") && recv.get(0).endsWith(" size=100 "), recv.get(0));
            assertTrue(recv.get(1).contains("< recvfrom res=" + BYTES + " data=" + "y".repeat(BYTES) + " "), recv.get(1));
            assertSysdigPrintsTheLiveLines(dir.resolve("udp.scap"), cap, r);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * What the probe reads from user memory, from the kernel's own formats; positions from the man pages:
     * openat(dirfd, pathname, flags, mode), write(fd, buf, count), read(fd, buf, count), connect(fd, addr, addrlen).
     */
    @Test
    void syscallConfigurationComesFromTheKernelsFormats() throws Exception {
        var sigs = io.boxscope.bpf.syscalls.SyscallSignatures.current(Path.of("/sys"));
        SyscallTable t = sigs.table();
        byte[] c = SyscallConfig.build(sigs, null, n -> true);
        int openat = t.number("openat") * SyscallConfig.SIZE;
        assertEquals(2, c[openat + SyscallConfig.STR_A]);
        assertEquals(1 | SyscallConfig.DECODED | SyscallConfig.STR_EXIT, c[openat + SyscallConfig.TRACED],
                "decoded: arguments read; the path again at the exit");
        assertEquals(0, c[openat + SyscallConfig.IN_BUF]);
        int write = t.number("write") * SyscallConfig.SIZE;
        // write's buffer is read at the exit, up to the return value, as the driver copies it; no map between the two
        assertEquals(0, c[write + SyscallConfig.IN_BUF]);
        assertEquals(0, c[write + SyscallConfig.IN_LEN]);
        assertEquals(2, c[write + SyscallConfig.OUT_BUF]);
        assertEquals(0, c[write + SyscallConfig.KEEP_ARGS]);
        int read = t.number("read") * SyscallConfig.SIZE;
        assertEquals(2, c[read + SyscallConfig.OUT_BUF]);
        assertEquals(0, c[read + SyscallConfig.IN_BUF]);
        int connect = t.number("connect") * SyscallConfig.SIZE;
        assertEquals(2, c[connect + SyscallConfig.SOCKADDR]);
        assertEquals(3, c[connect + SyscallConfig.SOCKADDR_LEN]);
        // a syscall set: only those traced; nothing read for syscalls not decoded
        byte[] only = SyscallConfig.build(sigs, java.util.Set.of(t.number("openat")), n -> false);
        assertEquals(1, only[openat + SyscallConfig.TRACED], "traced, not decoded: no arguments read");
        assertEquals(0, only[openat + SyscallConfig.STR_A]);
        assertEquals(0, only[write + SyscallConfig.TRACED]);
    }

    /** {@code events} written to {@code file} with the capture's tables. */
    static Path written(Path file, LiveCapture cap, List<ScapEvent> events) throws Exception {
        try (ScapWriter w = ScapWriter.create(file, cap.tables(), false)) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        return file;
    }

    /** Our reader's default lines of {@code file}, as trace -r prints them (EventFormatter over an Inspector). */
    static List<String> ours(Path file) throws Exception {
        List<String> ours = new ArrayList<>();
        try (ScapReader reader = ScapReader.open(file)) {
            EventFormatter fmt = new EventFormatter(new Inspector(reader.tables()), ZoneId.systemDefault());
            for (ScapEvent e; (e = reader.nextOrNull()) != null; ) {
                String line = fmt.next(e);
                if (line != null) {
                    ours.add(line);
                }
            }
        }
        return ours;
    }

    static List<String> stripNum(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.substring(l.indexOf(' ') + 1));
        }
        return out;
    }

    /** Writes the capture's events to {@code file}: sysdig -r prints the lines the live capture printed. */
    static void assertSysdigPrintsTheLiveLines(Path file, LiveCapture cap, Running r) throws Exception {
        assertEquals(stripNum(r.lines), stripNum(sysdig(written(file, cap, r.events))));
    }

    /** sysdig -r FILE [FILTER], in this JVM's time zone (the live lines use it). */
    static List<String> sysdig(Path file, String... filter) throws Exception {
        Path sysdig = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(sysdig)) {
            fail("sysdig is not installed: run scripts/setup-env (Debian package sysdig 0.29)");
        }
        List<String> command = new ArrayList<>(List.of(sysdig.toString(), "-r", file.toString()));
        command.addAll(List.of(filter));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TZ", ZoneId.systemDefault().getId());
        Path err = Files.createTempFile("sysdig-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        assertTrue(ok, () -> "sysdig -r " + file + " " + String.join(" ", filter) + " failed (exit " + (p.isAlive() ? "none" : p.exitValue())
                + "): " + stderr + "\nlast lines of its output: "
                + out.lines().skip(Math.max(0, out.lines().count() - 5)).toList());
        return out.lines().toList();
    }
}
