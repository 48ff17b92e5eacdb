package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Privileges;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Requirements;
import io.boxscope.testkit.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, section 3, what runs in process: exit codes that say what happened, global options
 * that a command would ignore, --save that a symbolic link cannot redirect, escaping of bidi
 * controls and of everything bench compare prints from its files.
 */
class ExitCodesTest {
    @TempDir
    Path dir;

    static final String SELF = Long.toString(ProcessHandle.current().pid());

    static void usage(Cli r, String option) {
        assertEquals(ExitCode.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("does not take " + option + " (it would be ignored)"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aGlobalOptionTheCommandWouldIgnoreIsAUsageError() {
        usage(Cli.run("bench", "--pid", SELF, "cpu", "--events=1"), "--pid");
        usage(Cli.run("--pid", SELF, "bench", "compare", "a.json", "b.json"), "--pid");
        usage(Cli.run("mem", "smaps", "--container", "web", SELF), "--container");
        usage(Cli.run("mem", "pmap", "--container", "web", SELF), "--container");
        usage(Cli.run("mem", "rollup", "--container", "web", SELF), "--container");
        usage(Cli.run("mem", "container", "--pid", SELF, "web"), "--pid");
        usage(Cli.run("bpf", "features", "--pid", SELF), "--pid");
        usage(Cli.run("bpf", "features", "--sys-root", "/sys"), "--sys-root");
        usage(Cli.run("probe", "-l", "--container", "web", "software:*"), "--container");
        usage(Cli.run("completion", "--json"), "--json");
        // Help is answered whatever else is on the line, and does not offer what is refused.
        Cli help = Cli.run("bench", "cpu", "--pid", SELF, "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--container") && !help.out().contains("--pid"), help.out());
        assertTrue(Cli.run("mem", "smaps", "--help").out().contains("--pid"));
        assertFalse(Cli.run("mem", "smaps", "--help").out().contains("--container"));
    }

    /**
     * One rule for "the thing you named does not exist" (docs/cli.md, "Exit codes"): exit 1 with one line, for a
     * container as for a PID, a cgroup directory, a disk or a file; pmap(1) and {@code docker inspect} fail that
     * way too. Before, a container, a cgroup directory, a disk and bench compare's file were usage errors (2).
     */
    @Test
    void aNamedThingThatDoesNotExistIsExitOne() {
        String nosuch = "boxscope-nosuch-" + SELF;
        Path noDir = dir.resolve("no-such-cgroup");
        for (List<String> args : List.of(
                List.of("containers", "--container", nosuch),
                List.of("mem", "container", nosuch),
                List.of("--container", nosuch, "bench", "cpu", "--events=1"),
                List.of("containers", "--pid", "2147483647"),
                List.of("mem", "rollup", "2147483647"),
                List.of("probe", "-p", "2147483647", "-e", "BEGIN { exit(); }"),
                List.of("--pid", "2147483647", "probe", "-e", "BEGIN { exit(); }"),
                List.of("syscount", "-c", noDir.toString()),
                List.of("biolatency", "-c", noDir.toString()),
                List.of("biolatency", "-d", nosuch),
                // sysdig 0.29: `sysdig -i nosuch` and `sysdig -c nosuch` exit 1 too
                List.of("trace", "-c", nosuch),
                List.of("trace", "-i", nosuch),
                List.of("sysdig", "-c", nosuch),
                List.of("bench", "compare", dir.resolve("a.json").toString(), dir.resolve("b.json").toString()))) {
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCode.FAILURE, r.code(), args + ": " + r.err());
            assertEquals(1, r.err().lines().count(), args + ": " + r.err());
            assertTrue(r.err().startsWith("boxscope: "), args + ": " + r.err());
            assertEquals("", r.out(), args.toString());
        }
    }

    /** bench compare without its two files: a usage error naming them, not "internal error (NullPointerException)". */
    @Test
    void benchCompareWithoutItsFilesIsAUsageError() {
        for (List<String> args : List.of(List.of("bench", "compare"), List.of("bench", "compare", "a.json"))) {
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, r.code(), args + ": " + r.err());
            assertTrue(r.err().startsWith("boxscope: Missing required parameter") && r.err().contains("B.json"), r.err());
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void containersTakesPidOrContainerNotBoth() {
        Cli r = Cli.run("containers", "--pid", SELF, "--container", "web");
        assertEquals(ExitCode.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("give one of them"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void saveIntoAMissingDirectoryNamesTheFileAndNotProcRoot() {
        Path file = dir.resolve("no-such-dir/base.json");
        Cli r = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", file.toString());
        assertEquals(ExitCode.FAILURE, r.code(), r.err());
        assertTrue(r.err().contains("cannot write " + file), r.err());
        assertFalse(r.err().contains("--proc-root") || r.err().contains("cannot read"), r.err());
    }

    @Test
    void aFileNameCannotForgeASecondLineOfAnError() {
        Path file = dir.resolve("no\nboxscope: forged/base.json");
        Cli save = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", file.toString());
        assertEquals(ExitCode.FAILURE, save.code(), save.err());
        assertEquals(1, save.err().lines().count(), save.err());
        Cli compare = Cli.run("bench", "compare", file.toString(), file.toString());
        assertEquals(ExitCode.FAILURE, compare.code(), compare.err()); // no such file: docs/cli.md, "Exit codes"
        assertEquals(1, compare.err().lines().count(), compare.err());
    }

    /** A link another user planted in a sticky world-writable directory (/tmp) is replaced, never written through. */
    @Test
    void saveReplacesALinkPlantedInASharedDirectory() throws Exception {
        Requirements.requireRoot(); // the link must belong to another user: lchown
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "precious\n");
        Path link = Files.createSymbolicLink(shared.resolve("base.json"), victim);
        Files.setAttribute(link, "unix:uid", Unprivileged.NOBODY, LinkOption.NOFOLLOW_LINKS);
        assertFalse(OutputFile.followed(link, 0), "root would follow nobody's link in a sticky directory");
        assertTrue(OutputFile.followed(link, Unprivileged.NOBODY), "its owner follows it");
        Cli r = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", link.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("precious\n", Files.readString(victim), "--save wrote through the link");
        assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link was not replaced");
        assertTrue(Json.parse(Files.readString(link)) instanceof Map, "--save did not write the result");
        try (var s = Files.list(shared)) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }

    /** A link of the user's own (as /dev/stdout is root's) is followed, as the shell's > follows it. */
    @Test
    void saveWritesThroughALinkTheKernelWouldFollow() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path real = elsewhere.resolve("results.json");
        Files.writeString(real, "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("base.json"), real);
        Cli r = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", link.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "--save replaced the user's own link by a file");
        assertTrue(Json.parse(Files.readString(real)) instanceof Map, "--save did not write through the link");
    }

    /**
     * A FIFO (like /dev/null or /dev/full, a file that is not a regular one) is written into: a
     * rename would replace it by a regular file, and as root replace a device node in /dev.
     */
    @Test
    void saveIntoAFifoWritesIntoTheFifo() throws Exception {
        Path fifo = dir.resolve("results.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // O_RDWR: open(2) of a FIFO for reading and writing does not wait for a writer (fifo(7)).
        try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Cli r = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", fifo.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(OutputFile.isSpecial(fifo), "--save replaced the FIFO by a regular file");
            ByteBuffer b = ByteBuffer.allocate(1 << 16); // the pipe's capacity: the whole result is in it
            reader.read(b);
            assertTrue(Json.parse(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8)) instanceof Map);
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }

    @Test
    void aFileOfTheUserIsNotASystemFile() {
        HostPaths host = new HostPaths(Path.of("/host/proc"), Path.of("/host/sys"));
        assertTrue(Main.isSystemFile("/proc/1/smaps", HostPaths.DEFAULT));
        assertTrue(Main.isSystemFile("/host/proc/1/smaps", host));
        assertTrue(Main.isSystemFile("/sys/fs/cgroup/x/cgroup.procs", host));
        assertFalse(Main.isSystemFile("/root/base.json", host));
        assertFalse(Main.isSystemFile("/procfoo/x", HostPaths.DEFAULT));
        assertFalse(Main.isSystemFile("/proc/../root/x", HostPaths.DEFAULT));
    }

    @Test
    void bpfEpermIsAMissingPrivilegeOnlyWithoutTheCapabilities() {
        BpfPermissionException e = new BpfPermissionException("load tracepoint program x", 1);
        StringWriter text = new StringWriter();
        assertEquals(ExitCode.PRIVILEGE, Main.bpfRefused(new PrintWriter(text, true), e, Privileges.parse("Uid:\t65534\t65534\t65534\t65534\nCapEff:\t0\n")));
        assertTrue(text.toString().contains("run as root"), text.toString());
        text = new StringWriter();
        assertEquals(ExitCode.PRIVILEGE, Main.bpfRefused(new PrintWriter(text, true), e, Privileges.parse("Uid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\n")));
        assertTrue(text.toString().contains("grant CAP_BPF"), text.toString());
        text = new StringWriter();
        assertEquals(ExitCode.FAILURE, Main.bpfRefused(new PrintWriter(text, true), e, Privileges.parse("Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n")));
        assertTrue(text.toString().contains("lockdown"), text.toString());
    }

    @Test
    void bidiControlsAreEscaped() {
        for (char c : "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c".toCharArray()) {
            assertEquals(String.format("a\\u%04xb", (int) c), Text.safe("a" + c + "b"));
        }
        assertEquals("\\u2028\\u2029", Text.safe("\u2028\u2029"));
        assertEquals("\\\\u202e", Text.safe("\\u202e"), "a backslash cannot forge an escape");
        assertEquals("naïve ünïcode → ok", Text.safe("naïve ünïcode → ok"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void compareEscapesEverythingItPrintsFromItsFiles() throws Exception {
        Path a = dir.resolve("a\u202eslin.json");
        Path b = dir.resolve("b\u001b[2J.json");
        assertEquals(0, Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", a.toString()).code());
        assertEquals(0, Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", b.toString()).code());
        // A metric name is a JSON key of the file: give both files one with controls in it.
        for (Path p : List.of(a, b)) {
            Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(p));
            doc.put("test", "cpu");
            for (Object run : (List<Object>) doc.get("runs")) {
                Map<String, Object> metrics = (Map<String, Object>) ((Map<String, Object>) run).get("metrics");
                metrics.put("evil\u202e\u001b[31m\u2066metric", 1.0);
            }
            Files.writeString(p, Json.pretty(doc));
        }
        Cli r = Cli.run("bench", "compare", a.toString(), b.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("evil\\u202e\\x1b[31m\\u2066metric"), r.out());
        assertTrue(r.out().contains("a\\u202eslin.json") && r.out().contains("b\\x1b[2J.json"), r.out());
        for (char c : "\u001b\u202e\u2066".toCharArray()) {
            assertEquals(-1, r.out().indexOf(c), "raw U+" + Integer.toHexString(c) + " in:\n" + r.out());
            assertEquals(-1, r.err().indexOf(c), r.err());
        }
    }
}
