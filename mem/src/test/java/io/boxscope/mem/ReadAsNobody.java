package io.boxscope.mem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.proc.HostPaths;

/**
 * The child side of {@link PermissionDeniedTest}, run as nobody: reads another user's process
 * with the mem readers and prints, one "key=value" line each, what happened.
 */
public final class ReadAsNobody {
    private ReadAsNobody() {}

    interface Read {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:") || line.startsWith("CapEff:")) {
                System.out.println(line.replaceAll("\\s+", " "));
            }
        }
        ProcMemReader r = new ProcMemReader(HostPaths.DEFAULT);
        report("smaps", () -> r.smaps(pid));
        report("rollup", () -> r.rollup(pid));
        report("maps", () -> r.maps(pid));
        report("pmap-x", () -> PmapProcess.read(r, pid, PmapOptions.Mode.EXTENDED));
        int self = (int) ProcessHandle.current().pid();
        report("scan", () -> {
            MemTop.Scan s = MemTop.scan(r, List.of(pid, self), 2);
            return "processes:" + s.processes().stream().map(m -> m.pid() == self ? "self" : Integer.toString(m.pid())).toList()
                    + " denied:" + s.denied() + " exited:" + s.exited() + " kernel:" + s.kernelThreads() + " unparsable:" + s.unparsable();
        });
    }

    /** "key=ok RESULT" or "key=ExceptionClass MESSAGE". */
    static void report(String key, Read read) {
        try {
            Object o = read.run();
            System.out.println(key + "=ok " + (o instanceof String s ? s : o.getClass().getSimpleName()));
        } catch (Exception e) {
            System.out.println(key + "=" + e.getClass().getName() + " " + e.getMessage());
        }
    }
}
