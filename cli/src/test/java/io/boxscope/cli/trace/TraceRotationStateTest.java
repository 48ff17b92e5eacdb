package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each file of a rotated capture ({@code -w FILE -G 1}) starts with the process and fd tables as the event stream
 * left them, as sysdig's dumper writes its in-memory state into each file it opens (libsinsp dumper.cpp,
 * dump_threads_to_file), not as /proc says when the file is opened. A python child holds a file opened before the
 * capture; during the first file it opens a second one and unlinks it, connects a TCP pair and starts a thread; then
 * it and its thread write to both files and send on the connection once a round, a round every 1.3 s, so the rounds
 * fall into different files. In every file, {@code sysdig -r} (0.29, the oracle) names each write's and send's fd
 * (the paths the child used and the addresses it printed) and the process, and {@code trace -r} prints the same lines.
 * Before, a rotation re-read each process's fds from /proc, where the unlinked file is {@code "PATH (deleted)"}: the
 * files after the first named it so.
 */
@KernelTest
class TraceRotationStateTest {
    private static final int ROUNDS = 5;

    private static final String CHILD = String.join("\n",
            "import os, sys, time, socket, threading",
            "d = sys.argv[1]",
            "a = os.open(d + '/before.txt', os.O_WRONLY | os.O_CREAT, 0o600)",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "b = os.open(d + '/during.txt', os.O_WRONLY | os.O_CREAT, 0o600)",
            "os.unlink(d + '/during.txt')",
            "ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)",
            "c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()",
            "print(a, b, c.fileno(), c.getsockname()[1], ls.getsockname()[1], flush=True)",
            "def rounds():",
            "    for i in range(" + ROUNDS + "):",
            "        os.write(a, b'a'); os.write(b, b'b'); c.send(b'c'); s.recv(1)",
            "        time.sleep(1.3)",
            "t = threading.Thread(target=rounds); t.start(); rounds(); t.join()",
            "");

    @Test
    void everyFileNamesTheFdsAndProcessesTheStreamKnows(@TempDir Path dir) throws Exception {
        try (PythonCapture child = PythonCapture.start("-c", CHILD, dir.toString())) {
            Path base = dir.resolve("rot.scap");
            Cli r = child.write(base, dir.resolve("go"), "-v", "-M", String.valueOf(ROUNDS * 2 + 1), "-G", "1");
            String[] ids = child.line().split(" ");
            child.awaitExit(60);
            assertTrue(!r.err().contains("Drops: total=") || r.err().contains("Drops: total=0 "), r.err());
            String before = dir.resolve("before.txt").toString();
            String during = dir.resolve("during.txt").toString();
            String conn = "127.0.0.1:" + ids[3] + "->127.0.0.1:" + ids[4];
            TreeSet<String> names = new TreeSet<>();
            try (var l = Files.list(dir)) {
                l.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rot.scap")).forEach(names::add);
            }
            assertTrue(names.size() >= 4, "files: " + names + "\n" + r.err());
            String format = "%proc.name %fd.num %fd.name";
            String filter = "(evt.type=write or evt.type=sendto) and evt.dir=< and proc.pid=" + child.pid();
            int filesWithRounds = 0;
            int lines = 0;
            for (String n : names) {
                Path f = dir.resolve(n);
                List<String> sysdig = SysdigRead.lines(f, "-p", format, filter);
                assertEquals(sysdig, Cli.run("trace", "-r", f.toString(), "-p", format, filter).out().lines().toList(),
                        n + ": trace -r prints what sysdig -r prints");
                // the rounds' fds (the child's print to standard output, fd 1, is a write too)
                List<String> rounds = sysdig.stream().filter(l -> List.of(ids[0], ids[1], ids[2]).contains(l.split(" ")[1])).toList();
                List<String> expected = new ArrayList<>();
                for (String line : rounds) {
                    String fd = line.split(" ")[1];
                    expected.add("python3 " + fd + " " + (fd.equals(ids[0]) ? before : fd.equals(ids[1]) ? during : conn));
                }
                assertEquals(expected, rounds, n + ": sysdig -r names every fd as the stream left it");
                if (rounds.size() >= 3) {
                    filesWithRounds++;
                }
                lines += rounds.size();
            }
            assertEquals(2 * 3 * ROUNDS, lines, "every write and send of both threads, once, in some file");
            assertTrue(filesWithRounds >= 3, "rounds in " + filesWithRounds + " files");
        }
    }
}
