package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread state behind the lines sysdig 0.29 printed differently from us on a 2,000,000-event capture of
 * our own {@code trace -w} (docs/trace.md, "Fidelity to sysdig -r"), one class per test, each a small capture
 * written here and printed by sysdig itself (the oracle) and by us, line for line. Every test also checks the
 * text sysdig printed for the case (copied from sysdig's output on that capture), so a case that stops
 * arising fails here rather than passing unseen.
 */
class ThreadStateSysdigTest {
    @TempDir
    Path dir;

    private final List<ScapEvent> events = new ArrayList<>();
    private long ts = Fixtures.T0;

    private void openat(long tid, long dirfd, String name, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, tid, 0).num(dirfd).str(name).num(1).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, tid, 0).num(fd).num(dirfd).str(name).num(1)
                .num(0).num(0).build());
    }

    private void read(long tid, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, tid, 0).num(fd).num(10).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, tid, 0).num(1).bytes(new byte[] {'a'}).build());
    }

    /** A clone exit as the driver writes it: res, exe, args, tid, pid, ptid, cwd, ..., comm, cgroups, flags, ids. */
    private void cloneExit(long tid, long res, long pid, long ptid, String cwd, String comm, int flags) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts += 1000, tid, 0).num(res).str("/bin/bash")
                .bytes(Fixtures.nul("-c")).num(tid).num(pid).num(ptid).str(cwd).num(1024).num(0).num(5).num(8000)
                .num(4000).num(0).str(comm).bytes(Fixtures.nul()).num(flags).num(0).num(0).num(tid).num(pid).build());
    }

    private void execve(long tid, String exe, String cwd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, tid, 0).str(exe).build());
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        events.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", ts += 1000, tid, 0).num(0).str(comm)
                .bytes(Fixtures.nul("x")).num(tid).num(tid).num(4000).str(cwd).num(1024).num(0).num(12).num(2000)
                .num(500).num(0).str(comm).bytes(Fixtures.nul()).bytes(Fixtures.nul()).num(34816).num(tid).num(0).num(0)
                .build());
    }

    private List<String> compare(String name, CaptureTables tables) throws Exception {
        Path file = dir.resolve(name);
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        ScapCapture c = ScapReader.readAll(file);
        assertNull(c.error());
        List<String> mine = SysdigParityTest.ourLines(c);
        assertEquals(String.join("\n", Sysdig.run("-r", file.toString())), String.join("\n", mine));
        return mine;
    }

    private static void assertLine(List<String> lines, String part) {
        assertTrue(lines.stream().anyMatch(l -> l.contains(part)), part + " in\n" + String.join("\n", lines));
    }

    /**
     * parse_execve_exit does not read the exit's cwd parameter: the process keeps the cwd its clone copied
     * from the parent. Seen on the big capture as a bash that ran {@code cd} (a chdir exit our capture held
     * without its path) and then {@code cat cli/...}: sysdig resolved against the old directory.
     */
    @Test
    void execveKeepsTheCwdTheCloneCopied() throws Exception {
        // the kernel's cwd (/work/other) in both exits; bash's cwd in the tables is /root/
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4000, 0).build());
        cloneExit(4000, 4100, 4000, 1, "/work/other", "bash", 0);
        cloneExit(4100, 0, 4100, 4000, "/work/other", "bash", 0);
        execve(4100, "/usr/bin/cat", "/work/other");
        openat(4100, -100, "cli/x.log", 3);
        List<String> mine = compare("execve-cwd.scap", Fixtures.tables());
        assertLine(mine, "cat (4100) < openat fd=3(<f>/root/cli/x.log) dirfd=-100(AT_FDCWD) name=cli/x.log(/root/cli/x.log)");
    }

    /** parse_chdir_exit and parse_fchdir_exit: a successful chdir's path, an fchdir's fd name, become the cwd. */
    @Test
    void chdirAndFchdirChangeTheCwd() throws Exception {
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", ts += 1000, 4000, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", ts += 1000, 4000, 0).num(0).str("/tmp/d").build());
        openat(4000, -100, "f", 3);
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", ts += 1000, 4000, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", ts += 1000, 4000, 0).num(0).str("../e").build());
        openat(4000, -100, "g", 4);
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", ts += 1000, 4000, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", ts += 1000, 4000, 0).num(-2).str("/nonexistent").build());
        openat(4000, -100, "h", 5);
        events.add(ScapEvent.builder("PPME_SYSCALL_FCHDIR_E", ts += 1000, 4000, 0).num(255).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_FCHDIR_X", ts += 1000, 4000, 0).num(0).build());
        openat(4000, -100, "i", 6);
        List<String> mine = compare("chdir.scap", Fixtures.tables());
        assertLine(mine, "fd=3(<f>/tmp/d/f)");
        assertLine(mine, "fd=4(<f>/tmp/e/g)");
        assertLine(mine, "fd=5(<f>/tmp/e/h)");
        assertLine(mine, "fd=6(<f>/root/i)");
    }

    private void chdir(long tid, String path) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", ts += 1000, tid, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", ts += 1000, tid, 0).num(0).str(path).build());
    }

    /**
     * sinsp_threadinfo::get_cwd and set_cwd go through get_main_thread() (libs e5c53d64 threadinfo.cpp): the
     * cwd is the process's, kept on its main thread. A listed thread's own cwd is not read, a chdir by any
     * thread moves every thread of the process, and a thread whose main thread the tables do not list reads
     * the fake entry get_thread_ref adds for its pid (no cwd) until a chdir of the process sets one. Before,
     * Boxscope kept a cwd per thread and the other threads of the process resolved against the old one.
     */
    @Test
    void theCwdIsTheMainThreadsForEveryThreadOfTheProcess() throws Exception {
        CaptureTables f = Fixtures.tables();
        List<ThreadInfo> listed = new ArrayList<>(f.threads());
        // two threads of bash (4000) whose own cwds differ from the process's; a thread of an unlisted process 5000
        listed.add(ThreadInfo.of(4001, 4000, 1, "bash", "/bin/bash", List.of("-i"), "/tmp/", 0, 0));
        listed.add(ThreadInfo.of(4002, 4000, 1, "bash", "/bin/bash", List.of("-i"), "/var/", 0, 0));
        listed.add(ThreadInfo.of(5001, 5000, 1, "worker", "/bin/worker", List.of(), "/srv/", 0, 0));
        CaptureTables tables = new CaptureTables(f.machine(), f.interfaces(), f.users(), f.groups(), listed, f.fds());
        openat(4001, -100, "a", 3);     // the process's cwd, /root/, not the thread's /tmp/
        chdir(4001, "/etc");            // a thread that is not the main one moves the process
        openat(4000, -100, "b", 4);
        openat(4002, -100, "c", 5);     // another thread sees it at once
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4000, 0).build());
        // pthread_create: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID as PPM_CL_*
        cloneExit(4000, 4003, 4000, 1, "/etc", "bash", (1 << 15) | 2 | 1 | (1 << 11) | (1 << 13) | (1 << 12) | (1 << 25) | (1 << 9) | (1 << 23));
        chdir(4000, "sub");             // the main thread moves the thread made before
        openat(4003, -100, "d", 6);
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4002, 0).build());
        cloneExit(4002, 4100, 4100, 4002, "/elsewhere", "bash", 0); // a new process copies the main thread's cwd
        openat(4100, -100, "e", 3);
        openat(5001, -100, "f", 3);     // the unlisted main thread's fake entry: no cwd
        chdir(5001, "/usr");
        openat(5001, -100, "g", 4);
        List<String> mine = compare("main-cwd.scap", tables);
        assertLine(mine, "(4001) < openat fd=3(<f>/root/a)");
        assertLine(mine, "(4000) < openat fd=4(<f>/etc/b)");
        assertLine(mine, "(4002) < openat fd=5(<f>/etc/c)");
        assertLine(mine, "(4003) < openat fd=6(<f>/etc/sub/d)");
        assertLine(mine, "(4100) < openat fd=3(<f>/etc/sub/e)");
        assertLine(mine, "(5001) < openat fd=3(<f>f)");
        assertLine(mine, "(5001) < openat fd=4(<f>/usr/g)");
    }

    /**
     * parse_getcwd_exit calls set_cwd with the path a successful getcwd returned: a process the capture saw
     * start without its parent (the fake entry, no cwd) gets its cwd back at its first getcwd, as sysdig
     * printed on a {@code trace -w} capture of python3 filtered by its name. A failed one changes nothing.
     */
    @Test
    void aGetcwdSetsTheCwd() throws Exception {
        openat(17001, -100, "a", 3);
        events.add(ScapEvent.builder("PPME_SYSCALL_GETCWD_E", ts += 1000, 17001, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_GETCWD_X", ts += 1000, 17001, 0).num(13).str("/tmp/cwdmain").build());
        openat(17001, -100, "b", 4);
        events.add(ScapEvent.builder("PPME_SYSCALL_GETCWD_E", ts += 1000, 17001, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_GETCWD_X", ts += 1000, 17001, 0).num(-34).str("/elsewhere").build());
        openat(17001, -100, "c", 5);
        List<String> mine = compare("getcwd.scap", Fixtures.tables());
        assertLine(mine, "(17001) < openat fd=3(<f>a)");
        assertLine(mine, "(17001) < openat fd=4(<f>/tmp/cwdmain/b)");
        assertLine(mine, "(17001) < openat fd=5(<f>/tmp/cwdmain/c)");
    }

    /**
     * A thread the tables do not list is get_thread_ref's fake entry, which has no cwd: a relative path
     * resolves against nothing, and the empty one names the fd {@code <f>}.
     */
    @Test
    void anUnlistedThreadHasNoCwd() throws Exception {
        openat(16966, -100, "", 17);
        openat(16966, -100, "rel", 18);
        List<String> mine = compare("unlisted.scap", Fixtures.tables());
        assertLine(mine, "(16966) < openat fd=17(<f>) dirfd=-100(AT_FDCWD) name= flags=1(O_RDONLY)");
        assertLine(mine, "(16966) < openat fd=18(<f>rel) dirfd=-100(AT_FDCWD) name=rel(rel) flags=1(O_RDONLY)");
    }

    /**
     * The child's clone exit first (posix_spawn's child runs before its parent returns): parse_clone_exit
     * makes the child from the thread that called clone, with that thread's fds and cwd, not the event's cwd.
     */
    @Test
    void anInvertedCloneTakesTheCallersFdsAndCwd() throws Exception {
        openat(4000, -100, "/etc/hosts", 4);
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4000, 0).build());
        cloneExit(4200, 0, 4200, 4000, "/elsewhere", "bash", 0);
        read(4200, 4);
        openat(4200, -100, "rel", 5);
        cloneExit(4000, 4200, 4000, 1, "/elsewhere", "bash", 0);
        read(4200, 4);
        List<String> mine = compare("inverted.scap", Fixtures.tables());
        assertLine(mine, "bash (4200) > read fd=4(<f>/etc/hosts) size=10");
        assertLine(mine, "bash (4200) < openat fd=5(<f>/root/rel)");
    }

    /**
     * The parent's clone exit naming a tid the tables already hold (a thread whose exit the capture missed)
     * replaces that entry: the new thread has the name the parent's exit gives (its caller's), and the
     * child's own exit, arriving after, changes nothing. On the big capture: a JVM thread "VM Thread" made
     * "GC Thread#1", which sysdig names "VM Thread".
     */
    @Test
    void aStaleEntryIsReplacedByTheParentsClone() throws Exception {
        CaptureTables base = Fixtures.tables();
        List<ThreadInfo> threads = new ArrayList<>(base.threads());
        threads.add(ThreadInfo.of(4300, 4300, 1, "stale", "/bin/stale", List.of(), "/var/", 0, 0));
        CaptureTables tables = new CaptureTables(base.machine(), base.interfaces(), base.users(), base.groups(), threads,
                Map.of(4000L, base.fds().get(4000L), 4300L, List.of(FdInfo.file(9, 3, "/stale/file", 3, 0))));
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4000, 0).build());
        cloneExit(4000, 4300, 4000, 1, "/root", "bash", ThreadRules.CLONE_THREAD | ThreadRules.CLONE_FILES);
        cloneExit(4300, 0, 4000, 1, "/root", "worker", ThreadRules.CLONE_THREAD | ThreadRules.CLONE_FILES);
        read(4300, 9);
        read(4300, 255);
        List<String> mine = compare("stale.scap", tables);
        assertLine(mine, "bash (4300) > read fd=9 size=10");
        assertLine(mine, "bash (4300) > read fd=255(<d>/root) size=10");
    }

    /** SCAP_FD_UNSUPPORTED (a bpf map, a perf event fd from the tables) prints as {@code <X>} (CHAR_FD_UNSUPPORTED). */
    @Test
    void anUnsupportedFdIsX() throws Exception {
        CaptureTables base = Fixtures.tables();
        List<FdInfo> fds = new ArrayList<>(base.fds().get(4000L));
        fds.add(FdInfo.named(3, 0, FdType.UNSUPPORTED, ""));
        CaptureTables tables = new CaptureTables(base.machine(), base.interfaces(), base.users(), base.groups(),
                base.threads(), Map.of(4000L, fds));
        read(4000, 3);
        List<String> mine = compare("unsupported.scap", tables);
        assertLine(mine, "read fd=3(<X>) size=10");
    }
}
