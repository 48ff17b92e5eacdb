package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the fields sysdig 0.29 computes from a call's arguments (evt.buffer, evt.io_dir, evt.is_wait,
 * evt.wait_latency, evt.is_syslog, evt.type.is.X, evt.abspath / .src / .dst, fd.uid, fd.containername,
 * fd.containerdirectory, the fdlist class) read from a
 * capture {@code trace -w} wrote of a known Python workload, printed ({@code -p}, {@code -j}, {@code -x}, {@code -A})
 * and filtered as the installed sysdig reads the same file. The workload writes and reads a file with binary data,
 * a pipe and a TCP pair, polls five fds (a pipe, both TCP ends, the listening socket, a directory), selects,
 * waits on epoll, makes, renames, links, symlinks, chmods and removes files through a directory fd and through
 * AT_FDCWD, and sends two datagrams to a socket named .../dev/log. trace refused every one of these fields before.
 */
@KernelTest
class TraceCallFieldsTest {
    @TempDir
    Path dir;

    private static final String WORKLOAD = String.join("\n",
            "import os, socket, sys, time, select",
            "go = sys.argv[1]; d = sys.argv[2]",
            "os.makedirs(d + '/dev')",
            "log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind(d + '/dev/log')",
            "print('ready', flush=True)",
            "while not os.path.exists(go): time.sleep(0.02)",
            "dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)",
            "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(8)",
            "c = socket.create_connection(srv.getsockname()); a, _ = srv.accept()",
            "rp, wp = os.pipe()",
            "f = os.open('data.txt', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=dfd)",
            "os.write(f, b'hello\\x00world\\x01\\xff GET / HTTP/1.1\\r\\n'); os.close(f)",
            "f = os.open(d + '/data.txt', os.O_RDONLY); os.read(f, 100); os.close(f)",
            "os.write(wp, b'pipe-data')",
            "p = select.poll()",
            "for x in (rp, c.fileno(), a.fileno(), srv.fileno(), dfd): p.register(x, select.POLLIN)",
            "p.poll(10)",
            "os.read(rp, 100)",
            "select.select([rp, c], [], [], 0.01)",
            "ep = select.epoll(); ep.register(a, select.EPOLLOUT); ep.poll(0.01); ep.close()",
            "c.send(b'net-data'); a.recv(100)",
            "os.mkdir('sub', dir_fd=dfd)",
            "os.rename('data.txt', 'sub/renamed.txt', src_dir_fd=dfd, dst_dir_fd=dfd)",
            "os.symlink('sub/renamed.txt', 'link', dir_fd=dfd)",
            "os.link('sub/renamed.txt', 'hard', src_dir_fd=dfd, dst_dir_fd=dfd)",
            "os.chmod('hard', 0o600, dir_fd=dfd)",
            "os.unlink('hard', dir_fd=dfd); os.unlink('link', dir_fd=dfd)",
            "os.chdir(d + '/sub')",
            "os.link('renamed.txt', '../hard2', src_dir_fd=None)",
            "os.mkdir('../sub2', dir_fd=None); os.rename('../sub2', '/' + d.strip('/') + '/sub3')",
            "u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); u.connect(d + '/dev/log')",
            "u.send(b'<13>syslog msg'); u.sendto(b'<13>again', d + '/dev/log'); log.recv(100)",
            "for s in (c, a, srv, u, log): s.close()",
            "time.sleep(60)", "");

