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

    @Test
    void globAgreesWithTheEventsDirectory() throws Exception {
        Requirements.requireTracefs();
        Tracefs t = Tracefs.locate(Path.of("/sys"));
        long inDir;
        try (Stream<Path> s = Files.list(t.root().resolve("events/syscalls"))) {
            inDir = s.filter(p -> p.getFileName().toString().startsWith("sys_enter_")).count();
        }
        assertEquals(inDir, t.events("syscalls:sys_enter_*").size());
    }
}
