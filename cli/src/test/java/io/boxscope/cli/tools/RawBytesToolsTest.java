package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.ChildJvm;
import io.boxscope.cli.trace.Pty;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tool that prints a kernel string with libbpf-tools' printf {@code %s} (statsnoop's comm and path, killsnoop's,
 * exitsnoop's, tcpconnect's, tcplife's, syscount -P's and runqlat -P's comm, filetop's comm and file name, profile -f's and
 * offcputime -f's folded comm) writes that string's bytes that are not UTF-8 as they are to a file or a pipe, as the
 * C tools do, shows them as {@code \xNN} on a terminal (where a control byte never goes raw), and keeps JSON valid.
 * The workload is a perl of the test's own named {@code b ff fe 01 x} (perlvar: assigning {@code $0} sets the comm with
 * prctl(PR_SET_NAME)) that stats, writes and kills itself with signal 0 on a path {@code p ff fe 01 q}, connects to this
 * test's listening socket, forks a child that exits, spins, then sleeps; each tool runs as the real program (a second
 * JVM) with its output in a file, and again under a pseudo-terminal.
 */
@KernelTest
class RawBytesToolsTest {
    /** The comm as a file holds it: ff fe as they are, the control byte 01 escaped; a byte a char (ISO-8859-1). */
    private static final String COMM_IN_FILE = "b\u00ff\u00fe\\x01x";
    /** The comm on a terminal: every byte that is not printable UTF-8 escaped. */
    private static final String COMM_ON_TTY = "b\\xff\\xfe\\x01x";
    private static final String NAME_IN_FILE = "p\u00ff\u00fe\\x01q";
    private static final String NAME_ON_TTY = "p\\xff\\xfe\\x01q";

    @TempDir
    Path dir;

    private ServerSocket server;
    private Thread acceptor;
    private Process perl;

