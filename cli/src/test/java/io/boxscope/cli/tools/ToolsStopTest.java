package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.cli.ChildJvm;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every per-event tool of {@link ToolCommands} ends cleanly: on SIGTERM and on SIGINT (exit 0, nothing
 * on stderr) and on -d, and none of its BPF links is left once it has exited (their ids read from the
 * child's /proc/PID/fdinfo while it runs, then looked for in /proc of no process: a link lives only as
 * long as a descriptor or a pin holds it, and the tools pin nothing).
 */
@KernelTest
class ToolsStopTest {
    @TempDir
    Path dir;

    static List<String> tools() {
        return ToolCommands.ALL.stream().map(m -> m.get()).filter(c -> c instanceof ToolCommand<?>).map(c -> c.name()).toList();
    }

    @ParameterizedTest
    @MethodSource("tools")
    void endsOnSigterm(String tool) throws Exception {
        endsOn(tool, "TERM");
    }

    @ParameterizedTest
    @MethodSource("tools")
    void endsOnSigint(String tool) throws Exception {
        endsOn(tool, "INT");
    }

    @ParameterizedTest
    @MethodSource("tools")
    void endsAfterDuration(String tool) throws Exception {
        Process p = new ProcessBuilder(ChildJvm.boxscope(tool, "--duration", "1")).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), tool + " -d 1 did not end");
            assertEquals(0, p.exitValue(), text(dir.resolve("err")));
        } finally {
            p.destroyForcibly();
        }
    }

    /** The interval tools (IntervalCommand), with the arguments each needs to run. */
    static List<List<String>> intervalTools() {
        List<List<String>> out = new java.util.ArrayList<>();
        for (var m : ToolCommands.ALL) {
            if (m.get() instanceof IntervalCommand<?> c) {
                out.add(c.name().equals("funccount") ? List.of("funccount", "t:syscalls:sys_enter_getpid") : List.of(c.name()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("intervalTools")
    void intervalToolEndsOnSigtermAndSigint(List<String> args) throws Exception {
        endsOn(args, "TERM");
        endsOn(args, "INT");
    }

    private void endsOn(String tool, String signal) throws Exception {
        endsOn(List.of(tool), signal);
    }

    private void endsOn(List<String> args, String signal) throws Exception {
        String tool = args.getFirst();
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope(args.toArray(String[]::new))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.size(out) == 0) { // the header: every probe is attached (bytes: a line may hold a comm cut in a character)
                assertTrue(p.isAlive() && System.nanoTime() < deadline, tool + " printed no header: " + text(err));
                Thread.sleep(20);
            }
            Set<Integer> links = linkIds(p.pid());
            assertFalse(links.isEmpty(), tool + " holds no BPF link");
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), tool + " did not end on SIG" + signal);
            assertEquals(0, p.exitValue(), text(err));
            // lost and skipped events are the machine's (other BPF programs run here), never an error; so are hardirqs'
            // interrupts the kernel counted and its raw tracepoint programs did not run for (docs/tools.md, "Open: runs
            // the programs never see": perf counts the tracepoint's hits, the BPF programs miss some under disk I/O,
            // with no recursion miss; the baseline CI of session 36 printed "virtio1-req.0 1" on a stop, and 2 to 159
            // of ~20,000 disk interrupts were missed in runs beside a dd oflag=direct the same hour). The tool reports
            // them, as it must; a stop does not cause them. The line's shape is still checked.
            String said = text(err).replaceAll(
                    "(?m)^(Lost \\d+ events!|\\d+ events? skipped by the kernel \\(another BPF program was running on the CPU\\)"
                    + "|hardirqs: \\d+ interrupts? counted by the kernel \\(/proc/interrupts\\) (was|were) not seen by the probes"
                    + " \\([^\n]*\\): the BPF programs did not run for [^\n]*; see docs/tools\\.md)\n", "");
            assertEquals("", said);
            Set<Integer> left = new TreeSet<>(heldLinks());
            left.retainAll(links);
            assertEquals(Set.of(), left, tool + ": links still held");
        } finally {
            p.destroyForcibly();
        }
    }

    /** link_id of the file descriptors of {@code pid}. */
    static Set<Integer> linkIds(long pid) throws IOException {
        Set<Integer> ids = new TreeSet<>();
        Pattern link = Pattern.compile("(?m)^link_id:\\s+(\\d+)$");
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = link.matcher(Files.readString(fd));
                    if (m.find()) {
                        ids.add(Integer.parseInt(m.group(1)));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return ids;
    }

    /** Link ids held by any process now. */
    static Set<Integer> heldLinks() throws IOException {
        Set<Integer> ids = new TreeSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    ids.addAll(linkIds(Long.parseLong(proc.getFileName().toString())));
                } catch (IOException | RuntimeException e) {
                    // exited, or not ours to read
                }
            }
        }
        return ids;
    }

    /** A file's text, a byte that is not UTF-8 shown as U+FFFD (a tool prints a comm as the kernel cut it, as libbpf-tools). */
    private static String text(Path p) throws java.io.IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
