package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec program's walk from the task to its exe path and cwd ({@link PathWalk}), read from the probe's own exec
 * records: {@code sh -c 'cd DIR && exec LINK'} (the short-lived process of issue 13, gone long before a consumer asks
 * /proc) gives, for its exec, the exe path of the file behind the symbolic link LINK (what {@code readlink
 * /proc/PID/exe} shows: the kernel names the opened file, not the link) and DIR; a cwd deeper than the walk goes
 * ({@link PathWalk#DEPTH} components) gives no cwd (the consumer then asks /proc, counted), and still the exe path.
 */
@KernelTest
class ExecPathWalkTest {

    @Test
    void execRecordsNameTheExeAndTheCwdFromTheKernel(@TempDir Path dir) throws Exception {
        String name = "bxwk" + ProcessHandle.current().pid() % 100000;
        Path real = dir.toRealPath();
        Path prog = real.resolve("bin").resolve(name);
        Files.createDirectories(prog.getParent());
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        Path link = real.resolve(name);
        Files.createSymbolicLink(link, prog);
        Path cwd = Files.createDirectories(real.resolve("a b").resolve("c"));
        Path deep = real;
        for (int i = 0; i < PathWalk.DEPTH + 2; i++) {
            deep = deep.resolve("d" + i);
        }
        Files.createDirectories(deep);
        List<RawRecord> execs = execs(name, List.of(cwd, deep), link);
        assertEquals(2, execs.size(), "exec records of " + name);
        String[] shallow = EventBuilder.execPaths(execs.get(0));
        assertEquals(prog.toString(), shallow[0], "exe path");
        assertEquals(cwd.toString(), shallow[1], "cwd");
        String[] deeper = EventBuilder.execPaths(execs.get(1));
        assertEquals(prog.toString(), deeper[0], "exe path");
        assertNull(deeper[1], "a cwd of " + (PathWalk.DEPTH + 2 + real.getNameCount()) + " components is not walked");
    }

    /**
     * A walk the verifier refuses (built with more turns than its 1,000,000-instruction limit lets it check, as a
     * stricter verifier might refuse the real one) does not fail the capture: the exec program is loaded without it,
     * {@link LiveCapture#execFallback} says so in one line (what {@code -v} prints), and the exec still gives its
     * record, argv included, with no exe path or cwd (taken from /proc instead).
     */
    @Test
    void aRefusedWalkLeavesTheCaptureRunningWithoutIt(@TempDir Path dir) throws Exception {
        String name = "bxwr" + ProcessHandle.current().pid() % 100000;
        Path prog = dir.toRealPath().resolve(name);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        List<String> fallback = new ArrayList<>();
        List<RawRecord> execs;
        PathWalk.depth = 20_000;
        try {
            execs = execs(name, List.of(dir.toRealPath()), prog, fallback);
        } finally {
            PathWalk.depth = PathWalk.DEPTH;
        }
        assertEquals(1, fallback.size());
        assertTrue(fallback.getFirst() != null
                && fallback.getFirst().startsWith("exec paths from /proc: the kernel refused the walk: "), "" + fallback);
        assertTrue(fallback.getFirst().indexOf('\n') < 0, "one line: " + fallback);
        assertEquals(1, execs.size(), "exec records of " + name);
        assertEquals(prog.toString(), LiveThreads.nulSeparated(execs.getFirst().strB()).getFirst(), "argv[0] still read");
        String[] paths = EventBuilder.execPaths(execs.getFirst());
        assertNull(paths[0], "no walk, no exe path");
        assertNull(paths[1], "no walk, no cwd");
    }

    private static List<RawRecord> execs(String name, List<Path> dirs, Path prog) throws Exception {
        List<String> fallback = new ArrayList<>();
        List<RawRecord> out = execs(name, dirs, prog, fallback);
        assertNull(fallback.getFirst(), "the exec program loaded whole");
        return out;
    }

    /** The exec records whose comm is {@code name}, of one {@code sh -c 'cd DIR && exec PROG'} per directory, in order. */
    private static List<RawRecord> execs(String name, List<Path> dirs, Path prog, List<String> fallback) throws Exception {
        Filter f = Filter.compile("evt.type=execve and proc.name=" + name, ServiceNames.none());
        PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        List<RawRecord> out = new ArrayList<>();
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, null, split.kernel(),
                LiveCapture.DEFAULT_SNAPLEN, LiveCapture.DEFAULT_RING_BYTES, 0, null, false))) {
            fallback.add(cap.execFallback());
            for (Path d : dirs) {
                Process p = new ProcessBuilder("sh", "-c", "cd '" + d + "' && exec '" + prog + "'").start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "sh -c cd && exec " + prog);
            }
            cap.probe().rings().drain(seg -> {
                RawRecord r = RawRecord.parse(seg);
                if (r.kind() == RawRecord.EXEC && RawRecord.execComm(r.strA()).equals(name)) {
                    out.add(r);
                }
            });
        }
        return out;
    }
}
