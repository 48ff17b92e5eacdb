package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.collection.CollectionSpec;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Scripts run on the real kernel against a workload this test makes itself, from its own thread (the
 * probes filter on that thread's id, so other processes' system calls never count).
 */
@KernelTest
class RuntimeKernelTest {
    private static final Duration RUN = Duration.ofMillis(600);

    @Test
    void countsEveryGetppidOfThisThread() throws Throwable {
        int tid = Libc.gettid();
        int n = 1000 + ThreadLocalRandom.current().nextInt(1000);
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { @[probe] = count(); }",
                false, RUN, () -> call(() -> Libc.getppid(n))).out();
        assertEquals("Attaching 1 probe...\n\n\n@[tracepoint:syscalls:sys_enter_getppid]: " + n + "\n", out);
    }

    @Test
    void deleteOfAHistogramEntryRemovesEveryBucket() throws Throwable {
        int tid = Libc.gettid();
        // three getppid calls fill keys 1 and 2 of both maps (key 1 in several buckets, under and over the lhist
        // range too); one read then deletes key 1: only key 2 is left, printed as bpftrace prints a map that never had key 1
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { @h[1] = hist(5); @h[1] = hist(-1); "
                + "@h[1] = hist(1 << 40); @h[2] = hist(100); @l[1] = lhist(500, 0, 100, 10); @l[1] = lhist(-5, 0, 100, 10); "
                + "@l[1] = lhist(50, 0, 100, 10); @l[2] = lhist(5, 0, 100, 10); } "
                + "tracepoint:syscalls:sys_enter_read /tid == " + tid + "/ { delete(@h[1]); delete(@l[1]); exit(); }",
                false, RUN, () -> call(() -> {
                    Libc.getppid(3);
                    Libc.readZero(1);
                })).out();
        String bar = "|" + "@".repeat(52) + "|";
        assertEquals("Attaching 2 probes...\n\n\n@h[2]: \n[64, 128)              3 " + bar + "\n\n"
                + "@l[2]: \n[0, 10)                3 " + bar + "\n\n", out);
    }

    /**
     * An unkeyed hist's map holds one kernel entry per bucket and no more (34: negative, zero, 2^0 ... 2^31 and above;
     * MapLayout), so that the kernel does not preallocate 32,768 per-CPU entries for it (issue 15): one value in each
     * of the 34 buckets, and two more in the last, are all counted, and no update failed for lack of room. Fails on the
     * old sizing (the map held 32,768).
     */
    @Test
    void anUnkeyedHistHoldsEveryBucketInAMapOfThatSize() throws Throwable {
        int tid = Libc.gettid();
        StringBuilder body = new StringBuilder();
        for (String v : List.of("-1", "0", "1", "1 << 1", "1 << 2", "1 << 3", "1 << 4", "1 << 5", "1 << 6", "1 << 7", "1 << 8", "1 << 9", "1 << 10", "1 << 11", "1 << 12", "1 << 13", "1 << 14", "1 << 15", "1 << 16", "1 << 17", "1 << 18", "1 << 19", "1 << 20", "1 << 21", "1 << 22", "1 << 23", "1 << 24", "1 << 25", "1 << 26", "1 << 27", "1 << 28", "1 << 29", "1 << 30", "1 << 31", "1 << 32", "1 << 40")) {
            body.append("@h = hist(").append(v).append("); ");
        }
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { " + body + "}", false, RUN,
                () -> call(() -> Libc.getppid(1)));
        assertEquals(List.of(34), r.script().spec().maps().stream().filter(m -> m.type() == io.boxscope.bpf.map.MapType.PERCPU_HASH)
                .map(m -> m.maxEntries()).toList(), r.script().spec().maps().toString());
        // the hist's lines ((..., 0), [0], [1], [2, 4) ... up to the last bucket, where 1 << 31 and above go): each value
        // counted once, 36 in all
        long counted = r.out().lines().filter(l -> l.startsWith("[") || l.startsWith("("))
                .mapToLong(l -> Long.parseLong(l.replaceAll("^[^)\\]]*[)\\]]\\s+(\\d+).*$", "$1"))).sum();
        assertEquals(36, counted, r.out());
        assertTrue(!r.out().toLowerCase(java.util.Locale.ROOT).contains("fail"), r.out());
    }

    @Test
    void wildcardProbesTellWhichTracepointFired() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("tracepoint:syscalls:sys_enter_getpp* , tracepoint:syscalls:sys_enter_read /tid == " + tid
                + "/ { @[probe] = count(); }", false, RUN, () -> call(() -> {
                    Libc.getppid(7);
                    Libc.readZero(5);
                })).out();
        assertTrue(out.startsWith("Attaching 2 probes...\n"), out);
        assertTrue(out.contains("@[tracepoint:syscalls:sys_enter_getppid]: 7\n"), out);
        assertTrue(out.contains("@[tracepoint:syscalls:sys_enter_read]: 5\n"), out);
    }

    @Test
    void execvePrintfSeesTheProgramRun() throws Throwable {
        // str() reads at most 63 characters (bpftrace's default strlen 64): keep the path short
        Path dir = Files.createTempDirectory("bxs");
        Path bin = dir.resolve("x" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE));
        Files.copy(Path.of("/bin/true"), bin, StandardCopyOption.COPY_ATTRIBUTES);
        try {
            String out = Runs.run("tracepoint:syscalls:sys_enter_execve { printf(\"%s ran %s\\n\", comm, str(args->filename)); }",
                    false, RUN, () -> call(() -> new ProcessBuilder(bin.toString()).start().waitFor())).out();
            assertTrue(out.lines().anyMatch(l -> l.endsWith(" ran " + bin)), out);
        } finally {
            Files.deleteIfExists(bin);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void readLatencyHistogramCountsEveryRead() throws Throwable {
        int tid = Libc.gettid();
        int n = 300;
        String out = Runs.run("tracepoint:syscalls:sys_enter_read /tid == " + tid + "/ { @start[tid] = nsecs; }"
                + " tracepoint:syscalls:sys_exit_read /@start[tid]/ { @us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }",
                false, RUN, () -> call(() -> Libc.readZero(n))).out();
        assertEquals(n, histTotal(out, "@us"), out);
        assertTrue(out.contains("\n@start: \n") || out.contains("\n\n@start") || out.contains("\n\n\n"), out);
    }

    @Test
    void intervalPrintsAndClearsWithoutLosingCounts() throws Throwable {
        int tid = Libc.gettid();
        int n = 50;
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { @calls[comm] = count(); }"
                + " interval:ms:100 { print(@calls); clear(@calls); }", false, Duration.ofMillis(900), () -> call(() -> {
                    for (int i = 0; i < 5; i++) {
                        Libc.getppid(n / 5);
                        Thread.sleep(60);
                    }
                })).out();
        Matcher m = Pattern.compile("(?m)^@calls\\[[^\\]]*\\]: (\\d+)$").matcher(out);
        long total = 0;
        int lines = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            lines++;
        }
        assertEquals(n, total, out);
        assertTrue(lines >= 1, out);
    }

    @Test
    void rawTracepointSeesWhatTheTracepointSees() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("rawtracepoint:sys_enter /tid == " + tid + "/ { @raw[args->id] = count(); }"
                + " tracepoint:raw_syscalls:sys_enter /tid == " + tid + "/ { @tp[args->id] = count(); }", false, RUN,
                () -> call(() -> Libc.getppid(321))).out();
        List<String> raw = out.lines().filter(l -> l.startsWith("@raw[")).map(l -> l.substring(4)).sorted().toList();
        List<String> tp = out.lines().filter(l -> l.startsWith("@tp[")).map(l -> l.substring(3)).sorted().toList();
        // the two attach at different moments, so only the workload's line must agree: [getppid's number]: 321
        String getppid = tp.stream().filter(l -> l.endsWith("]: 321")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(raw.contains(getppid), out);
    }

    /**
     * A stack kept in a map and used later as a key is the stack that was kept (offcputime's pattern),
     * not the stack of the probe that reads it: kept at getppid's entry, it holds the system call
     * path; read in a profile sample taken while the thread spins in user space, a fresh kstack would
     * have no do_syscall_64 frame (and is empty in user mode).
     */
    @Test
    void aStackKeptInAMapIsTheOneKept() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { @k[tid] = kstack; @has[tid] = 1; }"
                + " profile:hz:97 /tid == " + tid + " && @has[tid] == 1/ { @s[@k[tid]] = count(); } END { clear(@k); clear(@has); }",
                false, Duration.ofMillis(100), () -> {
                    try {
                        Libc.getppid(1);
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                    long end = System.nanoTime() + 1_000_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) {
                        x += System.nanoTime() % 7;
                    }
                    assertTrue(x >= 0);
                }).out();
        assertTrue(out.contains("@s[") && out.contains("do_syscall_64"), out);
        assertTrue(!out.contains("@s[\n]") && !out.contains("asm_sysvec_apic_timer_interrupt"), out);
    }

    @Test
    void profileFiresOnTheBusyThread() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("profile:hz:97 /tid == " + tid + "/ { @samples = count(); }", false, Duration.ofMillis(100),
                () -> {
                    long end = System.nanoTime() + 1_500_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) {
                        x += System.nanoTime() % 7;
                    }
                    assertTrue(x >= 0);
                }).out();
        Matcher m = Pattern.compile("(?m)^@samples: (\\d+)$").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) > 0, out);
    }

    @Test
    void nothingStaysAttached() throws Exception {
        int before = bpfDescriptors();
        Runs.run("tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:50 { @i = count(); }"
                + " uprobe:libc:getppid { @u = count(); } uretprobe:libc:getppid { @r = count(); } profile:hz:99 { @p = count(); }"
                + " rawtracepoint:sys_exit { @x = count(); }", false,
                Duration.ofMillis(200), null);
        assertEquals(before, bpfDescriptors(), "BPF maps, programs, links and perf events of this process after the run");
    }

    @Test
    void verifierRejectionNamesTheScriptLineAndSaysWhy() throws Exception {
        CompiledScript s = Scripts.compile(new SourceText("test.bt", "\n\ntracepoint:syscalls:sys_enter_getppid { @x = 1; }"),
                Path.of("/sys"), new CheckOptions(false, List.of()));
        Asm bad = new Asm();
        bad.mov(Reg.R0, Reg.R2).exit(); // R2 is never initialized: the verifier refuses to read it
        ProgramSpec p = s.spec().programs().getFirst();
        CompiledScript broken = new CompiledScript(s.checked(), new CollectionSpec(s.spec().maps(),
                List.of(ProgramSpec.of(p.name(), p.type(), bad))), s.units(), s.maps(), s.actions(), s.probeNames(), s.updateSites());
        int before = bpfDescriptors();
        ProbeRunException e = assertThrows(ProbeRunException.class, () -> ProbeSession.load(broken, Output.text(), "test.bt"));
        assertTrue(e.getMessage().startsWith("test.bt:3: the kernel's BPF verifier rejected the program for probe "
                + "tracepoint:syscalls:sys_enter_getppid: "), e.getMessage());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one paragraph: " + e.getMessage());
        assertEquals(before, bpfDescriptors(), "a failed load leaves nothing behind");
    }

    /** Total of the counts of a hist map's bucket lines in text output. */
    static long histTotal(String out, String map) {
        int at = out.indexOf("\n" + map + ": \n");
        assertTrue(at >= 0, "no " + map + " in " + out);
        long total = 0;
        for (String line : out.substring(at + map.length() + 4).split("\n")) {
            if (line.isEmpty()) {
                break;
            }
            Matcher m = Pattern.compile("^[\\[(].*?[)\\]]\\s+(\\d+) \\|").matcher(line);
            assertTrue(m.find(), "hist line: " + line);
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    /** This process's descriptors for BPF objects and perf events. */
    static int bpfDescriptors() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : d) {
                try {
                    String t = Files.readSymbolicLink(p).toString();
                    if (t.startsWith("anon_inode:bpf") || t.equals("anon_inode:[perf_event]")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed meanwhile (the directory stream's own descriptor)
                }
            }
        }
        return n;
    }

    interface Body {
        void run() throws Throwable;
    }

    static void call(Body b) {
        try {
            b.run();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
