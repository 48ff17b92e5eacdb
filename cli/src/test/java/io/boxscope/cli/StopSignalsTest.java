package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running command ends cleanly on SIGINT and SIGTERM ({@link StopSignals}), also when a
 * script started it in the background: {@code boxscope syscount & kill -INT $!}. A non-interactive
 * shell starts such jobs with SIGINT ignored, which the JVM keeps. The command prints its summary,
 * exits 0, and leaves none of its BPF programs or links behind: their ids are read from the
 * child's own file descriptors (/proc/PID/fdinfo: prog_id, link_id) while it runs, then looked
 * for with bpftool after it ended.
 */
@KernelTest
class StopSignalsTest {
    @TempDir
    Path dir;

    @Test
    void backgroundJobWithSigintIgnoredEndsOnSigint() throws Exception {
        endsCleanlyOn("INT");
    }

    @Test
    void endsOnSigterm() throws Exception {
        endsCleanlyOn("TERM");
    }

    /**
     * {@code timeout 5 boxscope probe -e '...'}, as the lab runs every bpftrace line, signals the command twice
     * (coreutils timeout: to the command, then to its process group); the second signal is the same request, not
     * the "does not stop, exit now" one, so the maps are still printed and the exit code is 0. The old handler
     * exited 143 without the maps whenever the second signal's handler ran after the first's (one run in four
     * with timeout(1)); here the second comes 50 ms after the first, while the command is detaching its 360
     * programs, which made the old code fail every time.
     */
    @Test
    void signalSentTwiceAtOnceIsOneRequest() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("probe", "-e",
                "tracepoint:syscalls:sys_enter_* { @[probe] = count(); }"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            waitFor(out, "Attaching");
            p.destroy(); // SIGTERM
            Thread.sleep(50);
            p.destroy(); // SIGTERM again, as timeout(1) sends it to the process group
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not end: " + Files.readString(err));
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "exit code; stderr: " + Files.readString(err) + "\nstdout:\n" + text);
            assertTrue(Pattern.compile("(?m)^@\\[tracepoint:syscalls:sys_enter_[a-z0-9_]+\\]: [0-9]+$").matcher(text).find(),
                    "no map printed:\n" + text);
        } finally {
            p.destroyForcibly();
        }
    }

    private void endsCleanlyOn(String signal) throws Exception {
        Requirements.require(Requirements.run("bpftool", "version") == 0, "bpftool (scripts/setup-env installs it)");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Path pidFile = dir.resolve("pid");
        Path ignored = dir.resolve("sigign");
        Path rc = dir.resolve("rc");
        StringBuilder cmd = new StringBuilder();
        for (String w : ChildJvm.boxscope("syscount", "-T", "5")) {
            cmd.append('\'').append(w.replace("'", "'\\''")).append("' ");
        }
        // A non-interactive bash, as in a script: its background jobs start with SIGINT ignored.
        // The first job records that (the precondition), the second is boxscope.
        String script = "grep '^SigIgn:' /proc/self/status > " + ignored + " & wait $!\n"
                + cmd + " > " + out + " 2> " + err + " &\n"
                + "echo $! > " + pidFile + "\n"
                + "wait $!; echo $? > " + rc + "\n";
        Process shell = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(dir.resolve("shell").toFile()).start();
        try {
            long sigIgn = Long.parseUnsignedLong(waitFor(ignored, "SigIgn:").split("\\s+")[1], 16);
            assertTrue((sigIgn & (1L << (2 - 1))) != 0, "the background job does not start with SIGINT ignored: the test tests nothing");
            long pid = Long.parseLong(waitFor(pidFile, "").strip());
            waitFor(out, "Tracing syscalls");
            Set<Integer> progs = bpfIds(pid, "prog_id");
            Set<Integer> links = bpfIds(pid, "link_id");
            assertFalse(progs.isEmpty(), "syscount holds no BPF program: " + Files.readString(err));
            assertFalse(links.isEmpty(), "syscount holds no BPF link");
            assertTrue(listed("prog").containsAll(progs), "bpftool does not list syscount's programs " + progs);
            assertTrue(listed("link").containsAll(links), "bpftool does not list syscount's links " + links);

            assertEquals(0, Requirements.run("kill", "-" + signal, Long.toString(pid)));
            assertTrue(shell.waitFor(30, TimeUnit.SECONDS), "syscount did not end on SIG" + signal + ": "
                    + Files.readString(out) + Files.readString(err));
            assertEquals("0", Files.readString(rc).strip(), "exit code; stderr: " + Files.readString(err));
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(Pattern.compile("(?m)^SYSCALL +COUNT$").matcher(text).find(), "no summary:\n" + text);
            assertEquals("", Files.readString(err, StandardCharsets.UTF_8));
            Set<Integer> progsLeft = new TreeSet<>(listed("prog"));
            progsLeft.retainAll(progs);
            Set<Integer> linksLeft = new TreeSet<>(listed("link"));
            linksLeft.retainAll(links);
            assertEquals(Set.of(), progsLeft, "programs left behind");
            assertEquals(Set.of(), linksLeft, "links left behind");
        } finally {
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
            shell.destroyForcibly();
        }
    }

    /** The file's first line containing {@code marker}, once it is there (within 60 s). */
    private static String waitFor(Path file, String marker) throws Exception {
        for (int i = 0; i < 6000; i++) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains(marker) && (!marker.isEmpty() || !line.isBlank())) {
                        return line;
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing with '" + marker + "' in " + file + " after 60 s");
    }

    /** The BPF object ids ({@code prog_id} or {@code link_id}) of the file descriptors of {@code pid}. */
    private static Set<Integer> bpfIds(long pid, String key) throws IOException {
        Set<Integer> ids = new TreeSet<>();
        Pattern p = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)$");
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path fd : fds) {
                String text;
                try {
                    text = Files.readString(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (key.equals("prog_id") && text.contains("link_id:")) {
                    continue; // a link's fdinfo names its program too: count programs by their own fds
                }
                Matcher m = p.matcher(text);
                if (m.find()) {
                    ids.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return ids;
    }

    /** Ids of every BPF program or link on the machine, from bpftool ("prog" or "link"). */
    private static Set<Integer> listed(String what) throws Exception {
        Process p = new ProcessBuilder("bpftool", what, "show").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        Set<Integer> ids = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(\\d+): ").matcher(text);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }
}
