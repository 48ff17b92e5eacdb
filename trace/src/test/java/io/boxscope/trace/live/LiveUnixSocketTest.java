package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ScapCapture;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;
import io.boxscope.trace.scap.ScapReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix-domain socket tuples: a python3 server binds and listens on a path, a second python3 connects to it,
 * they exchange a few bytes, and the capture (filtered on both PIDs) must show the kernel's view: connect's
 * and accept's tuples name the same two {@code struct sock} addresses (the client's connect sees the
 * server-side socket first, the server's accept sees it first too: inbound and outbound tuples put the
 * other end in opposite places) and the path. Oracles: the two processes' own calls and sysdig 0.29 reading
 * the file we write, with and without fd.name / fd.type filters.
 */
@KernelTest
class LiveUnixSocketTest {
    private static final Pattern TUPLE = Pattern.compile("tuple=([0-9a-f]+)->([0-9a-f]+) (\\S+)");

    private static final String SERVER = "import socket, sys\n"
            + "sys.stdin.readline()\n"
            + "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
            + "s.bind(sys.argv[1]); s.listen(4)\n"
            + "print('ready', flush=True)\n"
            + "a, _ = s.accept()\n"
            + "d = a.recv(16); a.send(d.upper())\n"
            + "a.close(); s.close()\n";
    private static final String CLIENT = "import socket, sys\n"
            + "sys.stdin.readline()\n"
            + "c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
            + "c.connect(sys.argv[1]); c.send(b'ping')\n"
            + "print(c.recv(16).decode(), flush=True)\n"
            + "c.close()\n";

    @Test
    void connectAndAcceptShowTheKernelsUnixTupleAsSysdigDoes(@TempDir Path dir) throws Exception {
        String path = dir.resolve("boxscope-unix-test.sock").toString();
        Process server = new ProcessBuilder("python3", "-c", SERVER, path).start();
        Process client = new ProcessBuilder("python3", "-c", CLIENT, path).start();
        try (LiveCapture cap = LiveCaptureTest.start("proc.pid in (" + server.pid() + ", " + client.pid()
                + ") and evt.type in (socket, bind, listen, connect, accept, accept4, sendto, recvfrom, close)")) {
            LiveCaptureTest.Running r = new LiveCaptureTest.Running(cap);
            go(server);
            BufferedReader sout = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("ready", sout.readLine(), "the python3 server did not start listening");
            go(client);
            assertTrue(client.waitFor(30, TimeUnit.SECONDS) && server.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
            assertEquals("PING", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
            r.stop();
            String all = String.join("\n", r.lines);
            String connect = only(r.lines, " (" + client.pid() + ") < connect ");
            String accept = only(r.lines, " (" + server.pid() + ") < accept");
            Matcher c = TUPLE.matcher(connect);
            Matcher a = TUPLE.matcher(accept);
            assertTrue(connect.contains("< connect res=0 ") && c.find(), connect);
            assertTrue(a.find(), accept);
            assertEquals(path, c.group(3), connect);
            assertEquals(path, a.group(3), accept);
            // the kernel's socket addresses: both non-zero, two different sockets, the same pair seen from both ends
            assertNotEquals("0", c.group(1), connect);
            assertNotEquals("0", c.group(2), connect);
            assertNotEquals(c.group(1), c.group(2), connect);
            assertEquals(c.group(1) + "->" + c.group(2), a.group(1) + "->" + a.group(2), connect + "\n" + accept);
            // the accepted fd is named after its tuple
            assertTrue(accept.contains("(<u>" + a.group(1) + "->" + a.group(2) + " " + path + ")"), accept);
            assertTrue(all.contains("< bind res=0 addr=" + path), all);

            Path file = dir.resolve("unix.scap");
            LiveCaptureTest.assertSysdigPrintsTheLiveLines(file, cap, r);
            for (String filter : List.of("fd.type=unix", "fd.name contains " + path, "fd.name startswith " + c.group(1),
                    "fd.typechar=u and evt.type in (accept, sendto, close)")) {
                List<String> mine = kept(file, filter);
                assertFalse(mine.isEmpty(), filter + " kept nothing:\n" + all);
                assertEquals(LiveCaptureTest.sysdig(file, filter), mine, filter);
            }
        } finally {
            server.destroyForcibly();
            client.destroyForcibly();
        }
    }

    private static void go(Process p) throws Exception {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    private static String only(List<String> lines, String what) {
        List<String> hits = lines.stream().filter(l -> l.contains(what)).toList();
        assertEquals(1, hits.size(), what + " in\n" + String.join("\n", lines));
        return hits.getFirst();
    }

    /** The lines our reader keeps with {@code filter}, as {@code trace -r FILE FILTER} prints them. */
    private static List<String> kept(Path file, String filter) throws Exception {
        ScapCapture c = ScapReader.readAll(file);
        Filter f = Filter.compile(filter, ServiceNames.none());
        Inspector insp = new Inspector(c.tables());
        EventFormatter fmt = new EventFormatter(insp, ZoneId.systemDefault());
        List<String> out = new ArrayList<>();
        for (ScapEvent e : c.events()) {
            String line = fmt.next(e);
            if (line != null && f.matches(new ScapFields(fmt, insp, e))) {
                out.add(line);
            }
        }
        return out;
    }
}