    @Test
    void callFieldsAreWhatSysdigReads() throws Exception {
        Path script = Files.writeString(dir.resolve("calls.py"), WORKLOAD);
        Path work = dir.resolve("d");
        try (PythonCapture child = PythonCapture.start(script.toString(), dir.resolve("go").toString(), work.toString())) {
            Path file = dir.resolve("cap.scap");
            child.write(file, dir.resolve("go"), "-M", "12");

            String fmt = "*%evt.num %evt.type %evt.dir %fd.num [%evt.io_dir] %evt.is_wait %evt.wait_latency %evt.is_syslog "
                    + "{%evt.buffer} A=%evt.abspath S=%evt.abspath.src D=%evt.abspath.dst U=%fd.uid F=%fdlist.nums "
                    + "%fdlist.names %fdlist.cips %fdlist.sips %fdlist.cports %fdlist.sports %evt.type.is.poll";
            // sysdig, the oracle, saw the workload: the buffers, the poll of five fds with the TCP pair's addresses,
            // the two datagrams to .../dev/log, the renameat's source and destination under the directory fd
            String sysdig = TraceReadFilterTest.sysdigRead(file, List.of("-p", fmt));
            assertTrue(sysdig.contains(" write < ") && sysdig.contains("{hello.world.. GET / HTTP/1.1..}"), sysdig);
            assertTrue(Pattern.compile("(?m) poll > .* true <NA> false \\{<NA>\\} .* F=\\d+(,\\d+){4} .*127\\.0\\.0\\.1").matcher(sysdig).find(), sysdig);
            assertTrue(Pattern.compile("(?m) poll < .* true \\d+ false ").matcher(sysdig).find(), sysdig);
            assertEquals(4, Pattern.compile("(?m) sendto [<>] \\d+ \\[write\\] false <NA> true ").matcher(sysdig).results().count(), sysdig);
            assertTrue(sysdig.contains(" S=" + work + "/data.txt D=" + work + "/sub/renamed.txt "), sysdig);

            String j = "*%evt.num %evt.buffer %evt.io_dir %evt.is_wait %evt.wait_latency %evt.is_syslog %fd.uid %evt.abspath "
                    + "%evt.type.is.poll %fdlist.names %fdlist.sports %fd.containername %fd.containerdirectory";
            TraceReadFilterTest.assertSameAsSysdig(file, List.of(
                    List.of("-p", fmt),
                    List.of("-j", "-p", j),
                    List.of("-x", "-p", "*%evt.num %evt.buffer", "evt.buffer exists"),
                    List.of("-A", "-p", "*%evt.num %evt.buffer", "evt.buffer exists"),
                    List.of("-p", "*%evt.num %evt.type", "evt.buffer contains GET"),
                    List.of("-p", "*%evt.num %evt.type", "evt.buffer startswith hello or evt.buffer endswith data"),
                    List.of("-p", "*%evt.num %evt.type", "evt.buffer in (pipe-data, net-data) or evt.buffer=\"<13>again\""),
                    List.of("-p", "*%evt.num %evt.type", "evt.buffer != pipe-data"),
                    List.of("-p", "*%evt.num %evt.type", "evt.io_dir=read or (evt.io_dir exists and evt.is_syslog=true)"),
                    List.of("-p", "*%evt.num %evt.type", "evt.is_wait=true and evt.wait_latency > 0"),
                    List.of("-p", "*%evt.num %evt.type", "evt.type.is.poll=1 or evt.type.is.80=1 or evt.type.is.openat=1"),
                    List.of("-p", "*%evt.num %evt.type", "evt.abspath contains sub and evt.abspath.dst endswith .txt"),
                    List.of("-p", "*%evt.num %evt.type", "fd.uid startswith " + child.pid() + " and fd.num > 2"),
                    List.of("-p", "*%evt.num %evt.type", "fdlist.nums contains , and fdlist.sips exists and fdlist.cports exists"),
                    List.of("-p", "*%evt.num %evt.type %evt.type.is.poll", "fdlist.names contains sub or fdlist.cips exists"),
                    List.of("-p", "*%evt.num %fd.name %fd.containername %fd.containerdirectory", "fd.containername startswith :/")));
        }
    }

    /**
     * sysdig's -k URL / -K FILES: sysdig 0.29 -r with an API server nobody listens on prints the file's events as
     * without them and exits 0; trace does the same, with one line on standard error saying nothing is read.
     */
    @Test
    void kubernetesOptionsAreAcceptedAndSaySo() throws Exception {
        Path file = TraceReadFilterTest.capture();
        for (List<String> k : List.of(List.of("-k", "http://127.0.0.1:1"), List.of("-K", "/nonexistent/token"))) {
            List<String> args = new java.util.ArrayList<>(k);
            args.addAll(List.of("-n", "5"));
            String sysdig = TraceReadFilterTest.sysdigRead(file, args);
            assertEquals(5, sysdig.lines().count(), sysdig);
            java.util.List<String> a = new java.util.ArrayList<>(List.of("trace", "-r", file.toString()));
            a.addAll(args);
            Cli ours = Cli.run(a.toArray(String[]::new));
            assertEquals(0, ours.code(), ours.err());
            assertEquals(sysdig, ours.out());
            assertEquals(1, ours.err().lines().count(), ours.err());
            assertTrue(ours.err().contains(k.get(0) + " ignored: no Kubernetes metadata is read"), ours.err());
        }
    }
}
