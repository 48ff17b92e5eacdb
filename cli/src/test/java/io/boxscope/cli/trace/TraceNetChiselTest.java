package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spy_ip, spy_port, netlower, httplog, httptop, fdtime_by, stdin and spy_syslog on a capture that
 * {@code trace -s 1024 -w} writes of a real workload: a python3 process reads {@link #STDIN} from a pipe
 * on its stdin, serves HTTP on 127.0.0.1 and makes {@link #REQUESTS} requests to itself (the last one a
 * 404), then sends {@link #SYSLOG} messages to a syslog socket it binds at DIR/dev/log and writes lines
 * (an empty one, CR LF, control bytes, a tab, no final newline) to DIR/app.log and DIR/app.log.gz. Oracles: sysdig
 * 0.29 reading the same file (the installed {@code sysdig -r F -c CHISEL}), and the workload's own counts.
 */
@KernelTest
class TraceNetChiselTest {
    private static final int REQUESTS = 5;
    /** The last line hostile: an SGR code that hides what follows, and a CR that rewrites the line. */
    private static final String STDIN = "hello stdin\nsecond line\n\u001b[8mhid\rforged\n";
    /** The last message hostile: an SGR code that hides text, a newline that forges a line. */
    private static final String HOSTILE = "<14>app: a\u001b[8mhidden\nuser.info forged[1] line";
    private static final List<String> SYSLOG = List.of("<14>app: hello", "<11>app: failed", "<12>app: warn", "<30>d: up", HOSTILE);

    private static final String WORKLOAD = """
            import http.server, threading, urllib.request, urllib.error, sys, os, time, socket
            go, n, logdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b"x" * (100 + len(self.path))
                    self.send_response(200 if self.path != "/missing" else 404)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *a):
                    pass
            srv = http.server.HTTPServer(("127.0.0.1", 0), H)
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            os.makedirs(logdir + "/dev", exist_ok=True)
            log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            log.bind(logdir + "/dev/log")
            print(srv.server_address[1], os.getpid(), flush=True)
            while not os.path.exists(go):
                time.sleep(0.02)
            while os.read(0, 7):
                pass
            for i in range(n):
                path = "/missing" if i == n - 1 else "/page%d" % i
                try:
                    urllib.request.urlopen("http://127.0.0.1:%d%s" % (srv.server_address[1], path)).read()
                except urllib.error.HTTPError as e:
                    e.read()
            c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            c.connect(logdir + "/dev/log")
            for m in sys.argv[4:]:
                c.send(m.encode())
                log.recv(1000)
            f = os.open(logdir + "/app.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(f, b"first line\\nWARNING: disk\\n\\nan error here\\r\\nend\\x01\\x02 \\t tab\\n")
            os.write(f, b"no newline")
            os.close(f)
            f = os.open(logdir + "/app.log.gz", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(f, b"compressed\\n")
            os.close(f)
            """;

    @TempDir
    static Path dir;
    static Path capture;
    static int port;

    @BeforeAll
    static void capture() throws Exception {
        capture = dir.resolve("net.scap");
        Cli r = live(dir.resolve("w"), List.of("-s", "1024", "-w", capture.toString()));
        assertEquals("", r.out());
    }

    /** Runs the workload in {@code work} under {@code trace -M 15 ARGS proc.pid=PYTHON}; sets {@link #port}. */
    private static Cli live(Path work, List<String> args) throws Exception {
        Path script = LiveWorkload.script(work, WORKLOAD);
        Path go = work.resolve("go");
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), go.toString(), Integer.toString(REQUESTS),
                work.resolve("log").toString()));
        cmd.addAll(SYSLOG);
        LiveWorkload.Run run = LiveWorkload.trace(new ProcessBuilder(cmd), STDIN, go, args);
        port = run.port();
        return run.cli();
    }

    /**
     * Live, httplog's capture takes the 1024 bytes of each buffer its Lua asks for (set_snaplen), not the
     * default 80: every transaction has its Content-Length (the body is 100 bytes plus the path's length).
     */
    @Test
    void liveHttplogSeesWholeHeaders() throws Exception {
        int saved = port;
        try {
            Cli r = live(dir.resolve("live"), List.of("-c", "httplog"));
            List<String> lines = r.out().lines().toList();
            assertEquals(2 * REQUESTS, lines.size(), r.out());
            for (String l : lines) {
                String path = l.substring(l.indexOf("url=127.0.0.1:" + port) + ("url=127.0.0.1:" + port).length(), l.indexOf(" response_code="));
                assertTrue(l.endsWith(" size=" + (100 + path.length()) + "B"), l);
            }
        } finally {
            port = saved;
        }
    }

    private static String ours(List<String> args) {
        List<String> a = new ArrayList<>(List.of("trace", "-r", capture.toString()));
        a.addAll(args);
        Cli c = Cli.run(a.toArray(String[]::new));
        assertEquals(0, c.code(), args + ": " + c.err());
        return c.out();
    }

    private static String theirs(List<String> args) throws Exception {
        return TraceReadFilterTest.sysdigRead(capture, args);
    }

    /** sysdig's lines with what Boxscope escapes for the terminal escaped (control bytes in buffers). */
    private static String safe(String s) {
        return String.join("\n", Arrays.stream(s.split("\n", -1)).map(TraceReadCli::safeChiselLine).toList());
    }

    @Test
    void spyIpAndSpyPortPrintSysdigsLines() throws Exception {
        int buffers = 0;
        for (List<String> run : List.of(List.of("-c", "spy_port", Integer.toString(port)), List.of("-c", "spy_ip", "127.0.0.1"),
                List.of("-c", "spy_ip", "127.0.0.1 disable_colors"), List.of("-c", "spy_port", port + " disable_colors", "evt.type=recvfrom"))) {
            String t = theirs(run);
            assertEquals(safe(t), ours(run), run.toString());
            buffers += (int) t.lines().filter(l -> l.startsWith("GET /page")).count();
        }
        // every request is one client write and one server read, seen by both chisels (the fourth run: reads only)
        assertEquals(3 * 2 * (REQUESTS - 1) + (REQUESTS - 1), buffers);
    }

    @Test
    void netlowerAndFdtimeByAreSysdigs() throws Exception {
        for (List<String> run : List.of(List.of("-c", "netlower", "0"), List.of("-pc", "-c", "netlower", "0"),
                List.of("-c", "netlower", "1 disable_color"))) {
            assertEquals(theirs(run), ours(run), run.toString());
        }
        for (List<String> run : List.of(List.of("-c", "fdtime_by", "proc.name"), List.of("-c", "fdtime_by", "fd.name"),
                List.of("-c", "fdtime_by", "evt.type", "fd.type=ipv4"))) {
            String t = theirs(run);
            assertTrue(TraceChiselTest.sameTable(t, ours(run)), run + "\n--- sysdig\n" + t + "--- boxscope\n" + ours(run));
        }
    }

    @Test
    void httplogHasOneLinePerTransactionAsSysdig() throws Exception {
        for (List<String> run : List.of(List.of("-c", "httplog"), List.of("-pc", "-c", "httplog"))) {
            String t = theirs(run);
            assertEquals(t, ours(run), run.toString());
            // each request is seen twice: the server read it (<), the client wrote it (>)
            assertEquals(2 * REQUESTS, t.lines().count(), t);
            assertEquals(2, t.lines().filter(l -> l.contains("/missing response_code=404 ")).count(), t);
            assertEquals(REQUESTS, t.lines().filter(l -> l.contains(" > method=GET url=127.0.0.1:" + port + "/")).count(), t);
        }
    }

    @Test
    void httptopTablesAndJsonAreSysdigs() throws Exception {
        for (List<String> run : List.of(List.of("-c", "httptop"), List.of("-c", "httptop", "bytes"), List.of("-c", "httptop", "time"),
                List.of("-pc", "-c", "httptop", "bytes"))) {
            String t = theirs(run);
            String o = ours(run);
            assertTrue(TraceChiselTest.sameTable(t, o), run + "\n--- sysdig\n" + t + "--- boxscope\n" + o);
        }
        assertTrue(ours(List.of("-c", "httptop")).contains("\n2                   GET                 127.0.0.1:" + port + "/missing\n"));
        // JSON: rows with equal values come in Lua hash order, so compared as sets
        List<String> run = List.of("-j", "-c", "httptop", "bytes");
        Map<?, ?> t = (Map<?, ?>) Json.parse(theirs(run));
        Map<?, ?> o = (Map<?, ?>) Json.parse(ours(run));
        assertEquals(t.get("info"), o.get("info"));
        assertEquals(t.get("ts"), o.get("ts"));
        assertEquals(new java.util.HashSet<>((List<?>) t.get("data")), new java.util.HashSet<>((List<?>) o.get("data")));
        assertEquals(REQUESTS, ((List<?>) o.get("data")).size());
        Cli bad = Cli.run("trace", "-r", capture.toString(), "-c", "httptop", "calls");
        assertEquals(1, bad.code()); // sysdig: "set_arg() for chisel httptop failed.", exit 1
        assertTrue(bad.err().contains("Valid options: ncalls, bytes, time"), bad.err());
    }

    @Test
    void stdinAndSpySyslogAreSysdigs() throws Exception {
        String t = theirs(List.of("-c", "stdin"));
        assertTrue(t.length() > STDIN.length(), t);
        // the fourth read is "ne", LF, ESC "[8m": a whole SGR code. sysdig prints the bytes raw; ours escapes the
        // ESC and the CR another process wrote and keeps its newlines
        String o = ours(List.of("-c", "stdin"));
        assertEquals(t.replace("\u001b", "\\x1b").replace("\r", "\\x0d"), o);
        assertTrue(o.indexOf('\u001b') < 0 && o.indexOf('\r') < 0, o);
        // the reads of 7 bytes, each printed with a newline after it, then the final empty read's newline
        StringBuilder joined = new StringBuilder();
        String rest = t;
        for (int i = 0; i < STDIN.length(); i += 7) {
            int n = Math.min(7, STDIN.length() - i);
            assertEquals(STDIN.substring(i, i + n) + "\n", rest.substring(0, n + 1), t);
            joined.append(rest, 0, n);
            rest = rest.substring(n + 1);
        }
        assertEquals(STDIN, joined.toString());
        assertEquals("\n", rest);
        for (List<String> run : List.of(List.of("-c", "spy_syslog"), List.of("-pc", "-c", "spy_syslog"))) {
            String s = theirs(run);
            String ours = ours(run);
            // sysdig's raw message spans two lines (the forged one) and carries the SGR code; ours is one line, escaped
            assertEquals(s.replace("a\u001b[8mhidden\nuser.info", "a\\x1b[8mhidden\\nuser.info"), ours, run.toString());
            assertEquals(SYSLOG.size() + 1, s.lines().count(), s);
            assertEquals(SYSLOG.size(), ours.lines().count(), ours);
            assertTrue(ours.indexOf('\u001b') < 0, ours);
        }
        assertTrue(theirs(List.of("-c", "spy_syslog")).startsWith("user.info python3["), theirs(List.of("-c", "spy_syslog")));
    }

    @Test
    void spyLogsPrintsTheLogLinesAsSysdig() throws Exception {
        for (List<String> run : List.of(List.of("-c", "spy_logs"), List.of("-pc", "-c", "spy_logs"))) {
            String t = theirs(run);
            assertEquals(t, ours(run), run.toString());
            // app.log's five non-empty lines; app.log.gz is not a log
            assertEquals(5, t.lines().count(), t);
        }
        String t = theirs(List.of("-c", "spy_logs"));
        assertTrue(t.contains("/app.log end  tab\n"), t);
        assertTrue(t.endsWith("/app.log no newline\n"), t);
    }

    /**
     * On a terminal spy_syslog and spy_logs colour each line (and spy_syslog's -pc layout changes): the screens
     * under a pty are sysdig's, but for the hostile message, which sysdig writes raw (its SGR code and newline) and
     * Boxscope escaped.
     */
    @Test
    void spySyslogAndSpyLogsColourOnATerminal() throws Exception {
        for (List<String> run : List.of(List.of("-c", "spy_syslog"), List.of("-pc", "-c", "spy_syslog"), List.of("-c", "spy_logs"),
                List.of("-pc", "-c", "spy_logs"))) {
            String[] s = Pty.screens(dir, capture, 120, 40, run);
            assertEquals(s[0].replace("a\u001b[8mhidden\r\nuser.info", "a\\x1b[8mhidden\\nuser.info"), s[1], run.toString());
            assertTrue(s[0].contains("\u001b[32m") && s[0].endsWith("\u001b[00m\u001b[0m\r\n[exit 0]\r\n"), s[0]);
        }
        String[] s = Pty.screens(dir, capture, 120, 40, List.of("-c", "spy_syslog"));
        // <11> is user.err: red; <12> user.warn: yellow; <14> user.info on the host: green
        assertTrue(s[0].contains("\u001b[31muser.err ") && s[0].contains("\u001b[33muser.warn ") && s[0].contains("\u001b[32muser.info "), s[0]);
    }
}
