package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.UsdtNote;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Probe types beyond tracepoints on the real kernel: software events, cookies shared by uprobes and raw
 * tracepoints, lost events, USDT semaphores, and the types this kernel may refuse (hardware counters, kprobes,
 * kfuncs), whose expectation comes from the feature probes, never from the kernel version.
 */
@KernelTest
class ProbeTypesKernelTest {
    private static final Duration RUN = Duration.ofMillis(400);

    static String compileError(String program) {
        ProgramException e = assertThrows(ProgramException.class, () -> Scripts.compile(new SourceText("stdin", program),
                Path.of("/sys"), new CheckOptions(false, List.of())));
        return e.getMessage();
    }

    /** Produced = delivered + lost, exactly, in text and in bpftrace's JSON, when nothing reads the ring for a while. */
    @Test
    void lostEventsAreCountedExactly() throws Throwable {
        for (boolean json : new boolean[] {false, true}) {
            int tid = Libc.gettid();
            int n = 150_000 + ThreadLocalRandom.current().nextInt(1000);
            String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { printf(\"x%d\\n\", 7); }",
                    json, RUN, () -> RuntimeKernelTest.call(() -> Libc.getppid(n))).out();
            long delivered = out.lines().filter(l -> l.equals(json ? "{\"type\": \"printf\", \"data\": \"x7\\n\"}" : "x7")).count();
            Matcher m = Pattern.compile(json ? "\\{\"type\": \"lost_events\", \"data\": \\{\"events\": (\\d+)}}"
                    : "(?m)^Lost (\\d+) events$").matcher(out);
            long lost = 0;
            while (m.find()) {
                lost += Long.parseLong(m.group(1));
            }
            assertTrue(lost > 0, "a 1 MiB ring cannot hold " + n + " records nobody reads: " + out.length() + " bytes of output");
            assertEquals(n, delivered + lost, "delivered " + delivered + " + lost " + lost + " (json " + json + ")");
        }
    }

    @Test
    void softwareEventsFireForThisThread() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("software:cpu-clock:1000000 /tid == " + tid + "/ { @clock = count(); } "
                + "software:page-faults:1 /tid == " + tid + "/ { @faults = count(); }", false, RUN, () -> {
                    long end = System.nanoTime() + 300_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) {
                        x += System.nanoTime() % 3;
                    }
                    // fresh pages: each first touch of a page of a new direct buffer is a page fault
                    ByteBuffer b = ByteBuffer.allocateDirect(64 << 20);
                    for (int i = 0; i < b.capacity(); i += 4096) {
                        b.put(i, (byte) 1);
                    }
                    assertTrue(x >= 0);
                }).out();
        assertTrue(out.startsWith("Attaching 2 probes...\n"), out);
        assertTrue(count(out, "@clock") > 0, out);
        assertTrue(count(out, "@faults") > 0, out);
    }

    @Test
    void uprobesSharingABodyAreOneProgramWithCookies() throws Throwable {
        int tid = Libc.gettid();
        int n = 300 + ThreadLocalRandom.current().nextInt(100);
        Runs.Result r = Runs.run("uprobe:libc:getppid, uprobe:libc:gettid /tid == " + tid + "/ { @[probe] = count(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> {
                    Libc.getppid(n);
                    for (int i = 0; i < 5; i++) {
                        Libc.gettid();
                    }
                }));
        String libc = r.script().probeNames().getFirst().replaceFirst(":getppid$", "");
        assertTrue(r.out().contains("@[" + libc + ":getppid]: " + n + "\n"), r.out());
        assertTrue(r.out().contains("@[" + libc + ":gettid]: 5\n"), r.out());
        int expected = Features.cookie(AttachKind.UPROBE).isSupported() ? 1 : 2;
        assertEquals(expected, r.script().spec().programs().size(), "programs (cookies: " + Features.cookie(AttachKind.UPROBE) + ")");
    }

    @Test
    void rawTracepointsSharingABodyTellWhichFired() throws Throwable {
        int tid = Libc.gettid();
        int n = 500 + ThreadLocalRandom.current().nextInt(100);
        Runs.Result r = Runs.run("rawtracepoint:sys_enter, rawtracepoint:sys_exit /tid == " + tid + "/ { @[probe] = count(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.getppid(n)));
        assertTrue(count(r.out(), "@[rawtracepoint:sys_enter]") >= n, r.out());
        assertTrue(count(r.out(), "@[rawtracepoint:sys_exit]") >= n, r.out());
        int expected = Features.cookie(AttachKind.RAW_TRACEPOINT).isSupported() ? 1 : 2;
        assertEquals(expected, r.script().spec().programs().size());
    }

    /** Where the kernel cannot attach a type, the program fails to compile with one error naming what is missing. */
    @Test
    void refusedTypesNameTheMissingFeature() throws Throwable {
        record Type(AttachKind kind, String program, String missing) {}
        for (Type t : List.of(new Type(AttachKind.PERF_EVENT_HARDWARE, "hardware:cache-misses:1000000 { @ = count(); }",
                        "hardware counters are not available on this machine"),
                new Type(AttachKind.KPROBE, "kprobe:do_sys_openat2 { @ = count(); }", "kprobes are not available on this kernel"),
                new Type(AttachKind.KPROBE, "kretprobe:do_sys_openat2 { @ = count(); }", "kprobes are not available on this kernel"),
                new Type(AttachKind.FENTRY, "kfunc:do_sys_openat2 { @ = count(); }", "kfunc/fentry probes are not available on this kernel"),
                new Type(AttachKind.FENTRY, "fexit:do_sys_openat2 { @ = count(); }", "kfunc/fentry probes are not available on this kernel"))) {
            Support s = Features.attach(t.kind());
            if (s instanceof Support.Unsupported u) {
                String msg = compileError(t.program());
                assertTrue(msg.startsWith("stdin:1:1: error: " + t.missing() + "\n"), msg);
                // kprobes: the reason without the feature probe's own function (the message names the user's)
                String reason = t.kind() == AttachKind.KPROBE ? u.reason().substring(u.reason().indexOf(": ") + 2) : u.reason();
                assertTrue(msg.contains(reason), "the reason the feature probe found: " + msg);
            } else {
                // this kernel has the feature: the program must compile (and hardware runs)
                Scripts.compile(new SourceText("stdin", t.program()), Path.of("/sys"), new CheckOptions(false, List.of()));
            }
        }
    }

    /**
     * The fallback for kernels without ref_ctr_offset: a USDT semaphore of a live python3 set through
     * /proc/PID/mem reads 1 while set and 0 after; checked by reading the process's memory independently.
     */
    @Test
    void semaphoreSetByHandInAProcess() throws Exception {
        Path python = Path.of("/usr/bin/python3").toRealPath();
        List<UsdtNote> notes = UsdtNote.of(ElfFile.read(python));
        UsdtNote gc = notes.stream().filter(n -> n.semaphore() != 0).findFirst()
                .orElseThrow(() -> new AssertionError(python + " has USDT probes with semaphores (readelf -n)"));
        long off = ElfFile.read(python).fileOffsetOf(gc.semaphore());
        Process p = new ProcessBuilder(python.toString(), "-S", "-c", "import sys; sys.stdin.read()").start();
        try {
            Thread.sleep(300); // let it map itself
            Semaphores s = Semaphores.increment((int) p.pid(), python, off);
            long address = address((int) p.pid(), python, off);
            assertEquals(1, peek((int) p.pid(), address));
            s.close();
            assertEquals(0, peek((int) p.pid(), address));
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code probe -l 'usdt:PYTHON:*'} lists what bpftrace 0.17 lists, run live on the same file. */
    @Test
    void usdtListingMatchesBpftrace() throws Exception {
        Path python = Path.of("/usr/bin/python3").toRealPath();
        io.boxscope.testkit.Requirements.require(io.boxscope.testkit.Requirements.run("bpftrace", "--version") == 0,
                "bpftrace 0.17 (Debian package bpftrace)");
        for (String pattern : List.of("*", "python:gc__*", "function__*")) {
            Process p = new ProcessBuilder("bpftrace", "-l", "usdt:" + python + ":" + pattern)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            List<String> theirs = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines().sorted().toList();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            List<String> ours = new io.boxscope.probe.list.ProbeLister(Path.of("/sys")).list("usdt:" + python + ":" + pattern, false)
                    .probes().stream().map(io.boxscope.probe.list.ListedProbe::name).sorted().toList();
            assertTrue(!theirs.isEmpty(), "bpftrace lists python's probes");
            assertEquals(theirs, ours, pattern);
        }
    }

    /** The address of a file offset in a process, from /proc/PID/maps (writable mapping). */
    static long address(int pid, Path file, long off) throws Exception {
        long ino = ((Number) java.nio.file.Files.getAttribute(file, "unix:ino")).longValue();
        for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = l.trim().split("\\s+");
            String[] range = f[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16), end = Long.parseUnsignedLong(range[1], 16);
            long mapOff = Long.parseUnsignedLong(f[2], 16);
            if (Long.parseLong(f[4]) == ino && f[1].startsWith("rw") && off >= mapOff && off < mapOff + end - start) {
                return start + off - mapOff;
            }
        }
        throw new AssertionError("no writable mapping of " + file + " at " + off);
    }

    static int peek(int pid, long address) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.nativeOrder());
            ch.read(b, address);
            return b.getShort(0);
        }
    }

    static long count(String out, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ": (\\d+)$").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
