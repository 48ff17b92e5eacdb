package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The fork and exec records carry the task's v2 cgroup id, read in the kernel when it happened ({@link SchedPrograms}):
 * a shell moves itself into a cgroup made for the test (writing its pid to that cgroup's {@code cgroup.procs}), then
 * forks a child that execs {@code true}: the child's fork record (made in the parent's context, read from the child's
 * task_struct) and its exec record must both carry that cgroup's id, the inode number of its directory (what
 * {@code bpf_get_current_cgroup_id} returns, bpf-helpers(7)), and the shell's own exec record (before the move) the id
 * of this JVM's cgroup (the tracer's own forks are not traced). Before, the fork record carried 0 and the exec record
 * none.
 */
@KernelTest
class SchedCgroupTest {
    @Test
    void forkAndExecRecordsCarryTheTasksCgroup() throws Exception {
        Path root = new CgroupFs(HostPaths.DEFAULT).unifiedRoot().orElseThrow();
        Path dir = root.resolve("boxscope-test-schedcg-" + ProcessHandle.current().pid());
        Files.createDirectory(dir);
        try {
            long moved = CgroupFs.cgroupId(dir);
            String own = Files.readString(Path.of("/proc/self/cgroup")).lines().filter(l -> l.startsWith("0::"))
                    .findFirst().orElseThrow().substring(3);
            long jvm = CgroupFs.cgroupId(own.equals("/") ? root : root.resolve(own.substring(1)));
            Filter f = Filter.compile("evt.type=execve and proc.name=boxscope-none", ServiceNames.none());
            PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
            List<RawRecord> records = new ArrayList<>();
            long shell;
            long child;
            try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, null, split.kernel(),
                    LiveCapture.DEFAULT_SNAPLEN, LiveCapture.DEFAULT_RING_BYTES, 0, null, false))) {
                Process p = new ProcessBuilder("sh", "-c", "echo $$ > '" + dir.resolve("cgroup.procs")
                        + "' && { /bin/true & echo $$ $!; wait; }").start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "sh: " + out);
                String[] ids = out.split(" ");
                shell = Long.parseLong(ids[0]);
                child = Long.parseLong(ids[1]);
                cap.probe().rings().drain(seg -> records.add(RawRecord.parse(seg)));
            }
            List<Long> shellExecs = new ArrayList<>();
            List<Long> childForks = new ArrayList<>();
            List<Long> childExecs = new ArrayList<>();
            for (RawRecord r : records) {
                if (r.kind() == RawRecord.EXEC && r.pid() == shell && RawRecord.execComm(r.strA()).equals("sh")) {
                    shellExecs.add(RawRecord.execCgroup(r.strA()));
                } else if (r.kind() == RawRecord.FORK && (r.id() >>> 32) == child) {
                    childForks.add(r.ret());
                } else if (r.kind() == RawRecord.EXEC && r.pid() == child) {
                    assertEquals("true", RawRecord.execComm(r.strA()));
                    childExecs.add(RawRecord.execCgroup(r.strA()));
                }
            }
            assertEquals(List.of(jvm), shellExecs, "the shell's exec record: before its move, in this JVM's cgroup " + own);
            assertEquals(List.of(moved), childForks, "the child's fork record: forked in " + dir);
            assertEquals(List.of(moved), childExecs, "the child's exec record: in " + dir);
        } finally {
            Files.delete(dir);
        }
    }
}
