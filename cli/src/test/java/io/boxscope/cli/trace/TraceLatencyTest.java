package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapWriter;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evt.latency} of an exit whose own enter is not in the file (a busy host's capture drops records: the
 * lab's {@code sysdig -w} then {@code -r -c topscalls_time} on a loaded host had 79,589 drops, and there
 * {@code topscalls_time} and {@code topfiles_time} disagreed with sysdig's). libsinsp measures every exit from its
 * thread's last enter whatever that enter's type; Boxscope measured only from an enter of the same call and gave
 * 0 otherwise. The capture: a thread writes (enter, exit), then a read exit without its enter, a read enter and
 * exit, then a second thread's exit before any enter of its own. Expected lines and tables are sysdig 0.29's on
 * the same file.
 */
class TraceLatencyTest {
    @Test
    void anExitWhoseEnterWasDroppedMeasuresFromTheThreadsLastEnter(@TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("lat.scap"));
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "%evt.num %thread.tid %evt.dir %evt.type %evt.latency"),
                List.of("-td"), List.of("-c", "topscalls_time"), List.of("-c", "topfiles_time")));
    }

    private static Path write(Path file) throws Exception {
        List<ThreadInfo> threads = List.of(ThreadInfo.of(100, 100, 1, "writer", "/bin/writer", List.of(), "/", 0, 0),
                ThreadInfo.of(200, 200, 1, "other", "/bin/other", List.of(), "/", 0, 0));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 4L << 30, 4194304, "latency-test"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), List.of(new GroupInfo(0, "root")), threads,
                Map.of());
        long ts = 1_700_000_200_000_000_000L;
        List<ScapEvent> events = new ArrayList<>();
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts, 100, 0).num(-100).str("/tmp/f").num(1).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1_000, 100, 0).num(3).num(-100).str("/tmp/f")
                .num(1).num(0).num(0x803).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1_000, 100, 0).num(3).num(4).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 2_000_000, 100, 0).num(4).bytes(new byte[4]).build());
        // the read's enter was dropped
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 30_000_000, 100, 0).num(8).bytes(new byte[8]).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1_000, 100, 0).num(3).num(16).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 5_000, 100, 0).num(16).bytes(new byte[16]).build());
        // a thread with no enter seen at all
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1_000, 200, 1).num(2).bytes(new byte[2]).build());
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        return file;
    }
}
