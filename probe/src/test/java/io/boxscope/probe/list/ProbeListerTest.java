package io.boxscope.probe.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.SystemLibs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing against a fake sys root holding real format files captured from this machine. */
class ProbeListerTest {
    @TempDir
    Path sys;

    ProbeLister lister;

    @BeforeEach
    void tree() throws Exception {
        Path tracing = sys.resolve("kernel/tracing");
        Files.createDirectories(tracing.resolve("events"));
        Files.writeString(tracing.resolve("available_events"),
                "sched:sched_switch\nsyscalls:sys_enter_openat\nsched:sched_process_exec\n");
        for (String ev : List.of("sched/sched_switch", "syscalls/sys_enter_openat", "sched/sched_process_exec")) {
            Path dir = tracing.resolve("events").resolve(ev);
            Files.createDirectories(dir);
            try (var in = getClass().getResourceAsStream("formats/" + ev.replace('/', '_'))) {
                Files.write(dir.resolve("format"), in.readAllBytes());
            }
        }
        lister = new ProbeLister(sys, sys.resolve("no-debug"));
    }

    static List<String> names(Listing l) {
        return l.probes().stream().map(ListedProbe::name).toList();
    }

    @Test
    void tracepointsByGlobAndAlias() throws Exception {
        assertEquals(List.of("tracepoint:sched:sched_process_exec", "tracepoint:sched:sched_switch"),
                names(lister.list("tracepoint:sched:*", false)));
        assertEquals(List.of("tracepoint:syscalls:sys_enter_openat"), names(lister.list("t:*openat", false)));
        assertEquals(List.of(), names(lister.list("tracepoint:nosuch:*", false)));
    }

    @Test
    void verboseArgsAreTheFormatDeclarations() throws Exception {
        Listing l = lister.list("tracepoint:sched:sched_process_exec", true);
        assertEquals(List.of("__data_loc char[] filename", "pid_t pid", "pid_t old_pid"), l.probes().getFirst().args());
        assertEquals(List.of(), l.notices());
    }

    @Test
    void rawTracepointsWithoutBtfFallBackToTracefsWithANotice() throws Exception {
        Listing l = lister.list("rawtracepoint:*", false);
        assertEquals(List.of("rawtracepoint:sched_process_exec", "rawtracepoint:sched_switch"), names(l));
        assertTrue(l.notices().getFirst().contains("no kernel BTF"), l.notices().toString());
    }

    @Test
    void noProviderMatchesWholeNamesEverywhere() throws Exception {
        assertEquals(List.of("rawtracepoint:sched_switch", "tracepoint:sched:sched_switch"), names(lister.list("*sched_switch*", false)));
        assertEquals(16, lister.list(null, false).probes().size(), "3 tracepoints, 2 raw tracepoints, 11 software events");
    }

    @Test
    void softwareEvents() throws Exception {
        assertEquals(List.of("software:cpu-clock:", "software:cpu-migrations:"), names(lister.list("software:cpu*", false)));
        assertEquals(List.of("software:context-switches:"), names(lister.list("s:cs:", false)));
    }

    /** The expected names are built from where the loader finds libc here (ldd), not from a fixed multiarch path. */
    @Test
    void uprobesOnAStrippedLibraryWithoutDebugFileSayWhatIsMissing() throws Exception {
        String libc = SystemLibs.libc().toString();
        Listing l = lister.list("uprobe:" + libc + ":malloc", false);
        assertEquals(List.of("uprobe:" + libc + ":malloc"), names(l));
        assertTrue(l.notices().getFirst().contains("stripped"), l.notices().toString());
        assertEquals(List.of("uprobe:" + libc + ":malloc"), names(lister.list("uprobe:libc:malloc", false)));
        assertThrows(ProbeListException.class, () -> lister.list("uprobe:no_such_library_boxscope:*", false));
        assertThrows(ProbeListException.class, () -> lister.list("uprobe::*", false));
    }
    /** bpftrace expands a wildcard path with glob(3): each matching ELF file, in path order; '*' stays within a directory. */
    @Test
    void uprobeTargetsWithWildcardsInThePath() throws Exception {
        Path root = Files.createTempDirectory("bxs-uglob");
        Path libc = SystemLibs.libc();
        for (String d : List.of("b", "a", ".hidden", "c/deeper")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(libc, root.resolve("b/libc.so.6"));
        Files.copy(libc, root.resolve("a/libc.so.6"));
        Files.copy(libc, root.resolve(".hidden/libc.so.6"));
        Files.copy(libc, root.resolve("c/deeper/libc.so.6"));
        Files.writeString(root.resolve("c/libc.so.6"), "not an ELF file\n");
        try {
            assertEquals(List.of("uprobe:" + root + "/a/libc.so.6:malloc", "uprobe:" + root + "/b/libc.so.6:malloc"),
                    names(lister.list("uprobe:" + root + "/*/libc.so.6:malloc", false)));
            assertEquals(List.of("uprobe:" + root + "/a/libc.so.6:malloc"), names(lister.list("uprobe:" + root + "/?/libc.so.*:malloc", false))
                    .stream().filter(n -> n.contains("/a/")).toList());
            var e = assertThrows(ProbeListException.class, () -> lister.list("uprobe:" + root + "/*/nothing.so:*", false));
            assertTrue(e.getMessage().contains("no file matches the uprobe target " + root + "/*/nothing.so"), e.getMessage());
        } finally {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
