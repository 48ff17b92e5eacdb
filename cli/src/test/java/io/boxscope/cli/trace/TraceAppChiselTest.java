package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memcachelog, udp_extract, spectrogram and subsecoffset, and the buffer formats -A, -x and -X in spy_port,
 * spy_ip, echo_fds and spy_file, on a capture {@code trace -s 4096 -w} writes of a real workload: python3,
 * run under the name {@code memcached} (memcachelog's filter keeps a process so named), serves a text protocol
 * on a loopback TCP port and sends itself {@link #COMMANDS} (one with an escape sequence and bytes that are not
 * UTF-8), then two connected UDP sockets exchange {@link #UDP} (NUL, 0xff, ESC, UTF-8). Oracles: sysdig 0.29
 * reading the same file ({@code sysdig -r F -c CHISEL}, in a directory of its own for udp_extract's files) and
 * the workload's own bytes.
 */
@KernelTest
class TraceAppChiselTest {
    /** The client's writes; each one with a space whose first word starts with get or set is logged twice (write, read). */
    private static final List<String> COMMANDS = List.of("get foo\r\n", "set bar 0 0 5\r\nhello\r\n", "set big 0 0 2000",
            "gets k1 k2\r\n", "get \u001b[31mevil\u00ff\u00fe\n\r\n", "set x", "delete foo\r\n", "get", "set k 1 2 3000 noreply",
            "settings  a");
    private static final List<String> UDP = List.of("hello udp\n", "\u0000\u0001\u0002\u00ff\u001b[2J", "caf\u00c3\u00a9\n", "connected");

    private static final String WORKLOAD = """
            import socket, threading, sys, os, time
            go = sys.argv[1]
            cmds = [bytes.fromhex(a) for a in sys.argv[2].split(",")]
            udp = [bytes.fromhex(a) for a in sys.argv[3].split(",")]
            srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
            print(srv.getsockname()[1], os.getpid(), flush=True)
            while not os.path.exists(go):
                time.sleep(0.02)
            def serve():
                c, _ = srv.accept()
                while True:
                    d = c.recv(4096)
                    if not d:
                        break
                    c.sendall(b"END\\r\\n")
                c.close()
            t = threading.Thread(target=serve); t.start()
            cl = socket.create_connection(srv.getsockname())
            for m in cmds:
                cl.sendall(m); cl.recv(100)
            cl.close(); t.join()
            a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
            b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0))
            a.connect(b.getsockname()); b.connect(a.getsockname())
            for p in udp:
                a.send(p); b.recv(100)
            b.send(b"reply"); a.recv(100)
            """;

    @TempDir
    static Path dir;
    static Path capture;
    static int port;

    @BeforeAll
    static void capture() throws Exception {
        capture = dir.resolve("app.scap");
        Path work = dir.resolve("w");
        Path script = LiveWorkload.script(work, WORKLOAD);
        // a copy of the interpreter named memcached: its comm is what memcachelog's filter asks for
        Path python = Path.of(new String(new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        Path memcached = work.resolve("memcached");
        Files.copy(python, memcached);
        memcached.toFile().setExecutable(true);
        Path go = work.resolve("go");
        port = LiveWorkload.trace(new ProcessBuilder(memcached.toString(), script.toString(), go.toString(), hex(COMMANDS), hex(UDP)),
                "", go, List.of("-s", "4096", "-w", capture.toString())).port();
    }

    /** The payloads as hex, one per comma (argv holds no NUL; each char is one byte, ISO-8859-1). */
    private static String hex(List<String> payloads) {
        return String.join(",", payloads.stream().map(p -> java.util.HexFormat.of().formatHex(p.getBytes(StandardCharsets.ISO_8859_1))).toList());
    }

    private static Cli ours(String... args) {
        List<String> a = new ArrayList<>(List.of("trace", "-r", capture.toString()));
        a.addAll(List.of(args));
        return Cli.run(a.toArray(String[]::new));
    }

    private static String theirs(String... args) throws Exception {
        return TraceReadFilterTest.sysdigRead(capture, List.of(args));
    }

    /** The lines memcachelog prints for the workload, derived from the commands sent (each seen as a write and a read). */
    private static List<String> expected(String method, double minSize) {
        List<String> l = new ArrayList<>();
        for (String c : COMMANDS) {
            String[] w = c.replaceAll("[^\\x20-\\x7e]", ".").split(" ", -1);
            if ((w[0].startsWith("get") || w[0].startsWith("set")) && w.length > 1 && (method == null || method.equals(w[0]))) {
                long size = w.length > 4 && w[4].matches("\\d+") ? Long.parseLong(w[4]) : 0;
                if (!"set".equals(method) || size >= minSize) {
                    l.add(" method=" + w[0] + " size=" + size + "B key=" + w[1]);
                    l.add(" method=" + w[0] + " size=" + size + "B key=" + w[1]);
                }
            }
        }
        return l;
    }

    @Test
    void memcachelogPrintsSysdigsLines() throws Exception {
        for (String[] run : List.of(new String[] {"-c", "memcachelog"}, new String[] {"-c", "memcachelog", "get"},
                new String[] {"-c", "memcachelog", "set 1000"}, new String[] {"-c", "memcachelog", "set 2000.5"},
                new String[] {"-c", "memcachelog", "gets"},
                new String[] {"-A", "-c", "memcachelog"})) {
            Cli r = ours(run);
            assertEquals(0, r.code(), r.err());
            assertEquals(theirs(run), r.out(), Arrays.toString(run));
        }
        // the lines themselves, from the workload: time stamps left out
        // set 2000.5: the Lua compares unrounded numbers, so the set of size 2000 is below it
        for (var m : new TreeMap<>(java.util.Map.of("", "", "get", "get", "set", "set 1000", "set.5", "set 2000.5")).entrySet()) {
            String[] run = m.getKey().isEmpty() ? new String[] {"-c", "memcachelog"} : new String[] {"-c", "memcachelog", m.getValue()};
            String[] words = m.getValue().split(" ");
            List<String> got = ours(run).out().lines().map(l -> l.substring(l.indexOf(" method="))).toList();
            assertEquals(expected(m.getKey().isEmpty() ? null : words[0], words.length > 1 ? Double.parseDouble(words[1]) : 0),
                    got, Arrays.toString(run));
        }
        // -A: the data starts with a newline, so no first word is get or set (sysdig prints nothing either)
        assertEquals("", ours("-A", "-c", "memcachelog").out());
        // sysdig's Lua compares the size with nil at the first set and stops with an error: refused before reading
        Cli r = ours("-c", "memcachelog", "set");
        assertEquals(1, r.code(), r.out()); // a chisel's argument refused: exit 1, as sysdig's chisel errors
    }

    @Test
    void udpExtractWritesSysdigsFiles() throws Exception {
        Path theirsDir = dir.resolve("sysdig-udp");
        Files.createDirectories(theirsDir);
        Process p = new ProcessBuilder("/usr/bin/sysdig", "-r", capture.toString(), "-c", "udp_extract").directory(theirsDir.toFile())
                .redirectErrorStream(true).start();
        String sysdigOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        // our run writes into a temporary directory of its own (TraceCommand.WORK_DIR), not the module's
        Path work = dir.resolve("ours-udp");
        Files.createDirectories(work);
        Path oursDir = work.resolve("udp_dump_files");
        try {
            Cli r = ScopedValue.where(TraceCommand.WORK_DIR, work).call(() -> ours("-c", "udp_extract"));
            assertEquals(0, r.code(), r.err());
            assertEquals(sysdigOut, r.out());
            TreeMap<String, String> mine = files(oursDir);
            assertEquals(files(theirsDir.resolve("udp_dump_files")), mine);
            // every datagram is in a file twice (sent and received): the workload's bytes, from its own list
            int sent = UDP.stream().mapToInt(String::length).sum() + "reply".length();
            assertEquals(2 * sent, mine.values().stream().mapToInt(String::length).sum(), mine.toString());
            assertTrue(mine.values().stream().anyMatch(v -> v.contains("\u0000\u0001\u0002\u00ff\u001b[2J")), mine.toString());
        } finally {
            delete(oursDir);
        }
        // links planted where the files go are not followed (we run as root): the write fails, the target keeps its bytes
        Path trap = dir.resolve("trap");
        Files.createDirectories(trap.resolve("udp_dump_files"));
        Path target = dir.resolve("target.txt");
        Files.writeString(target, "keep");
        for (String n : files(theirsDir.resolve("udp_dump_files")).keySet()) {
            Files.createSymbolicLink(trap.resolve("udp_dump_files").resolve(n), target);
        }
        Cli trapped = ScopedValue.where(TraceCommand.WORK_DIR, trap).call(() -> ours("-c", "udp_extract"));
        assertEquals("keep", new String(Files.readAllBytes(target), StandardCharsets.ISO_8859_1), "a write went through a planted link");
        assertTrue(trapped.code() != 0 && trapped.err().contains("udp_extract"), trapped.code() + " " + trapped.err());
        // udp_dump_files itself a link to another directory: refused, nothing written there (NOFOLLOW_LINKS on the
        // file's path protected only its last component)
        Path trap2 = dir.resolve("trap2");
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectories(trap2);
        Files.createDirectories(elsewhere);
        Files.createSymbolicLink(trap2.resolve("udp_dump_files"), elsewhere);
        Cli linked = ScopedValue.where(TraceCommand.WORK_DIR, trap2).call(() -> ours("-c", "udp_extract"));
        try (var in = Files.list(elsewhere)) {
            assertEquals(List.of(), in.toList(), "files written through a linked udp_dump_files");
        }
        assertTrue(linked.code() != 0 && linked.err().contains("udp_extract") && linked.err().contains("symbolic link"),
                linked.code() + " " + linked.err());
        // live: refused as the Lua's on_capture_start refuses
        Cli live = Cli.run("trace", "-M", "1", "-c", "udp_extract");
        assertEquals(1, live.code(), live.out());
        assertEquals("live capture not supported\n", live.out());
        assertEquals("init() for chisel udp_extract failed.\n", live.err());
    }

    /**
     * around: the workload makes 3 connect calls (the TCP client, the two UDP sockets), so the filter
     * {@code evt.type=connect} matches 6 events (enter and exit): 6 lines, then the file of the events within 50 ms
     * of each on its thread. sysdig 0.29's around.lua on the same capture is the oracle for the lines and, read back
     * with sysdig -r, for the written file (its second pass is {@code sysdig -F -r F -w OUT ...}).
     */
    @Test
    void aroundPrintsMatchesAndWritesTheEventsNearThem() throws Exception {
        Path mine = dir.resolve("around-ours.scap");
        Path theirsFile = dir.resolve("around-sysdig.scap");
        String filter = "evt.type=connect";
        Cli r = ours("-c", "around", mine + " 50", filter);
        assertEquals(0, r.code(), r.err());
        Cli s = sysdigRun("-c", "around", theirsFile + " 50", filter);
        assertEquals(0, s.code(), s.err());
        assertEquals(s.out().replace(theirsFile.toString(), mine.toString()), r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(6 + 2, lines.size(), r.out());
        assertEquals("Saving events around 6 syslog entries to " + mine, lines.get(lines.size() - 1));
        String p = "%evt.num %evt.rawtime %thread.tid %evt.dir %evt.type %evt.info";
        String back = TraceReadFilterTest.sysdigRead(mine, List.of("-p", p));
        assertEquals(TraceReadFilterTest.sysdigRead(theirsFile, List.of("-p", p)), back);
        // more than the matches (the calls around them), fewer than the whole capture
        long n = back.lines().count();
        long all = theirs("-p", p).lines().count();
        assertTrue(n > 6 && n < all, n + " of " + all);
    }

    /**
     * around on a file with a container description in mid-stream (trace/src/test/resources/.../midstream-container.scap,
     * TraceReadMidStreamContainerTest): its second pass ({@code -F -r F -w OUT FILTER}) leaves the description out
     * of the filter (thread.tid -1), and sysdig 0.29 writes it state-only (EF_MODIFIES_STATE: kept, not printed, its
     * number skipped); trace wrote it as a normal event, so sysdig -r OUT printed a {@code container} line more.
     */
    @Test
    void aroundKeepsAMidStreamDescriptionStateOnlyAsSysdig() throws Exception {
        Path in = Path.of("..", "trace", "src", "test", "resources", "io", "boxscope", "trace", "scap", "midstream-container.scap");
        Path mine = dir.resolve("around-mid-ours.scap");
        Path theirsFile = dir.resolve("around-mid-sysdig.scap");
        Cli r = Cli.run("trace", "-r", in.toString(), "-c", "around", mine + " 50", "evt.type=getuid");
        assertEquals(0, r.code(), r.err());
        Cli s = sysdigRun(in, "-c", "around", theirsFile + " 50", "evt.type=getuid");
        assertEquals(0, s.code(), s.err());
        assertEquals(s.out().replace(theirsFile.toString(), mine.toString()), r.out());
        String p = "%evt.num %thread.tid %container.name %evt.type";
        List<String> want = TraceReadFilterTest.sysdigRead(theirsFile, List.of("-p", p)).lines().toList();
        assertEquals(6, want.size(), "sysdig's file: the 6 getuid events\n" + want);
        assertEquals(want, TraceReadFilterTest.sysdigRead(mine, List.of("-p", p)).lines().toList());
        assertEquals(TraceReadFilterTest.sysdigRead(theirsFile, List.of()), TraceReadFilterTest.sysdigRead(mine, List.of()));
    }

    /**
     * around refuses as its Lua does (no filter; a live capture), and a hostile dump_range_ms goes into the second
     * filter as the Lua puts it there: the filter fails to compile, no file is written (sysdig: the same).
     */
    @Test
    void aroundRefusesAndTakesHostileArgumentsAsTheLua() throws Exception {
        Path out = dir.resolve("around-none.scap");
        Cli r = ours("-c", "around", out.toString());
        Cli s = sysdigRun("-c", "around", out.toString());
        assertEquals(1, r.code());
        assertEquals(s.code(), r.code());
        assertEquals("no filter specified\n", r.out());
        assertEquals(s.out(), r.out());
        assertEquals("init() for chisel around failed.\n", r.err());
        Cli live = Cli.run("trace", "-M", "1", "-c", "around", out.toString(), "evt.type=connect");
        assertEquals(1, live.code(), live.out());
        assertEquals("live capture not supported\n", live.out());
        assertTrue(Files.notExists(out));
        String hostile = out + " 50)\u001b[2J_or_(proc.name=x";
        Cli h = ours("-c", "around", hostile, "evt.type=connect");
        assertEquals(1, h.code(), h.err()); // the filter around makes of its argument fails: exit 1, as sysdig (below)
        assertTrue(h.err().contains("bad filter") && !h.err().contains("\u001b"), h.err());
        assertTrue(Files.notExists(out));
        assertEquals(1, sysdigRun("-c", "around", hostile, "evt.type=connect").code());
        assertTrue(Files.notExists(out));
        // no match at all: the second filter is empty and every event is written, as sysdig writes them
        Path every = dir.resolve("around-every.scap");
        assertEquals(0, ours("-c", "around", every.toString(), "proc.name=nosuchprocess").code());
        String p = "%evt.num %evt.rawtime %thread.tid %evt.dir %evt.type";
        assertEquals(theirs("-p", p), TraceReadFilterTest.sysdigRead(every, List.of("-p", p)));
    }

    /** Every file under {@code d} by name, its bytes as ISO-8859-1 text. */
    private static TreeMap<String, String> files(Path d) throws Exception {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path f : s.toList()) {
                m.put(f.getFileName().toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    private static void delete(Path d) throws Exception {
        if (Files.exists(d)) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** sysdig -r on the capture: exit status, standard output and standard error (standard input closed). */
    private static Cli sysdigRun(String... args) throws Exception {
        return sysdigRun(capture, args);
    }

    private static Cli sysdigRun(Path in, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", in.toString()));
        a.addAll(List.of(args));
        Path out = dir.resolve("sysdig.out");
        Path err = dir.resolve("sysdig.err");
        Process p = new ProcessBuilder(a).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void spectrogramAndSubsecoffsetRefuseWhatIsNotATerminal() throws Exception {
        for (String c : List.of("spectrogram", "subsecoffset")) {
            for (String[] run : List.of(new String[] {"-c", c}, new String[] {"-c", c, "250"}, new String[] {"-c", c, "abc"})) {
                Cli r = ours(run);
                Cli s = sysdigRun(run);
                assertEquals(s.out(), r.out(), Arrays.toString(run));
                assertEquals(s.err(), r.err(), Arrays.toString(run));
                assertEquals(s.code(), r.code(), Arrays.toString(run));
            }
            assertEquals("This chisel only works on ANSI terminals. Aborting.\n", ours("-c", c).out(), c);
            assertEquals("init() for chisel " + c + " failed.\n", ours("-c", c).err(), c);
            assertEquals("Input refresh_time must be a number.\n", ours("-c", c, "abc").out(), c);
        }
    }

    @Test
    void bufferChiselsFollowAsciiAndHex() throws Exception {
        int hexRows = 0;
        for (String f : List.of("-A", "-x", "-X")) {
            for (String[] c : List.of(new String[] {"spy_port", port + " disable_colors"}, new String[] {"spy_ip", "127.0.0.1"},
                    new String[] {"echo_fds", "disable_color", "fd.type=ipv4"}, new String[] {"spy_file"})) {
                List<String> run = new ArrayList<>(List.of(f, "-c"));
                run.addAll(List.of(c));
                String[] a = run.toArray(String[]::new);
                Cli r = ours(a);
                assertEquals(0, r.code(), r.err());
                assertEquals(TraceReadCli.safeChiselLine(theirs(a)), r.out(), run.toString());
                hexRows += (int) r.out().lines().filter(l -> l.startsWith("\t0x0000: 6765 7420 666f 6f0d 0a")).count();
            }
        }
        // "get foo\r\n" in hex, under -x and -X, by spy_port, spy_ip and echo_fds, as the client's write and the server's read
        assertEquals(2 * 3 * 2, hexRows);
    }
}
