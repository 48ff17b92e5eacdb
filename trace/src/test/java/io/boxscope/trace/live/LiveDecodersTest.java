package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * accept, pipe, sendmsg/recvmsg, mmap/munmap and recvfrom's tuple in a live capture, against a python child
 * whose every value is printed by the child itself (ports from getsockname, fds, the pipe's inode from fstat,
 * the mapping's address from mmap's return): it opens a loopback listener with a backlog of 8, connects to it
 * {@link #CONNECTIONS} times, accepts each connection, sends {@code msg-I} with sendmsg and receives it with
 * recvmsg; makes a pipe with pipe2 and passes bytes through it; maps and unmaps 64 KiB anonymously (libc's
 * mmap through ctypes); sends a UDP datagram to itself and reads it with recvfrom. Oracles: the child's own
 * prints, and sysdig 0.29 reading the file we write (every line the same: evt.type, fd names, arguments).
 */
@KernelTest
class LiveDecodersTest {
    private static final int CONNECTIONS = 3;
    private static final String SCRIPT = String.join("\n",
            "import ctypes, os, resource, socket, sys",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "libc.mmap.restype = ctypes.c_void_p",
            "libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]",
            "libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]",
            "os.write(1, b'ready\\n')",
            "sys.stdin.readline()",
            "out = []",
            "srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen(8)",
            "port = srv.getsockname()[1]",
            "out.append(str(port))",
            "for i in range(" + CONNECTIONS + "):",
            "    c = socket.create_connection(('127.0.0.1', port))",
            "    s, peer = srv.accept()",
            "    c.sendmsg([b'msg-%d' % i])",
            "    data = s.recvmsg(64)[0]",
            "    out.append('%d,%d,%d,%s' % (c.fileno(), s.fileno(), c.getsockname()[1], data.decode()))",
            "    c.close(); s.close()",
            "r, w = os.pipe2(os.O_CLOEXEC)",
            "os.write(w, b'through-the-pipe')",
            "os.read(r, 64)",
            "out.append('%d,%d,%d' % (r, w, os.fstat(r).st_ino))",
            "addr = libc.mmap(None, 65536, 3, 0x22, -1, 0)",
            "libc.munmap(addr, 65536)",
            "out.append('%X' % addr)",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))",
            "v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.bind(('127.0.0.1', 0))",
            "v.sendto(b'dgram', u.getsockname())",
            "d, frm = u.recvfrom(64)",
            "out.append('%d,%d' % (u.getsockname()[1], frm[1]))",
            "out.append(str(resource.getrlimit(resource.RLIMIT_NOFILE)[0]))",
            "os.write(1, (' '.join(out) + '\\n').encode())",
            "");

    @Test
    void acceptPipeMsgMmapAndRecvfromAreDecodedAsSysdigsDriverDoes(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder("python3", "-c", SCRIPT).start();
        try {
            assertEquals("ready\n", new String(child.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            try (LiveCapture cap = LiveCaptureTest.start("proc.pid=" + child.pid()
                    + " and evt.type in (socket, bind, close, connect, accept, sendmsg, recvmsg, pipe, read, write, mmap, munmap, sendto, recvfrom)")) {
                LiveCaptureTest.Running r = new LiveCaptureTest.Running(cap);
                String[] out = r.release(child).strip().split(" ");
                assertEquals(CONNECTIONS + 5, out.length, String.join(" ", out));
                List<String> got = new ArrayList<>();
                for (String l : r.lines) {
                    got.add(l.substring(l.indexOf(" python3 (") + 1));
                }
                String all = String.join("\n", got);
                String who = "python3 (" + child.pid() + ") ";
                String server = "127.0.0.1:" + out[0];

                // accept (python's accept is accept4): the new socket's fd and both ends, read from the kernel socket;
                // later calls on either end name it by its connection
                List<String> accepts = lines(got, "< accept ");
                assertEquals(CONNECTIONS, accepts.size(), all);
                for (int i = 0; i < CONNECTIONS; i++) {
                    String[] c = out[1 + i].split(",");
                    String conn = "127.0.0.1:" + c[2] + "->" + server;
                    assertTrue(Pattern.matches(Pattern.quote(who + "< accept fd=" + c[1] + "(<4t>" + conn + ") tuple=" + conn)
                            + " queuepct=\\d+ queuelen=\\d+ queuemax=8 ", accepts.get(i)), accepts.get(i));
                    assertTrue(got.contains(who + "< connect res=0 tuple=" + conn + " "), "connect's local end: " + conn + "\n" + all);
                    assertTrue(got.contains(who + "> sendmsg fd=" + c[0] + "(<4t>" + conn + ") size=5 tuple=NULL "), all);
                    assertTrue(got.contains(who + "< sendmsg res=5 data=" + c[3] + " "), all);
                    assertTrue(got.contains(who + "> recvmsg fd=" + c[1] + "(<4t>" + conn + ") "), all);
                    // python passes a msg_name buffer; the kernel leaves its length 0 on a TCP socket: no tuple
                    assertTrue(got.contains(who + "< recvmsg res=5 size=64 data=" + c[3] + " tuple=NULL "), all);
                }

                // pipe2: both fds and the inode; the fd table names both ends as pipes
                String[] p = out[1 + CONNECTIONS].split(",");
                assertTrue(got.contains(who + "> pipe "), all);
                assertTrue(got.contains(who + "< pipe res=0 fd1=" + p[0] + "(<p>) fd2=" + p[1] + "(<p>) ino=" + p[2] + " "), all);
                assertTrue(got.contains(who + "> write fd=" + p[1] + "(<p>) size=16 "), all);
                assertTrue(got.contains(who + "> read fd=" + p[0] + "(<p>) size=64 "), all);

                // mmap's prot and flags by sysdig's names; munmap of the address mmap returned
                String addr = out[2 + CONNECTIONS];
                int map = indexOf(got, who + "> mmap addr=0 length=65536 prot=3(PROT_READ|PROT_WRITE) flags=10(MAP_PRIVATE|MAP_ANONYMOUS) fd=");
                assertTrue(map >= 0, all);
                assertTrue(got.get(map + 1).matches(Pattern.quote(who + "< mmap res=" + addr + " vm_size=") + "[1-9]\\d* vm_rss=[1-9]\\d* vm_swap=\\d+ "),
                        got.get(map + 1));
                assertEquals(who + "> munmap addr=" + addr + " length=65536 ", got.get(map + 2));
                assertTrue(got.get(map + 3).startsWith(who + "< munmap res=0 vm_size="), got.get(map + 3));

                // recvfrom with an address: the sender as the kernel wrote it, then the receiving socket's end
                String[] u = out[3 + CONNECTIONS].split(",");
                assertTrue(got.contains(who + "< recvfrom res=5 data=dgram tuple=127.0.0.1:" + u[1] + "->127.0.0.1:" + u[0] + " "), all);
                // sendto's tuple: the sending socket's own end (read from the kernel at entry), then the destination
                assertTrue(Pattern.compile(Pattern.quote(who + "> sendto fd=") + "\\d+\\(<4>[^)]*\\) size=5 tuple="
                        + Pattern.quote("127.0.0.1:" + u[1] + "->127.0.0.1:" + u[0] + " ")).matcher(all).find(), all);

                Path file = dir.resolve("decoders.scap");
                LiveCaptureTest.assertSysdigPrintsTheLiveLines(file, cap, r);

                // the process list carries the child's memory sizes and fd limit, read from /proc as libscap's scan does;
                // sysdig's ps chisel shows them from the file (the limit is the one python reports)
                String limit = out[4 + CONNECTIONS];
                var self = cap.tables().threads().stream().filter(t -> t.tid() == child.pid()).findFirst().orElseThrow();
                assertEquals(Long.parseLong(limit), self.fdlimit());
                assertTrue(self.vmsizeKb() > 0 && self.vmrssKb() > 0, self.toString());
                Process ps = new ProcessBuilder("/usr/bin/sysdig", "-r", file.toString(), "-c", "ps").redirectErrorStream(true).start();
                List<String> rows = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(l -> l.startsWith(child.pid() + " ")).toList();
                assertTrue(ps.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && ps.exitValue() == 0, "sysdig -c ps failed");
                assertEquals(1, rows.size(), rows.toString());
                String[] cols = rows.getFirst().trim().split("\\s+"); // TID PID USER VIRT RES FDLIMIT CMD
                assertEquals(limit, cols[5], rows.getFirst());
                assertTrue(!cols[3].equals("0B") && !cols[4].equals("0B"), rows.getFirst());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private static List<String> lines(List<String> got, String part) {
        return got.stream().filter(l -> l.contains(part)).toList();
    }

    private static int indexOf(List<String> got, String prefix) {
        for (int i = 0; i < got.size(); i++) {
            if (got.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