    @BeforeEach
    void start() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().available(); // closed at once: the connection ends (tcplife prints it then)
                } catch (IOException e) {
                    return;
                }
            }
        });
        Path ready = dir.resolve("ready");
        String script = """
                use Socket;
                $0 = "b\\xff\\xfe\\x01x";
                my ($d, $port) = @ARGV;
                my $path = "$d/p\\xff\\xfe\\x01q";
                open(my $r, '>', "$d/ready"); print $r "ok\\n"; close($r);
                while (1) {
                    open(my $w, '>', $path); print $w ('x' x 4096); close($w);
                    stat($path);
                    kill 0, $$;
                    socket(my $s, PF_INET, SOCK_STREAM, 0);
                    connect($s, pack_sockaddr_in($port, inet_aton('127.0.0.1')));
                    close($s);
                    my $c = fork();
                    if (defined $c && $c == 0) { exit 3; }
                    waitpid($c, 0) if $c;
                    my $i = 0; $i++ while $i < 300000;
                    select(undef, undef, undef, 0.03);
                }
                """;
        perl = new ProcessBuilder("perl", "-e", script, dir.toString(), Integer.toString(server.getLocalPort()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("perl.out").toFile()).start();
        for (int i = 0; i < 3000 && !Files.exists(ready); i++) {
            Thread.sleep(10);
        }
        byte[] comm = Files.readAllBytes(Path.of("/proc/" + perl.pid() + "/comm"));
        assertEquals("b\u00ff\u00fe\u0001x\n", new String(comm, StandardCharsets.ISO_8859_1),
                "perl did not name itself: the test tests nothing");
    }

    @AfterEach
    void stop() throws Exception {
        perl.destroyForcibly();
        perl.waitFor(10, TimeUnit.SECONDS);
        server.close();
        acceptor.join(5000);
    }

    /** Each tool's command line (traced for {@code seconds}) and what its text must hold besides the comm. */
    private Map<String, List<String>> tools(int seconds) {
        String pid = Long.toString(perl.pid());
        String s = Integer.toString(seconds);
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("statsnoop", List.of("statsnoop", "-p", pid, "--duration", s));
        t.put("killsnoop", List.of("killsnoop", "-p", pid, "-d", s));
        t.put("exitsnoop", List.of("exitsnoop", "--duration", s)); // the children exit: no -p of the parent
        t.put("tcpconnect", List.of("tcpconnect", "-p", pid, "--duration", s));
        t.put("tcplife", List.of("tcplife", "-p", pid, "--duration", s));
        t.put("syscount", List.of("syscount", "-P", "-p", pid, "-d", s));
        t.put("filetop", List.of("filetop", "-p", pid, "-C", s, "1"));
        t.put("runqlat", List.of("runqlat", "-P", "-p", pid, s, "1"));
        t.put("profile", List.of("profile", "-f", "-p", pid, s));
        t.put("offcputime", List.of("offcputime", "-f", "-p", pid, s));
        return t;
    }

    /** The names each tool prints besides the comm: statsnoop the path, filetop the file's name. */
    private static List<String> names(String tool, boolean tty) {
        return switch (tool) {
            case "statsnoop", "filetop" -> List.of(tty ? NAME_ON_TTY : NAME_IN_FILE);
            default -> List.of();
        };
    }

    @Test
    void bytesThatAreNotUtf8AreWrittenAsTheyAreToAFileAndEscapedOnATerminal() throws Exception {
        Map<String, List<String>> tools = tools(6);
        // to files: all at once (each a second JVM), then read as bytes, a byte a char
        Map<String, Process> runs = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> t : tools.entrySet()) {
            runs.put(t.getKey(), new ProcessBuilder(ChildJvm.boxscope(t.getValue().toArray(String[]::new)))
                    .redirectOutput(dir.resolve(t.getKey() + ".out").toFile())
                    .redirectError(dir.resolve(t.getKey() + ".err").toFile()).start());
        }
        for (Map.Entry<String, Process> r : runs.entrySet()) {
            assertTrue(r.getValue().waitFor(180, TimeUnit.SECONDS), r.getKey() + " did not end");
            String err = Files.readString(dir.resolve(r.getKey() + ".err"), StandardCharsets.ISO_8859_1);
            assertEquals(0, r.getValue().exitValue(), r.getKey() + ": " + err);
            String out = Files.readString(dir.resolve(r.getKey() + ".out"), StandardCharsets.ISO_8859_1);
            assertTrue(out.contains(COMM_IN_FILE), r.getKey() + " did not write the comm's bytes as they are:\n" + out);
            for (String name : names(r.getKey(), false)) {
                assertTrue(out.contains(name), r.getKey() + " did not write the name's bytes as they are:\n" + out);
            }
            assertFalse(out.contains("\u0001"), r.getKey() + " wrote the control byte raw:\n" + out);
            assertFalse(out.contains("\\xff\\xfe"), r.getKey() + " escaped bytes it should write as they are:\n" + out);
        }
        // under a pseudo-terminal: escaped, no byte ff anywhere
        ExecutorService pool = Executors.newFixedThreadPool(tools.size());
        try {
            Map<String, Future<String>> screens = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> t : tools.entrySet()) {
                List<String> cmd = ChildJvm.boxscope(t.getValue().toArray(String[]::new));
                screens.put(t.getKey(), pool.submit(() -> Pty.run(dir, 200, 50, cmd)));
            }
            for (Map.Entry<String, Future<String>> s : screens.entrySet()) {
                String screen = s.getValue().get(240, TimeUnit.SECONDS);
                assertTrue(screen.endsWith("[exit 0]\r\n"), s.getKey() + ": " + screen);
                assertTrue(screen.contains(COMM_ON_TTY), s.getKey() + " did not escape the comm on a terminal:\n" + screen);
                for (String name : names(s.getKey(), true)) {
                    assertTrue(screen.contains(name), s.getKey() + " did not escape the name on a terminal:\n" + screen);
                }
                assertFalse(screen.contains("\u00ff") || screen.contains("\u0001"), s.getKey() + " wrote raw bytes to a terminal");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * oomkill's two comms (oomkill.c: {@code ("%s")} of each): a perl named {@code b ff fe 01 x} in a 32 MiB memory
     * cgroup of the test's own builds a 1 GiB string and is killed, with oomkill writing to a file, then again under a
     * pseudo-terminal; the trigger and the victim are that perl.
     */
    @Test
    void oomkillWritesBothCommsBytesAsTheyAreToAFileAndEscapesThemOnATerminal() throws Exception {
        Path memcg = io.boxscope.cli.MemoryCgroup.create("boxscope-test-rawbytes-oom-" + ProcessHandle.current().pid());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Path out = dir.resolve("oomkill.out");
            Process tool = new ProcessBuilder(ChildJvm.boxscope("oomkill", "--duration", "15")).redirectOutput(out.toFile())
                    .redirectError(dir.resolve("oomkill.err").toFile()).start();
            awaitHeader(out);
            oom(memcg);
            assertTrue(tool.waitFor(120, TimeUnit.SECONDS), "oomkill did not end");
            assertEquals(0, tool.exitValue(), Files.readString(dir.resolve("oomkill.err")));
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            String both = "(\"" + COMM_IN_FILE + "\"), OOM kill of PID ";
            assertTrue(text.contains(both) && text.indexOf("(\"" + COMM_IN_FILE + "\"), ", text.indexOf(both) + both.length()) > 0,
                    "oomkill did not write both comms' bytes as they are:\n" + text);
            assertFalse(text.contains("\u0001") || text.contains("\\xff"), text);

            Path ptyDir = Files.createDirectory(dir.resolve("pty"));
            Future<String> screen = pool.submit(() -> Pty.run(ptyDir, 200, 50, ChildJvm.boxscope("oomkill", "--duration", "15")));
            Path ptyOut = null;
            for (int i = 0; i < 6000 && ptyOut == null; i++) {
                try (var files = Files.list(ptyDir)) {
                    ptyOut = files.filter(f -> f.getFileName().toString().startsWith("pty")).findFirst().orElse(null);
                }
                Thread.sleep(10);
            }
            assertTrue(ptyOut != null, "the pseudo-terminal's output never appeared");
            awaitHeader(ptyOut);
            oom(memcg);
            String s = screen.get(180, TimeUnit.SECONDS);
            assertTrue(s.endsWith("[exit 0]\r\n"), s);
            assertTrue(s.contains("(\"" + COMM_ON_TTY + "\"), OOM kill of PID "), "oomkill did not escape the comm on a terminal:\n" + s);
            assertFalse(s.contains("\u00ff") || s.contains("\u0001"), "raw bytes reached the terminal:\n" + s);
        } finally {
            pool.shutdownNow();
            io.boxscope.cli.MemoryCgroup.remove(memcg);
        }
    }

    /** Waits (up to 60 s) until oomkill's header is in {@code out}: its programs are attached. */
    private static void awaitHeader(Path out) throws Exception {
        for (int i = 0; i < 6000; i++) {
            if (Files.exists(out) && Files.readString(out, StandardCharsets.ISO_8859_1).contains("Tracing OOM kills")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("oomkill never said it was tracing: " + Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    /** A perl named b ff fe 01 x moves into {@code memcg} and builds a 1 GiB string: the kernel kills it. */
    private static void oom(Path memcg) throws Exception {
        Process p = new ProcessBuilder("perl", "-e", "$0 = \"b\\xff\\xfe\\x01x\"; open(my $f, '>', '"
                + memcg.resolve("cgroup.procs") + "') or die; print $f $$; close($f) or die; my $s = 'x' x (1 << 30); print length($s);")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the perl was not killed");
        assertEquals(128 + 9, p.exitValue(),
                "the perl was not killed by SIGKILL: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    /** Whether a parsed JSON value holds the string {@code s} anywhere. */
    private static boolean holds(Object v, String s) {
        return switch (v) {
            case String t -> t.equals(s);
            case Map<?, ?> m -> m.values().stream().anyMatch(x -> holds(x, s));
            case List<?> l -> l.stream().anyMatch(x -> holds(x, s));
            case null, default -> false;
        };
    }

    /**
     * JSON is text: valid UTF-8, every line a JSON value, the comm's bytes that are not UTF-8 as U+FFFD and its control
     * byte escaped (Json), as before this change.
     */
    @Test
    void jsonStaysValid() throws Exception {
        String pid = Long.toString(perl.pid());
        List<List<String>> runs = List.of(List.of("--json", "statsnoop", "-p", pid, "--duration", "4"),
                List.of("--json", "filetop", "-p", pid, "2", "1"));
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            started.add(new ProcessBuilder(ChildJvm.boxscope(runs.get(i).toArray(String[]::new)))
                    .redirectOutput(dir.resolve("json" + i + ".out").toFile())
                    .redirectError(dir.resolve("json" + i + ".err").toFile()).start());
        }
        for (int i = 0; i < runs.size(); i++) {
            assertTrue(started.get(i).waitFor(180, TimeUnit.SECONDS), runs.get(i) + " did not end");
            assertEquals(0, started.get(i).exitValue(), Files.readString(dir.resolve("json" + i + ".err")));
            byte[] bytes = Files.readAllBytes(dir.resolve("json" + i + ".out"));
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertTrue(java.util.Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8)), runs.get(i) + ": not UTF-8");
            int values = 0;
            boolean named = false;
            for (String line : text.lines().filter(l -> !l.isBlank()).toList()) {
                values++;
                named |= holds(Json.parse(line), "b\ufffd\ufffd\u0001x"); // Json: a lone surrogate is U+FFFD
            }
            assertTrue(values > 0, runs.get(i) + " printed nothing");
            assertTrue(named, runs.get(i) + " never named the perl:\n" + text);
        }
    }
}
