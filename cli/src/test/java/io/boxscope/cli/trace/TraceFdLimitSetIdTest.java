package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fd-limit calls and the setuid family, captured live ({@code trace -w} of a python workload's pid) and read back
 * with {@code trace -r} as {@code sysdig -r} (0.29) reads the same file:
 * <ul>
 *   <li>sinsp applies a successful setrlimit, and a prlimit64 that sets RLIMIT_NOFILE (on its own pid, or pid 0), to
 *   the process's fd limit (parse_getrlimit_setrlimit_exit, parse_prlimit_exit): {@code proc.fdlimit} of the events
 *   after them. Their events lack EF_MODIFIES_STATE, so sysdig filters them before it parses them: a filter that drops
 *   them leaves the limit as it was, and a filter on proc.fdlimit sees the limit before the call. The old inspector
 *   applied none of them: the opens after the calls showed the limit the process started with.</li>
 *   <li>{@code evt.type=setuid} (and setgid, setresuid, setresgid) keeps exactly the workload's calls, pushed down to
 *   the kernel in a live capture as in {@code -r}: 4 calls, 8 events.</li>
 * </ul>
 */
@KernelTest
class TraceFdLimitSetIdTest {
    private static final String SCRIPT = String.join("\n",
            "import os, sys, time, resource, ctypes",
            "d = sys.argv[1]; nr_setrlimit = int(sys.argv[2])",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "class RL(ctypes.Structure): _fields_ = [('cur', ctypes.c_uint64), ('max', ctypes.c_uint64)]",
            "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)",
            "print('ready', flush=True)",
            "while not os.path.exists(d + '/go'): time.sleep(0.02)",
            "if nr_setrlimit >= 0:",
            "    assert libc.syscall(nr_setrlimit, 7, ctypes.byref(RL(512, hard))) == 0",
            "open(d + '/go').close()",
            "resource.prlimit(os.getpid(), resource.RLIMIT_NOFILE, (256, hard))",
            "open(d + '/go').close()",
            "resource.prlimit(0, resource.RLIMIT_NOFILE, (300, hard))",
            "open(d + '/go').close()",
            "resource.prlimit(0, resource.RLIMIT_CPU, (100, resource.RLIM_INFINITY))",
            "open(d + '/go').close()",
            "os.setresgid(0, 0, 0); os.setresuid(0, 0, 0); os.setgid(0); os.setuid(0)",
            "print('done', flush=True)",
            "");
    private static final String LIMITS = "*%evt.num %evt.type %evt.info %proc.fdlimit %proc.fdusage";
    private static final String SETID = "evt.type in (setuid, setgid, setresuid, setresgid)";

    @Test
    void fdLimitsAndSetIdCallsReadAsSysdigReadsThem(@TempDir Path dir) throws Exception {
        Captured c = capture(dir, "all.scap", null);
        Path file = c.file();
        String own = "proc.pid=" + c.pid();
        List<String> all = same(file, "-p", LIMITS, own);
        // the opens after the calls: 512 (setrlimit, where the architecture has it), 256, 300, 300 (RLIMIT_CPU)
        List<String> opens = all.stream().filter(l -> l.contains(" openat ") && l.contains("/go") && l.contains(" fd=")).toList();
        int setrlimit = SyscallTable.current().number("setrlimit");
        List<String> limits = new ArrayList<>();
        for (String l : opens.subList(opens.size() - 4, opens.size())) {
            String[] f = l.split(" ");
            limits.add(f[f.length - 2]);
        }
        assertEquals(List.of(setrlimit >= 0 ? "512" : limits.get(0), "256", "300", "300"), limits, String.join("\n", all));
        assertTrue(!limits.get(0).equals("256"), limits.toString());
        // filtered: sysdig parses the limit calls only when its filter keeps them, and filters them before it parses
        same(file, "-p", LIMITS, "evt.type=openat and " + own);
        // a filter on the limit sees the setrlimit's and prlimit's exits with the limit before them, drops them, and so
        // the limit never changes: nothing has 512 or 256 (the old code kept the opens after the calls)
        assertEquals(List.of(), same(file, false, "-p", LIMITS, "proc.fdlimit=512 and " + own));
        assertEquals(List.of(), same(file, false, "-p", LIMITS, "proc.fdlimit=256 and " + own));
        same(file, "-p", LIMITS, "(evt.type in (openat, prlimit) or proc.fdlimit=300) and " + own);
        // a filter that drops the calls' enters: sinsp stored no enter, so the exits change nothing (the limit stays)
        List<String> exits = same(file, "-p", LIMITS, "evt.type in (openat, setrlimit, prlimit) and evt.dir=< and " + own);
        List<String> afterLimits = exits.stream().filter(l -> l.contains(" openat ") && l.contains("/go"))
                .map(l -> l.split(" ")[l.split(" ").length - 2]).distinct().toList();
        assertEquals(1, afterLimits.size(), String.join("\n", exits));
        assertTrue(!List.of("512", "256", "300").contains(afterLimits.get(0)), String.join("\n", exits));
        List<String> setid = same(file, "-p", "%evt.num %evt.type %evt.args %user.uid %group.gid", SETID + " and " + own);
        assertEquals(8, setid.size(), String.join("\n", setid));
        same(file, "-p", "%evt.num %evt.type %evt.args", "evt.type=setuid and " + own);

        // pushed down live: the kernel sends the four calls only
        Captured pushed = capture(dir, "setid.scap", SETID);
        List<String> live = same(pushed.file(), "-p", "%evt.type %evt.dir %evt.args %user.uid %group.gid",
                "proc.pid=" + pushed.pid());
        assertEquals(List.of("setresgid >", "setresgid <", "setresuid >", "setresuid <", "setgid >", "setgid <",
                "setuid >", "setuid <"), live.stream().map(l -> l.split(" ")[0] + " " + l.split(" ")[1]).toList(),
                String.join("\n", live));
    }

    record Captured(Path file, long pid) {}

    /** Runs the workload under {@code trace -w FILE proc.pid=PID [and FILTER]}. */
    private static Captured capture(Path dir, String name, String filter) throws Exception {
        Path go = dir.resolve("go");
        Files.deleteIfExists(go);
        int setrlimit = SyscallTable.current().number("setrlimit");
        try (PythonCapture child = PythonCapture.start("-c", SCRIPT, dir.toString(), Integer.toString(setrlimit))) {
            Path file = dir.resolve(name);
            List<String> args = List.of("trace", "-M", "20", "-w", file.toString(),
                    "proc.pid=" + child.pid() + (filter == null ? "" : " and " + filter));
            PythonCapture.traceAround(args, () -> {
                Files.createFile(go);
                String last = child.line();
                assertEquals("done", last, "the workload failed");
                child.awaitExit(30);
            });
            return new Captured(file, child.pid());
        }
    }

    /** {@code trace -r FILE ARGS} prints what {@code sysdig -r FILE ARGS} prints (not nothing); sysdig's lines. */
    private static List<String> same(Path file, String... args) throws Exception {
        return same(file, true, args);
    }

    private static List<String> same(Path file, boolean nonEmpty, String... args) throws Exception {
        List<String> sysdig = SysdigRead.lines(file, args);
        List<String> ours = new ArrayList<>(List.of("trace", "-r", file.toString()));
        ours.addAll(List.of(args));
        Cli r = Cli.run(ours.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(sysdig, r.out().lines().toList(), "trace -r " + String.join(" ", args) + " prints sysdig -r's lines");
        assertTrue(!nonEmpty || !sysdig.isEmpty(), "sysdig -r printed nothing for " + String.join(" ", args));
        return sysdig;
    }
}
