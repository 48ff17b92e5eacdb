package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of processes that end before the window does are named by the kernel when they are first charged
 * ({@link FileNames}), not left to /proc at the end, where they are gone ({@link Ebpf#files} takes the kernel's name
 * when there is one): the demo's shell loop of {@code dd}s
 * showed "(pid 10393 fd 1, closed before the end of the window)" until 2026-12 (issue 15).
 */
@KernelTest
class FileNamesKernelTest {

    /**
     * A cgroup whose shell runs, in the window, three {@code dd ... conv=fsync} (each a process of its own that
     * exits at once; the fsync is always charged, so each dd's file gets its entry) and then waits: the result names
     * each file by its path, and a file under names too long for the room by the end of its path.
     */
    @Test
    void shortLivedProcessesFilesAreNamedByTheirPaths(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        // names above the leaf that fill more than the room less one name (512 - 256 bytes): walked from the leaf up
        // until the next name might not fit
        String c1 = "a".repeat(200);
        String c2 = "b".repeat(200);
        String c3 = "c".repeat(200);
        Path deep = Files.createDirectories(dir.resolve(c1).resolve(c2).resolve(c3));
        List<Path> files = List.of(dir.resolve("one"), dir.resolve("two \u00e9"), deep.resolve("f"));
        Path go = dir.resolve("go");
        Path done = dir.resolve("done");
        StringBuilder script = new StringBuilder("echo $$ > \"$1\" && echo ready && while [ ! -e \"$2\" ]; do sleep 0.02; done; ");
        for (int i = 0; i < files.size(); i++) {
            script.append("dd if=/dev/zero of=\"$").append(i + 4).append("\" bs=4096 count=2 conv=fsync 2>/dev/null; ");
        }
        // a pipe, a socket and an eventfd, fsync'd (EINVAL, charged all the same), named as /proc names them
        script.append("python3 -c \"$").append(files.size() + 4).append("\"; : > \"$3\"; exec sleep 600");
        try (TestCgroup cg = TestCgroup.create("boxscope-test-filenames-")) {
            List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", script.toString(), "sh", cg.procs().toString(),
                    go.toString(), done.toString()));
            files.forEach(f -> cmd.add(f.toString()));
            Path pseudo = dir.resolve("pseudo");
            cmd.add("import os, socket\nr, w = os.pipe(); e = os.eventfd(0); s = socket.socket()\n"
                    // descriptors no earlier file of this python had: a (pid, fd) keeps its first file's name
                    + "fds = (os.dup2(w, 100), os.dup2(e, 101), os.dup2(s.fileno(), 102))\n"
                    + "open('" + pseudo + "', 'w').write('\\n'.join(os.readlink('/proc/self/fd/%d' % f) for f in fds))\n"
                    + "for f in fds:\n    try: os.fsync(f)\n    except OSError: pass\n");
            cg.start(cmd);
            cg.countCalls(go, done, "the dds did not finish", r -> {
                assertEquals(1.0, r.tracedShare());
                List<SyscallCounters.File> got = r.files();
                List<String> named = got.stream().map(SyscallCounters.File::path).toList();
                for (Path p : files.subList(0, 2)) {
                    SyscallCounters.File x = got.stream().filter(g -> p.toString().equals(g.path())).findFirst()
                            .orElseThrow(() -> new AssertionError(p + " not named: " + named));
                    assertEquals(1, x.syncs(), x.toString());
                    // /proc can no longer name it (what the collector did until the kernel named files)
                    assertFalse(p.toString().equals(procName(x)), "the dd that wrote " + p + " was still there: the test proves nothing");
                }
                String tail = ".../" + c2 + "/" + c3 + "/f";
                assertTrue(named.contains(tail), "the deep file is shown by its end " + tail + ": " + named);
                for (String p : Files.readAllLines(pseudo)) {
                    assertTrue(named.contains(p), p + " (as /proc named it) not named: " + got + "; failures " + r.failures() + ", untimed " + r.untimed() + ", lost " + r.lost());
                }
                assertEquals(3, Files.readAllLines(pseudo).size());
            });
        }
    }

    /**
     * A file unlinked before it is first charged is named with " (deleted)", as /proc/PID/fd/FD shows it (fs/d_path.c);
     * one still linked has its path alone. A python of the test's cgroup opens two files, unlinks one, fsyncs both
     * (always charged), says what /proc showed for each, and waits: the names are compared with /proc's.
     */
    @Test
    void anUnlinkedFileIsNamedAsProcNamesIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        Path go = dir.resolve("go");
        Path shown = dir.resolve("shown");
        String py = TestCgroup.PYTHON_READY
                + "a = os.open(sys.argv[4], os.O_WRONLY | os.O_CREAT, 0o600); b = os.open(sys.argv[5], os.O_WRONLY | os.O_CREAT, 0o600)\n"
                + "a2 = os.dup2(a, 100); b2 = os.dup2(b, 101)\n"
                + "os.unlink(sys.argv[4])\n"
                + "os.write(a2, b'x'); os.fsync(a2); os.write(b2, b'y'); os.fsync(b2)\n"
                + "open(sys.argv[3] + '.tmp', 'w').write(os.readlink('/proc/self/fd/100') + '\\n' + os.readlink('/proc/self/fd/101'))\n"
                + "os.rename(sys.argv[3] + '.tmp', sys.argv[3])\n"
                + "time.sleep(600)\n";
        try (TestCgroup cg = TestCgroup.create("boxscope-test-filenames-")) {
            cg.start(List.of("python3", "-c", py, cg.procs().toString(), go.toString(), shown.toString(),
                    dir.resolve("gone").toString(), dir.resolve("kept").toString()));
            cg.countCalls(go, shown, "the python did not write its files", r -> {
                List<String> proc = Files.readAllLines(shown);
                assertEquals(List.of(dir.resolve("gone") + " (deleted)", dir.resolve("kept").toString()), proc,
                        "what /proc showed (the expectation)");
                List<String> named = r.files().stream().map(SyscallCounters.File::path).toList();
                for (String n : proc) {
                    assertTrue(named.contains(n), n + " (as /proc named it) not named: " + named);
                }
            });
        }
    }

    /**
     * A descriptor closed and reopened on another file in the window: the kernel gives the lowest free descriptor to the
     * next open (open(2)), so a python of the test's cgroup opens A, writes it and fsyncs it once, closes it, opens B
     * on the same descriptor (checked: the test proves nothing otherwise), writes three times A's bytes and fsyncs it
     * twice, then says the descriptor and waits. B's fsyncs (exact: every one is charged) and bytes (1 write in 16
     * sampled, scaled up) are under B's name and A's under A's; until session 35 the file map was keyed by (pid, fd)
     * alone and B's were added to A's entry, named A.
     */
    @Test
    void aReusedDescriptorChargesItsNewFileUnderItsNewName(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        Path go = dir.resolve("go");
        Path shown = dir.resolve("shown");
        int writes = 2000;
        String py = TestCgroup.PYTHON_READY
                + "a = os.open(sys.argv[4], os.O_WRONLY | os.O_CREAT, 0o600)\n"
                + "for i in range(" + writes + "): os.write(a, b'x' * 10)\n"
                + "os.fsync(a); os.close(a)\n"
                + "b = os.open(sys.argv[5], os.O_WRONLY | os.O_CREAT, 0o600)\n"
                + "for i in range(" + writes + "): os.write(b, b'y' * 30)\n"
                + "os.fsync(b); os.fsync(b)\n"
                + "open(sys.argv[3] + '.tmp', 'w').write('%d %d' % (a, b))\n"
                + "os.rename(sys.argv[3] + '.tmp', sys.argv[3])\n"
                + "time.sleep(600)\n";
        Path fileA = dir.resolve("first");
        Path fileB = dir.resolve("second");
        try (TestCgroup cg = TestCgroup.create("boxscope-test-filenames-")) {
            cg.start(List.of("python3", "-c", py, cg.procs().toString(), go.toString(), shown.toString(),
                    fileA.toString(), fileB.toString()));
            cg.countCalls(go, shown, "the python did not write its files", r -> {
                String[] fds = Files.readString(shown).strip().split(" ");
                assertEquals(fds[0], fds[1], "B did not get A's descriptor: the test proves nothing");
                int fd = Integer.parseInt(fds[0]);
                List<SyscallCounters.File> got = r.files().stream().filter(f -> f.fd() == fd).toList();
                SyscallCounters.File a = got.stream().filter(f -> fileA.toString().equals(f.path())).findFirst()
                        .orElseThrow(() -> new AssertionError("A not named on fd " + fd + ": " + r.files()));
                SyscallCounters.File b = got.stream().filter(f -> fileB.toString().equals(f.path())).findFirst()
                        .orElseThrow(() -> new AssertionError("B not named on fd " + fd + " (its bytes under A's name?): " + r.files()));
                assertEquals(1, a.syncs(), "A's fsync: " + got);
                assertEquals(2, b.syncs(), "B's fsyncs: " + got);
                assertEquals(Files.getAttribute(fileA, "unix:ino"), a.inode(), "A's inode: " + a);
                assertEquals(Files.getAttribute(fileB, "unix:ino"), b.inode(), "B's inode: " + b);
                // 1 write in 16 sampled (bpf_get_prandom_u32): ~125 of each file's 2,000, so each estimate is within
                // half of the truth far beyond 4 standard deviations (binomial, sd ~11 samples)
                long bytesA = 10L * writes;
                long bytesB = 30L * writes;
                assertTrue(a.bytes() > bytesA / 2 && a.bytes() < bytesA * 3 / 2, "A's bytes ~" + bytesA + ": " + a);
                assertTrue(b.bytes() > bytesB / 2 && b.bytes() < bytesB * 3 / 2, "B's bytes ~" + bytesB + ": " + b);
                assertEquals(2, got.size(), "one entry per file on fd " + fd + ": " + got);
                // and as diagnose shows them: a row each, by name
                List<EbpfFindings.FileIo> rows = Ebpf.files(r, HostPaths.DEFAULT);
                assertTrue(rows.stream().anyMatch(x -> x.path().equals(fileB.toString()) && x.syncs() == 2), rows.toString());
                assertTrue(rows.stream().anyMatch(x -> x.path().equals(fileA.toString()) && x.syncs() == 1), rows.toString());
            });
        }
    }

    /**
     * A file the kernel does not name is counted ({@link SyscallCounters.Result#unnamed}) and said under NOT MEASURED
     * ({@link Ebpf#unnamedFiles}), not left silently to /proc: a memfd (shmem's pseudo file, "/memfd:NAME (deleted)" in
     * /proc; its dentry is its own parent and tmpfs is not among the pseudo file systems named in the kernel) beside a
     * regular file, which is named. If the kernel side learns to name memfds, this test needs another unnamed file.
     */
    @Test
    void aFileTheKernelDidNotNameIsCountedAndSaid(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        HostPaths paths = HostPaths.DEFAULT;
        Path go = dir.resolve("go");
        Path shown = dir.resolve("shown");
        String py = TestCgroup.PYTHON_READY
                + "m = os.dup2(os.memfd_create('boxscope-test'), 100); f = os.dup2(os.open(sys.argv[4], os.O_WRONLY | os.O_CREAT, 0o600), 101)\n"
                + "os.write(m, b'x'); os.fsync(m); os.write(f, b'y'); os.fsync(f)\n"
                + "open(sys.argv[3] + '.tmp', 'w').write(os.readlink('/proc/self/fd/100'))\n"
                + "os.rename(sys.argv[3] + '.tmp', sys.argv[3])\n"
                + "time.sleep(600)\n";
        try (TestCgroup cg = TestCgroup.create("boxscope-test-filenames-")) {
            cg.start(List.of("python3", "-c", py, cg.procs().toString(), go.toString(), shown.toString(),
                    dir.resolve("plain").toString()));
            cg.countCalls(go, shown, "the python did not write its files", r -> {
                List<String> named = r.files().stream().map(SyscallCounters.File::path).toList();
                assertTrue(named.contains(dir.resolve("plain").toString()), "the regular file is named: " + named);
                long memfds = r.files().stream().filter(f -> f.fd() == 100 && f.path() == null).count();
                assertEquals(1, memfds, "the memfd (/proc: " + Files.readString(shown) + ") is not named in the kernel: " + r.files());
                assertEquals(memfds, r.unnamed(), r.files().toString());
                List<EbpfFindings.FileIo> rows = Ebpf.files(r, paths);
                String proc = Files.readString(shown);
                assertTrue(rows.stream().anyMatch(x -> x.path().equals(proc)), "/proc names it at the end: " + rows);
                String said = Ebpf.unnamedFiles(r, rows).orElseThrow(() -> new AssertionError("not said"));
                assertTrue(said.contains("1 of " + r.files().size() + " files not named in the kernel"), said);
                assertFalse(said.contains("closed"), "still open at the end: " + said);
            });
        }
    }

    /** What /proc/PID/fd/FD points at now, null when gone. */
    private static String procName(SyscallCounters.File x) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(x.pid()), "fd", Integer.toString(x.fd()))).toString();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The offsets come from BTF once a boot: a cold cache parses it and stores them, a warm one is read back without
     * BTF (parsing costs a busy target ~40-80 ms of CPU), and a damaged entry is asked of BTF again and replaced.
     */
    @Test
    void theOffsetsAreCachedForTheBoot(@TempDir Path tmp) throws Exception {
        io.boxscope.bpf.btf.Btf btf = io.boxscope.bpf.btf.Btf.vmlinux(Path.of("/sys"));
        FileNames fromBtf = new FileNames(io.boxscope.bpf.vfs.DentryWalk.of(btf), io.boxscope.bpf.vfs.FdTable.of(btf),
                FileNames.Pseudo.of(btf), FileNames.dentryHashPprev(btf));
        Path dir = Files.createDirectory(tmp.resolve("run"));
        java.util.Optional<io.boxscope.bpf.feature.BootCache> cache = java.util.Optional.of(
                io.boxscope.bpf.feature.BootCache.in(dir, "diagnose", io.boxscope.bpf.feature.BootCache.Scope.KERNEL));
        int[] parses = {0};
        FileNames.BtfSource counting = () -> {
            parses[0]++;
            return btf;
        };
        assertEquals(java.util.Optional.of(fromBtf), FileNames.of(counting, cache));
        assertEquals(1, parses[0]);
        assertTrue(Files.readString(dir.resolve("diagnose")).contains(FileNames.CACHE_KEY + "\t" + fromBtf.format() + "\n"));
        FileNames.BtfSource refused = () -> {
            throw new AssertionError("a warm cache parsed BTF");
        };
        assertEquals(java.util.Optional.of(fromBtf), FileNames.of(refused, cache));
        cache.get().put(FileNames.CACHE_KEY, "garbage");
        assertEquals(java.util.Optional.of(fromBtf), FileNames.of(counting, cache));
        assertEquals(2, parses[0]);
        assertEquals(java.util.Optional.of(fromBtf), FileNames.of(refused, cache), "replaced");
    }
}
