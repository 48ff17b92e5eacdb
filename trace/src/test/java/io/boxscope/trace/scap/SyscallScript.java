package io.boxscope.trace.scap;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written run of system calls as scap events, enter and exit 1 µs apart from {@link Fixtures#T0}: the
 * tests of the inspector's thread and fd tables (ThreadFdsTest, RenamedRecordsTest) write the calls they need in
 * sysdig's event layouts (falcosecurity/libs driver/event_table.c) through one place.
 */
final class SyscallScript {
    private final List<ScapEvent> events = new ArrayList<>();
    private long ts = Fixtures.T0;

    List<ScapEvent> events() {
        return events;
    }

    void open(long tid, long fd, String path) {
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, tid, 0).num(-100).str(path).num(1).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, tid, 0).num(fd).num(-100).str(path).num(1).num(0)
                .num(0x803).build());
    }

    void read(long tid, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, tid, 0).num(fd).num(10).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, tid, 0).num(3).bytes(new byte[] {'a', 'b', 'c'}).build());
    }

    void close(long tid, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, tid, 0).num(fd).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, tid, 0).num(0).build());
    }

    void dup(long tid, long fd, long onto) {
        events.add(ScapEvent.builder("PPME_SYSCALL_DUP_E", ts += 1000, tid, 0).num(fd).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_DUP_X", ts += 1000, tid, 0).num(onto).build());
    }

    /** Any other call's event, built by its test with {@link #next()} as its time. */
    void add(ScapEvent e) {
        events.add(e);
    }

    /** The next event's time. */
    long next() {
        return ts += 1000;
    }
}
