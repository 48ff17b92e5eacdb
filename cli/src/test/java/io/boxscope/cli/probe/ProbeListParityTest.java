package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import io.boxscope.testkit.SystemLibs;
import org.junit.jupiter.api.Test;

/** {@code boxscope probe -l} prints the same probes as {@code bpftrace -l}, both run live on this machine. */
@KernelTest
class ProbeListParityTest {
    /** Where the loader finds libc on this machine (ldd), given to bpftrace and to us alike. */
    static final String LIBC = SystemLibs.libc().toString();

    record Run(int code, String out, String err) {}

    static Run boxscope(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> bpftrace(String... args) throws IOException, InterruptedException {
        Requirements.requireTracefs();
        Path out = Files.createTempFile("boxscope-bpftrace", ".txt");
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "bpftrace";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bpftrace finished");
            Requirements.require(p.exitValue() == 0, "bpftrace (Debian package bpftrace) exited " + p.exitValue());
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void assertSameLines(String pattern) throws Exception {
        List<String> theirs = bpftrace("-l", pattern);
        Run ours = boxscope("probe", "-l", pattern);
        assertEquals(0, ours.code(), ours.err());
        assertTrue(!theirs.isEmpty(), "bpftrace listed " + theirs.size() + " probes for " + pattern);
        assertEquals(new TreeSet<>(theirs), new TreeSet<>(ours.out().lines().toList()), pattern);
        assertEquals(theirs, ours.out().lines().toList(), "same order too: " + pattern);
    }

    @Test
    void syscallEntryTracepoints() throws Exception {
        assertSameLines("tracepoint:syscalls:sys_enter_*");
    }

    @Test
    void schedTracepoints() throws Exception {
        assertSameLines("tracepoint:sched:*");
    }

    @Test
    void everyTracepointAndAlias() throws Exception {
        assertSameLines("tracepoint:*");
        assertSameLines("t:*:*openat");
    }

    @Test
    void libcUprobes() throws Exception {
        assertSameLines("uprobe:" + LIBC + ":*");
        assertSameLines("uretprobe:" + LIBC + ":mall*");
        // a wildcard in the path: bpftrace expands it with glob(3)
        String dir = LIBC.substring(0, LIBC.lastIndexOf('/'));
        assertSameLines("uprobe:" + dir.substring(0, dir.lastIndexOf('/')) + "/*/" + LIBC.substring(LIBC.lastIndexOf('/') + 1) + ":mall*");
        assertSameLines("uprobe:" + dir + "/libc.so*:free*");
    }

    /**
     * {@code bpftrace -l} without an argument (0.17 searches {@code *:*}) against {@code boxscope probe -l}: the
     * providers both list give the same lines in the same order (tracepoints; kfuncs as {@code kfunc:vmlinux:NAME}
     * where the kernel takes fentry and available_filter_functions can be read, else none in either; iterators); the
     * providers bpftrace lists and Boxscope does not are only kprobe (where available_filter_functions is readable) and
     * hardware where the machine has no hardware counters (0.17 prints {@code hardware:*:} whatever the machine has;
     * Boxscope lists one line per event where the kernel opens a hardware counter, as for software, where 0.17 prints
     * {@code software:*:}); raw tracepoints are listed too.
     */
    @Test
    void withoutAnArgumentTheProvidersOfBpftraceL() throws Exception {
        List<String> theirs = bpftrace("-l");
        Run ours = boxscope("probe", "-l");
        assertEquals(0, ours.code(), ours.err());
        List<String> mine = ours.out().lines().toList();
        for (String provider : List.of("tracepoint:", "kfunc:", "iter:")) {
            assertEquals(theirs.stream().filter(l -> l.startsWith(provider)).toList(), mine.stream().filter(l -> l.startsWith(provider)).toList(),
                    provider);
        }
        assertTrue(theirs.stream().filter(l -> l.startsWith("tracepoint:")).count() > 100, "bpftrace listed tracepoints");
        TreeSet<String> theirProviders = new TreeSet<>(theirs.stream().map(l -> l.substring(0, l.indexOf(':'))).toList());
        theirProviders.removeAll(List.of("tracepoint", "kfunc", "software", "hardware", "iter", "kprobe"));
        assertEquals(new TreeSet<>(), theirProviders, "bpftrace listed a provider this test does not know");
        TreeSet<String> myProviders = new TreeSet<>(mine.stream().map(l -> l.substring(0, l.indexOf(':'))).toList());
        myProviders.removeAll(List.of("tracepoint", "kfunc", "iter"));
        TreeSet<String> expected = new TreeSet<>(List.of("rawtracepoint", "software"));
        if (Features.attach(AttachKind.PERF_EVENT_HARDWARE) instanceof Support.Supported) {
            expected.add("hardware");
        } else {
            assertTrue(ours.err().contains("notice: hardware probes not listed: this machine has no usable hardware counters ("),
                    ours.err());
        }
        assertEquals(expected, myProviders);
        assertTrue(theirs.contains("iter:task"), "bpftrace 0.17 lists iter:task");
        assertEquals(theirs.stream().anyMatch(l -> l.startsWith("software:")), mine.stream().anyMatch(l -> l.startsWith("software:")));
    }

    /**
     * {@code iter:}: bpftrace 0.17 lists {@code task} and {@code task_file} (its built-in list); Boxscope lists each where
     * the kernel's BTF has {@code bpf_iter_NAME}, which this kernel has, so the lines are the same, order included.
     * {@code -lv} prints the iterator's context from BTF: the same but for {@code task_file}'s fd, which the kernel
     * declares {@code u32} and 0.17's hard-coded list calls {@code int}.
     */
    @Test
    void iteratorsAsBpftraceListsThem() throws Exception {
        assertSameLines("iter:*");
        assertSameLines("it:*");
        assertSameLines("iter:task*");
        assertSameLines("iter:*file");
        List<String> theirs = bpftrace("-lv", "iter:*");
        Run ours = boxscope("probe", "-lv", "iter:*");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(theirs.stream().map(l -> l.equals("    int fd") ? "    u32 fd" : l).toList(), ours.out().lines().toList());
        assertTrue(theirs.contains("    int fd"), theirs.toString());
    }

    /**
     * {@code hardware:*}: bpftrace 0.17 prints the pattern back, {@code hardware:*:} (its get_matches_for_ap returns
     * {@code TARGET:} when no event is named), whatever the machine counts; Boxscope lists bpftrace's ten hardware
     * events, {@code hardware:NAME:}, where the kernel opens a hardware counter, else none with a notice.
     */
    @Test
    void hardwareEventsWhereTheKernelCountsThem() throws Exception {
        assertEquals(List.of("hardware:*:"), bpftrace("-l", "hardware:*"));
        Run ours = boxscope("probe", "-l", "hardware:*");
        assertEquals(0, ours.code(), ours.err());
        if (Features.attach(AttachKind.PERF_EVENT_HARDWARE) instanceof Support.Supported) {
            assertEquals(List.of("hardware:backend-stalls:", "hardware:branch-instructions:", "hardware:branch-misses:",
                    "hardware:bus-cycles:", "hardware:cache-misses:", "hardware:cache-references:", "hardware:cpu-cycles:",
                    "hardware:frontend-stalls:", "hardware:instructions:", "hardware:ref-cycles:"), ours.out().lines().toList());
        } else {
            assertEquals("", ours.out());
            assertTrue(ours.err().startsWith("notice: hardware probes not listed: this machine has no usable hardware counters ("),
                    ours.err());
        }
    }

    @Test
    void verboseSchedTracepointsMatchBpftraceLv() throws Exception {
        List<String> theirs = bpftrace("-lv", "tracepoint:sched:*");
        Run ours = boxscope("probe", "-lv", "tracepoint:sched:*");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(theirs, ours.out().lines().toList());
        assertTrue(ours.out().contains("    __data_loc char[] filename\n"));
    }

    @Test
    void rawTracepointsComeFromBtfWithArgumentTypes() {
        Run r = boxscope("probe", "-lv", "rawtracepoint:sched_switch");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("rawtracepoint:sched_switch", "    bool", "    struct task_struct *", "    struct task_struct *",
                "    unsigned int"), r.out().lines().toList());
        Run all = boxscope("probe", "-l", "rt:*");
        assertTrue(all.out().lines().count() > 500, "raw tracepoints: " + all.out().lines().count());
        assertTrue(all.out().lines().noneMatch(l -> l.startsWith("rawtracepoint:sys_enter_")), "syscall wrappers are no raw tracepoints");
    }

    @Test
    void jsonListing() {
        Run r = boxscope("--json", "probe", "-l", "software:*");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> o = Json.asObject(Json.parse(r.out()));
        assertEquals(11L, ((Number) o.get("count")).longValue());
        assertEquals("software:cpu-clock:", Json.asObject(Json.asList(o.get("probes")).get(3)).get("name"));
    }

    @Test
    void usageAndMissingFiles() {
        Run f = boxscope("probe", "no-such-prog.bt");
        assertEquals(1, f.code());
        assertTrue(f.err().contains("cannot read program file no-such-prog.bt: no such file"), f.err());
        assertEquals(2, boxscope("probe").code());
        assertEquals(2, boxscope("probe", "-l", "-e", "x").code());
        Run bad = boxscope("probe", "-l", "uprobe:/no/such/lib.so:*");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("is not a file"), bad.err());
        Run help = boxscope("probe", "--help");
        assertTrue(help.out().contains("EXAMPLES"));
    }
}
