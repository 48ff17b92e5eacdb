package io.boxscope.bpf.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/** This machine's tracefs: every tracepoint's format file parses without a single problem line. */
@KernelTest
class TracefsKernelTest {
    @Test
    void everyLiveFormatFileParsesCleanly() throws Exception {
        Requirements.requireTracefs();
        Tracefs t = Tracefs.locateOrMount(Path.of("/sys"));
        List<TracepointId> all = t.events();
        assertTrue(all.size() > 100, "tracepoints listed: " + all.size());
        List<String> problems = new ArrayList<>();
        int fields = 0;
        for (TracepointId tp : all) {
            EventFormat f = t.format(tp);
            assertEquals(tp.event(), f.name());
            assertEquals(t.id(tp), f.id());
            fields += f.fields().size();
            f.problems().forEach(p -> problems.add(tp + ": " + p));
            assertTrue(f.commonFields().size() >= 3, tp + " has the common header");
        }
        assertEquals(List.of(), problems);
        assertTrue(fields > all.size() * 4);
    }

    /** The mount path for real: tracefs mounted a second time on a scratch directory, then unmounted. */
    @Test
    void mountsTracefsWhereItIsMissing() throws Exception {
        Requirements.requireTracefs();
        Path sys = Files.createTempDirectory("boxscope-sysroot");
        Path target = Files.createDirectories(sys.resolve("kernel/tracing"));
        try {
            Tracefs t = Tracefs.locateOrMount(sys);
            assertEquals(target, t.root());
            assertTrue(t.events("sched:sched_switch").size() == 1, "the fresh mount lists tracepoints");
        } finally {
            Process p = new ProcessBuilder("umount", target.toString()).inheritIO().start();
            p.waitFor();
            if (!Files.exists(target.resolve("events"))) { // only delete once nothing is mounted there
                Files.delete(target);
                Files.delete(sys.resolve("kernel"));
                Files.delete(sys);
            }
        }
    }

    @Test
    void globAgreesWithTheEventsDirectory() throws Exception {
        Requirements.requireTracefs();
        Tracefs t = Tracefs.locate(Path.of("/sys"));
        long inDir;
        try (Stream<Path> s = Files.list(t.root().resolve("events/syscalls"))) {
            inDir = s.filter(p -> p.getFileName().toString().startsWith("sys_enter_")).count();
        }
        assertTrue(inDir > 100, "expected the syscall tracepoints in " + t.root());
        assertEquals(inDir, t.events("syscalls:sys_enter_*").size());
    }

    /** On this kernel: every system's events read by prefix equal the whole list's events of that system. */
    @Test
    void systemEventsAgreeWithTheWholeList() throws Exception {
        Requirements.requireTracefs();
        Tracefs t = Tracefs.locate(Path.of("/sys"));
        List<TracepointId> all = t.events();
        java.util.Set<String> systems = new java.util.TreeSet<>();
        all.forEach(e -> systems.add(e.system()));
        assertTrue(systems.size() > 10, "systems: " + systems);
        int seen = 0;
        for (String system : systems) {
            List<TracepointId> some = t.systemEvents(system);
            assertEquals(all.stream().filter(e -> e.system().equals(system)).toList(), some, system);
            seen += some.size();
        }
        assertEquals(all.size(), seen);
    }
}
