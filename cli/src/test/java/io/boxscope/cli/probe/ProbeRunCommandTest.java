package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.Cli;
import io.boxscope.cli.ExitCode;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import io.boxscope.testkit.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boxscope probe -e PROGRAM} and {@code boxscope probe FILE}: running programs, compared with bpftrace 0.17. */
@KernelTest
class ProbeRunCommandTest {
    @TempDir
    Path dir;

    static final String PROGRAM = "BEGIN { @c[\"b\"] = count(); @c[\"a\"] = count(); @c[\"a\"] = count(); @s = sum(-5); "
            + "@h = hist(1000); @l = lhist(15, 0, 100, 10); @t[1, \"x\"] = (2, \"y\"); $v = 7 * 6; "
            + "if ($v > 40) { printf(\"%d %s|%5d|<%s>\\n\", $v, \"ok\", -3, comm); } else { printf(\"no\\n\"); } exit(); } "
            + "END { printf(\"end %d\\n\", 1 < 2); }";

    /** bpftrace's stdout for a program (stdin closed). */
    static String bpftrace(String... args) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        String[] cmd = new String[args.length + 1];
        cmd[0] = "bpftrace";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Path out = Files.createTempFile("boxscope-bpftrace", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
            assertEquals(0, p.exitValue(), "bpftrace exit status");
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void beginProgramPrintsWhatBpftracePrints() throws Exception {
        Cli ours = Cli.run("probe", "-e", PROGRAM);
        assertEquals(0, ours.code(), ours.err());
        // comm is the process's name: bpftrace's own, or java's here
        assertEquals(bpftrace("-e", PROGRAM).replace("<bpftrace>", "<java>"), ours.out().replaceAll("<[^>]*>", "<java>"));
    }

    /**
     * bpftrace 0.17 refuses {@code -c /no/such/cmd} before attaching ("path ... does not exist or is not
     * executable"); before 2026-12-06 ours attached, printed sh's "not found" and exited 0.
     */
    @Test
    void aCommandThatCannotBeRunIsRefusedBeforeAttaching() throws Exception {
        Path notExecutable = Files.writeString(dir.resolve("script.sh"), "echo hi\n");
        for (String cmd : List.of(dir.resolve("no-such-cmd").toString(), notExecutable.toString(),
                "boxscope-no-such-cmd-in-path")) {
            Cli r = Cli.run("probe", "-c", cmd, "-e", "BEGIN { printf(\"begin\\n\"); }");
            assertEquals(ExitCode.FAILURE, r.code(), cmd + ": " + r.out() + r.err());
            assertEquals("", r.out(), cmd);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("boxscope: cannot run -c ") && r.err().contains("no such file or not executable"),
                    r.err());
        }
        Cli ok = Cli.run("probe", "-c", "true", "-e", "BEGIN { printf(\"begin\\n\"); }");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("begin"), ok.out());
    }

    @Test
    void jsonQuietAndOutputFile() throws Exception {
        Cli json = Cli.run("probe", "-f", "json", "-e", PROGRAM);
        assertEquals(0, json.code(), json.err());
        assertEquals(bpftrace("-f", "json", "-e", PROGRAM).replace("<bpftrace>", "<java>"), json.out().replaceAll("<[^>]*>", "<java>"));
        Cli quiet = Cli.run("probe", "-q", "-e", "BEGIN { printf(\"x\\n\"); exit(); }");
        assertEquals("x\n\n\n", quiet.out());
        Path file = dir.resolve("out.txt");
        Cli toFile = Cli.run("probe", "-o", file.toString(), "-e", "BEGIN { @a = 1; exit(); }");
        assertEquals(0, toFile.code(), toFile.err());
        assertEquals("\n\n", toFile.out());
        assertEquals("Attaching 1 probe...\n@a: 1\n", Files.readString(file));
    }

    /**
     * bpftrace 0.17 -o FILE writes the blank line pair that precedes the maps at exit to standard output, and the rest
     * (header, printf, maps) to FILE, in text and in JSON; before 2026-12-06 ours wrote the pair into FILE.
     */
    @Test
    void outputFileSplitsTheExitLinesAsBpftraceDoes() throws Exception {
        String program = "BEGIN { printf(\"hi\\n\"); @x = 1; @y[1] = 2; exit(); }";
        for (String format : List.of("text", "json")) {
            Path theirs = dir.resolve("bpftrace-" + format + ".txt");
            String theirOut = bpftrace("-f", format, "-o", theirs.toString(), "-e", program);
            Path ours = dir.resolve("ours-" + format + ".txt");
            Cli r = Cli.run("probe", "-f", format, "-o", ours.toString(), "-e", program);
            assertEquals(0, r.code(), r.err());
            assertEquals(theirOut, r.out(), format);
            assertEquals(Files.readString(theirs), Files.readString(ours), format);
        }
    }

    /**
     * -o FILE's write errors are said, with exit 1 (they were swallowed: exit 0, the output lost). /dev/full fails every
     * write with ENOSPC; the streaming program would print for 3 s: its first failed batch ends it.
     */
    @Test
    void writeErrorsOfTheOutputFileAreSaid() {
        for (String program : List.of("BEGIN { printf(\"x\\n\"); exit(); }",
                "interval:ms:10 { printf(\"x\\n\"); } interval:s:3 { exit(); }")) {
            Cli r = Cli.run("probe", "-o", "/dev/full", "-e", program);
            assertEquals(1, r.code(), program + ": " + r.err());
            assertTrue(r.err().contains("boxscope: cannot write /dev/full: No space left on device"), r.err());
            assertEquals("\n\n", r.out()); // the exit's blank line pair goes to standard output, as bpftrace -o writes it
        }
    }

    /**
     * -o FILE opens its file as --save writes one (cli's OutputFile): a missing directory and a directory are refused
     * with the words bench --save uses for the same path, exit 1, nothing written.
     */
    @Test
    void outputFileErrorsAreTheErrorsOfSave() throws Exception {
        for (Path file : List.of(dir.resolve("no-such-dir/out.txt"), dir)) {
            Cli save = Cli.run("bench", "cpu", "--events=5", "--time=0", "--save", file.toString());
            assertEquals(1, save.code(), save.err());
            Cli probe = Cli.run("probe", "-o", file.toString(), "-e", "BEGIN { printf(\"x\\n\"); exit(); }");
            assertEquals(1, probe.code(), probe.err());
            assertEquals(save.err(), probe.err(), file.toString());
            assertEquals("", probe.out());
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "a file was left behind");
        }
    }

    /** A link another user planted in a sticky world-writable directory (/tmp) is replaced by -o's file, never written through. */
    @Test
    void outputFileReplacesALinkPlantedInASharedDirectory() throws Exception {
        Requirements.requireRoot(); // the link must belong to another user: lchown
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path link = Files.createSymbolicLink(shared.resolve("out.txt"), victim);
        Files.setAttribute(link, "unix:uid", Unprivileged.NOBODY, LinkOption.NOFOLLOW_LINKS);
        Cli r = Cli.run("probe", "-o", link.toString(), "-e", "BEGIN { printf(\"x\\n\"); exit(); }");
        assertEquals(0, r.code(), r.err());
        assertEquals("precious\n", Files.readString(victim), "-o wrote through the link");
        assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link was not replaced");
        assertEquals("Attaching 1 probe...\nx\n", Files.readString(link));
        try (var s = Files.list(shared)) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }

    /**
     * An existing FILE is truncated in place, as bpftrace 0.17's {@code -o} (an ofstream: O_WRONLY|O_CREAT|O_TRUNC) and
     * the shell's {@code >} do: its owner, mode and inode are what bpftrace leaves them, and a second hard link shows the
     * new output. -o used to put a new root-owned 0644 file in its place (world-readable output, the link kept "old").
     */
    @Test
    void outputFileIsTruncatedInPlaceAsBpftraceDoes() throws Exception {
        Requirements.requireRoot(); // the file must belong to another user: chown
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        String program = "BEGIN { printf(\"new\\n\"); exit(); }";
        Path theirs = nobodysFile("bpftrace.txt");
        Path ours = nobodysFile("boxscope.txt");
        Process p = new ProcessBuilder("bpftrace", "-o", theirs.toString(), "-e", program)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
        assertEquals(0, p.exitValue(), "bpftrace exit status");
        Cli r = Cli.run("probe", "-o", ours.toString(), "-e", program);
        assertEquals(0, r.code(), r.err());
        // bpftrace 0.17 writes the two blank lines of its exit to standard output even with -o; so does Boxscope
        assertEquals(Files.readString(theirs), Files.readString(ours));
        for (String attribute : List.of("unix:uid", "unix:gid", "unix:mode", "unix:ino", "unix:nlink")) {
            assertEquals(kept(theirs, attribute), kept(ours, attribute), attribute + " kept as bpftrace keeps it");
        }
        assertEquals(Files.readString(theirs.resolveSibling(theirs.getFileName() + ".link")).equals(Files.readString(theirs)),
                Files.readString(ours.resolveSibling(ours.getFileName() + ".link")).equals(Files.readString(ours)),
                "the hard link shows the output as bpftrace's does");
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count(), "a temporary file was left behind");
        }
    }

    /**
     * A FILE that is a bind mount (as {@code docker -v file:file} makes one in a container) is written: rename(2) over
     * a mount point fails with EBUSY (rename(2), "EBUSY"), which -o said and exited 1 with when it renamed.
     */
    @Test
    void outputFileThatIsABindMountIsWritten() throws Exception {
        Requirements.requireRoot(); // mount(8)
        Path source = Files.writeString(dir.resolve("source.txt"), "old\n");
        Path mounted = Files.writeString(dir.resolve("mounted.txt"), "");
        Requirements.require(Requirements.run("mount", "--bind", source.toString(), mounted.toString()) == 0,
                "mount --bind (CAP_SYS_ADMIN in the initial mount namespace)");
        try {
            Cli r = Cli.run("probe", "-o", mounted.toString(), "-e", "BEGIN { printf(\"new\\n\"); exit(); }");
            assertEquals(0, r.code(), r.err());
            assertEquals("Attaching 1 probe...\nnew\n", Files.readString(source), "the mounted file's source");
        } finally {
            assertEquals(0, Requirements.run("umount", mounted.toString()), "umount");
        }
    }

    /** A file "old" owned by nobody:nogroup, mode 0640, with a second hard link FILE.link; its attributes as they were. */
    private Path nobodysFile(String name) throws Exception {
        Path f = Files.writeString(dir.resolve(name), "old\n");
        Files.setAttribute(f, "unix:uid", Unprivileged.NOBODY);
        Files.setAttribute(f, "unix:gid", Unprivileged.NOBODY);
        Files.setAttribute(f, "unix:mode", 0640);
        Files.createLink(dir.resolve(name + ".link"), f);
        before.put(f, Files.readAttributes(f, "unix:*"));
        return f;
    }

    private final java.util.Map<Path, java.util.Map<String, Object>> before = new java.util.HashMap<>();

    /** Is {@code attribute} of {@code f} what it was before the run? */
    private boolean kept(Path f, String attribute) throws Exception {
        return java.util.Objects.equals(before.get(f).get(attribute.substring(5)), Files.getAttribute(f, attribute));
    }

    @Test
    void bpftraceIsAnAliasOfProbe() {
        Cli r = Cli.run("bpftrace", "-q", "-e", "BEGIN { printf(\"%d\\n\", 6 * 7); exit(); }");
        assertEquals(0, r.code(), r.err());
        assertEquals("42\n\n\n", r.out());
    }

    @Test
    void pidRestrictsUprobesToOneProcess() throws Exception {
        // two processes call getppid() in a loop; -p selects one of them
        String loop = "import os,time\nwhile True:\n  os.getppid(); time.sleep(0.005)";
        Process target = new ProcessBuilder("/usr/bin/python3", "-S", "-c", loop).start();
        Process other = new ProcessBuilder("/usr/bin/python3", "-S", "-c", loop).start();
        try {
            Cli r = Cli.run("probe", "-p", Long.toString(target.pid()), "-e",
                    "uprobe:libc:getppid { @[pid] = count(); } interval:ms:1500 { exit(); }");
            assertEquals(0, r.code(), r.err());
            List<String> keys = r.out().lines().filter(l -> l.startsWith("@[")).map(l -> l.substring(0, l.indexOf(']') + 1)).toList();
            assertEquals(List.of("@[" + target.pid() + "]"), keys, r.out());
        } finally {
            target.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    void programFile() throws Exception {
        Path bt = dir.resolve("p.bt");
        Files.writeString(bt, "#!/usr/bin/env bpftrace\nBEGIN\n{\n  printf(\"from a file\\n\");\n  exit();\n}\n");
        Cli r = Cli.run("probe", bt.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Attaching 1 probe...\nfrom a file\n\n\n", r.out());
    }

    @Test
    void errorsAndVerbose() {
        Cli bad = Cli.run("probe", "-e", "BEGIN { @x = undefined_fn(); }");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("stdin:1:"), bad.err());
        // a 528-byte tuple variable (33 copies of comm) lives in per-CPU scratch space since TupleScratchKernelTest's
        // change: it runs; arithmetic nested 80 deep still needs more than the 512-byte stack (docs/probe.md's known
        // limits) and is refused at its column with the stack message
        String big = String.join(", ", java.util.Collections.nCopies(33, "comm"));
        Cli tuple = Cli.run("probe", "-e", "BEGIN { $t = (" + big + "); exit(); }");
        assertEquals(0, tuple.code(), tuple.err());
        String nested = "(1 + ".repeat(80) + "1" + ")".repeat(80);
        Cli unsupported = Cli.run("probe", "-e", "BEGIN { $x = " + nested + "; printf(\"%d\\n\", $x); exit(); }");
        assertEquals(2, unsupported.code());
        assertTrue(unsupported.err().contains("error: this probe needs more than the 512 bytes of BPF stack"), unsupported.err());
        assertTrue(unsupported.err().contains("stdin:1:"), unsupported.err());
        Cli v = Cli.run("probe", "-v", "-e", "BEGIN { exit(); }");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.err().contains("; program p0_0 (RAW_TRACEPOINT)"), v.err());
        assertTrue(v.err().contains("exit"), v.err());
        assertEquals(2, Cli.run("probe", "-f", "yaml", "-e", "BEGIN { exit(); }").code());
    }

    /**
     * kfunc/fentry where the running kernel refuses it (its feature probe loads and attaches a do-nothing fentry program
     * for real): one line, exit 1, with that probe's errno and the syscall tracepoint to use; where the kernel takes
     * fentry, the same program compiles, loads and attaches (--dry-run, exit 0).
     */
    @Test
    void kfuncWhereTheKernelRefusesFentryIsOneLine() {
        Cli r = Cli.run("probe", "--dry-run", "-e", "kfunc:vfs_read { @ = count(); }");
        if (io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.FENTRY)
                instanceof io.boxscope.bpf.feature.Support.Unsupported u) {
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            String errno = u.reason().contains(" — ") ? u.reason().substring(0, u.reason().indexOf(" — ")) : u.reason();
            assertTrue(r.err().startsWith("boxscope: kfunc:vfs_read: the kernel refused fentry (" + errno), r.err());
            assertTrue(r.err().contains("use tracepoint:syscalls:sys_enter_read instead"), r.err());
        } else {
            assertEquals(0, r.code(), r.err());
        }
    }

    /**
     * kprobe where the running kernel does not attach kprobes (locked down, no kprobe PMU): a runtime failure, exit 1
     * (bpftrace 0.17 fails the attach too, exit 255; a usage error, 2, said the program was wrong), in one line naming
     * the user's function, not the feature probe's (the walk of session 32 was told about do_sys_openat2), with the
     * tracepoint to use instead and whether kfunc is an alternative; where kprobes attach, --dry-run exits 0.
     */
    @Test
    void kprobeWhereTheKernelDoesNotAttachThemIsARuntimeFailureNamingTheFunction() {
        Cli r = Cli.run("probe", "--dry-run", "-e", "kprobe:vfs_read { @ = count(); }");
        if (io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.KPROBE)
                instanceof io.boxscope.bpf.feature.Support.Unsupported) {
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("boxscope: kprobe:vfs_read: the kernel does not attach kprobes ("), r.err());
            assertTrue(r.err().contains("use tracepoint:syscalls:sys_enter_read instead"), r.err());
            assertTrue(r.err().contains("kfunc:vfs_read"), "the fentry alternative, or why it is none: " + r.err());
            assertTrue(!r.err().contains("do_sys_openat2"), "the feature probe's function is not the user's: " + r.err());
        } else {
            assertEquals(0, r.code(), r.err());
        }
    }

    /**
     * {@code container} of a cgroup no container runtime names (BEGIN runs in this JVM's cgroup, a host one): printed
     * as the cgroup id, and counted; {@code -v} says how many at the end, on standard error in text and as a
     * container_misses line in JSON; without {@code -v} nothing is said.
     */
    @Test
    void verboseCountsContainerValuesPrintedAsACgroupId() {
        String program = "BEGIN { printf(\"%s\\n\", container); printf(\"%s\\n\", container); exit(); }";
        Cli v = Cli.run("probe", "-v", "-e", program);
        assertEquals(0, v.code(), v.err());
        List<String> ids = v.out().lines().filter(l -> l.matches("[0-9]+")).toList();
        assertEquals(2, ids.size(), "BEGIN's cgroup is this JVM's, no container's: " + v.out());
        assertTrue(v.err().contains("boxscope: 2 container values printed as a cgroup id: no container runtime names "
                + "those cgroups (a host process's, or a container's started less than a second before)\n"), v.err());
        Cli quiet = Cli.run("probe", "-e", program);
        assertEquals(0, quiet.code(), quiet.err());
        assertTrue(!quiet.err().contains("container value"), quiet.err());
        Cli json = Cli.run("probe", "-v", "-f", "json", "-e", program);
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().lines().toList().contains("{\"type\": \"container_misses\", \"data\": {\"values_count\": 2}}"),
                json.out());
        assertTrue(!Cli.run("probe", "-f", "json", "-e", program).out().contains("container_misses"));
    }

    /**
     * Maps of 4 keys (BPFTRACE_MAP_KEYS_MAX=4, which the command reads from the environment) given 10 keys: the 6
     * updates of new keys fail in the kernel and are reported, on standard error as a warning in text and as a
     * helper_error line in JSON; the maps hold the first 4 keys.
     */
    @Test
    void failedMapUpdatesAreReported() throws Exception {
        int capacity = 4, keys = 10;
        String program = "BEGIN { $i = 0; while ($i < " + keys + ") { @c[$i] = count(); $i++; } exit(); }";
        int col = program.indexOf("count()") + 1;
        for (boolean json : new boolean[] {false, true}) {
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            int code = ProbeRun.run(new ProbeRun.Options(program, null, false, true, json, null, false, List.of(), io.boxscope.proc.HostPaths.DEFAULT,
                    null, null, null, false, capacity), new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            assertEquals(0, code, err.toString());
            if (json) {
                assertTrue(out.toString().startsWith("{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", \"retcode\": -7, "
                        + "\"line\": 1, \"col\": " + col + ", \"map\": \"@c\", \"count\": " + (keys - capacity) + "}\n"), out.toString());
            } else {
                assertEquals("stdin:1:" + col + ": WARNING: Map full; can't update element: " + (keys - capacity)
                        + " updates of @c failed (it holds " + capacity + " entries; raise BPFTRACE_MAP_KEYS_MAX)\n", err.toString());
                assertEquals(capacity, out.toString().lines().filter(l -> l.startsWith("@c[")).count(), out.toString());
            }
        }
        assertEquals(4096, ProbeCommand.mapKeys(null));
        assertEquals(100, ProbeCommand.mapKeys("100"));
        org.junit.jupiter.api.Assertions.assertThrows(io.boxscope.cli.UsageException.class, () -> ProbeCommand.mapKeys("0"));
    }
}
