package io.boxscope.cli.trace;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the trace tests that write their own small .scap file share, so that each keeps only its events and its
 * expectations (which it takes from the installed sysdig 0.29 reading the same file): a temporary folder, the events
 * in the order they are written, their clock (a test adds its own gaps: {@code ts += 1000}), the tables of a small
 * machine whose only user and group is root, the system calls several tests make alike, and the writing with trace's
 * writer ({@link ChiselCapture#write(Path, CaptureTables, List)}). JUnit makes a new instance for every test method,
 * so each test starts with no events and the clock at {@link #T0}.
 */
abstract class CaptureFileTest {
    /** The first event's time less its gap: 2023-11-14T22:13:20Z in ns, as every written capture starts. */
    static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    /** The events to write, in file order. */
    final List<ScapEvent> ev = new ArrayList<>();

    /** The last event's time in ns. */
    long ts = T0;

    /**
     * The tables of a 2-CPU machine with 1 GiB of memory (scap's machine info block) named {@code hostname}, root as
     * its only user (home /root, shell /bin/bash) and group, with {@code threads} and their {@code fds}.
     */
    static CaptureTables tables(String hostname, List<ThreadInfo> threads, Map<Long, List<FdInfo>> fds) {
        return tables(hostname, List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), threads, fds);
    }

    /** As {@link #tables(String, List, Map)} with these users (the group is still root alone). */
    static CaptureTables tables(String hostname, List<UserInfo> users, List<ThreadInfo> threads, Map<Long, List<FdInfo>> fds) {
        return new CaptureTables(new MachineInfo(2, 1L << 30, 4194304, hostname), List.of(), users,
                List.of(new GroupInfo(0, "root")), threads, fds);
    }

    /** Writes {@link #ev} after {@code tables} to {@code name}.scap in {@link #dir}. */
    Path write(String name, CaptureTables tables) throws Exception {
        return ChiselCapture.write(dir.resolve(name + ".scap"), tables, ev);
    }

    /** getuid() on CPU 0 as the driver records it: an enter without parameters, an exit with uid 0; 1 us apart. */
    void getuid(long tid) {
        getuid(tid, 0);
    }

    /** getuid() on {@code cpu}. */
    void getuid(long tid, int cpu) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_GETUID_E", ts += 1000, tid, cpu).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_GETUID_X", ts += 1000, tid, cpu).num(0).build());
    }

    /**
     * openat(AT_FDCWD, path, flags, mode) = fd on CPU 0: PPME_SYSCALL_OPENAT_2_E (dirfd, name, flags, mode) and _X
     * (fd, dirfd, name, flags, mode, dev), as the driver's ppm_events table lists them.
     */
    void openat(long tid, long fd, String path, long flags, long mode, long dev) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, tid, 0).num(-100).str(path).num(flags).num(mode).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, tid, 0).num(fd).num(-100).str(path).num(flags).num(mode)
                .num(dev).build());
    }

    /** kill(pid, sig) = res on CPU 0: PPME_SYSCALL_KILL_E (pid, sig) and _X (res). */
    void kill(long tid, long pid, long sig, long res) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_KILL_E", ts += 1000, tid, 0).num(pid).num(sig).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_KILL_X", ts += 1000, tid, 0).num(res).build());
    }
}
