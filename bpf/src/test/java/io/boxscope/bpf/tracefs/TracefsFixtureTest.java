package io.boxscope.bpf.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real format files captured from this machine's /sys/kernel/tracing (Linux 6.18), read through the
 * production path ({@link Tracefs#at} on a copy of the tree).
 */
class TracefsFixtureTest {
    static Path root() throws URISyntaxException {
        return Path.of(TracefsFixtureTest.class.getResource("root/available_events").toURI()).getParent();
    }

    static Tracefs fixture() throws Exception {
        return Tracefs.at(root());
    }

    @Test
    void listsAvailableEventsSortedAndByGlob() throws Exception {
        Tracefs t = fixture();
        assertEquals(11, t.events().size());
        assertEquals(t.events().stream().sorted().toList(), t.events());
        assertEquals(List.of("syscalls:sys_enter_openat", "syscalls:sys_enter_read"),
                t.events("syscalls:sys_enter_*").stream().map(TracepointId::toString).toList());
        assertEquals(List.of("sched:sched_process_exec", "sched:sched_switch", "sched:sched_wakeup"),
                t.events("sched:*").stream().map(TracepointId::toString).toList());
        assertEquals(List.of("syscalls:sys_enter_openat", "syscalls:sys_exit_openat"),
                t.events("*:*openat").stream().map(TracepointId::toString).toList());
        assertEquals(List.of(), t.events("sched"), "a system name alone matches only events named like it");
        assertFalse(t.events().contains(TracepointId.parse("ftrace:bprint")), "ftrace records are not tracepoints");
    }

    @Test
    void withoutAvailableEventsScansTheTreeButSkipsFtrace(@TempDir Path tmp) throws Exception {
        copyTree(root(), tmp);
        Files.delete(tmp.resolve("available_events"));
        List<TracepointId> evs = Tracefs.at(tmp).events();
        assertEquals(fixture().events(), evs);
    }

    /** One system's events, read by prefix, are exactly the whole list's events of that system (with and without available_events). */
    @Test
    void systemEventsAreTheWholeListsEventsOfThatSystem(@TempDir Path tmp) throws Exception {
        copyTree(root(), tmp);
        Files.delete(tmp.resolve("available_events"));
        for (Tracefs t : List.of(fixture(), Tracefs.at(tmp))) {
            for (String system : List.of("syscalls", "sched", "raw_syscalls", "ftrace", "sys", "nosuch")) {
                assertEquals(t.events().stream().filter(e -> e.system().equals(system)).toList(), t.systemEvents(system), system);
            }
            assertEquals(List.of("sched:sched_process_exec", "sched:sched_switch", "sched:sched_wakeup"),
                    t.systemEvents("sched").stream().map(TracepointId::toString).toList());
        }
        assertEquals(List.of(), fixture().systemEvents("sched_switch"), "an event name is not a system");
        assertThrows(IllegalArgumentException.class, () -> fixture().systemEvents("../events"));
        assertThrows(IllegalArgumentException.class, () -> fixture().systemEvents(""));
    }

    @Test
    void sysEnterOpenat() throws Exception {
        EventFormat f = fixture().format(TracepointId.parse("syscalls:sys_enter_openat"));
        assertEquals("sys_enter_openat", f.name());
        assertEquals(782, f.id());
        assertEquals(782, fixture().id(TracepointId.parse("syscalls:sys_enter_openat")));
        assertEquals(List.of("common_type", "common_flags", "common_preempt_count", "common_pid"),
                f.commonFields().stream().map(EventField::name).toList());
        assertEquals(List.of("__syscall_nr", "dfd", "filename", "flags", "mode"), f.argFields().stream().map(EventField::name).toList());
        EventField fn = f.field("filename").orElseThrow();
        assertEquals("const char *", fn.type());
        assertEquals(EventField.Kind.POINTER, fn.kind());
        assertEquals(24, fn.offset());
        assertEquals(8, fn.size());
        assertFalse(fn.signed());
        EventField pid = f.field("common_pid").orElseThrow();
        assertTrue(pid.signed() && pid.isCommon() && pid.offset() == 4 && pid.size() == 4);
        assertEquals("umode_t", f.field("mode").orElseThrow().type());
        assertTrue(f.printFormat().startsWith("\"dfd: 0x%08lx"));
        assertEquals(List.of(), f.problems());
    }

    @Test
    void schedSwitchCharArrays() throws Exception {
        EventFormat f = fixture().format(TracepointId.parse("sched:sched_switch"));
        EventField comm = f.field("prev_comm").orElseThrow();
        assertEquals(EventField.Kind.FIXED_ARRAY, comm.kind());
        assertEquals("char", comm.type());
        assertEquals(16, comm.arrayLength());
        assertEquals(16, comm.size());
        assertTrue(comm.isString());
        assertEquals("char prev_comm[16]", comm.declaration());
        assertEquals("long", f.field("prev_state").orElseThrow().type());
        assertEquals(List.of(), f.problems());
    }

    @Test
    void dataLocStrings() throws Exception {
        EventFormat exec = fixture().format(TracepointId.parse("sched:sched_process_exec"));
        EventField fn = exec.field("filename").orElseThrow();
        assertEquals(EventField.Kind.DATA_LOC, fn.kind());
        assertEquals("char", fn.type());
        assertTrue(fn.isString());
        assertEquals(8, fn.offset());
        assertEquals(4, fn.size());
        assertEquals("__data_loc char[] filename", fn.declaration());

        EventFormat rq = fixture().format(TracepointId.parse("block:block_rq_complete"));
        assertEquals(10, rq.field("rwbs").orElseThrow().arrayLength());
        assertEquals(EventField.Kind.DATA_LOC, rq.field("cmd").orElseThrow().kind());
        assertEquals("sector_t", rq.field("sector").orElseThrow().type());

        EventFormat dma = fixture().format(TracepointId.parse("dma:dma_map_sg"));
        assertEquals("u64", dma.field("phys_addrs").orElseThrow().type());
        assertEquals("unsigned int", dma.field("lengths").orElseThrow().type());
        assertFalse(dma.field("lengths").orElseThrow().isString());
        assertEquals("enum dma_data_direction", dma.field("dir").orElseThrow().type());
        assertEquals("bool", dma.field("truncated").orElseThrow().type());
    }

    @Test
    void printFormatWithRawNewlinesRunsToTheEnd() throws Exception {
        EventFormat f = fixture().format(TracepointId.parse("ext4:ext4_fc_stats"));
        assertEquals(List.of(), f.problems());
        assertTrue(f.printFormat().contains("\n") && f.printFormat().endsWith("REC->fc_numblks"), f.printFormat());
        assertEquals(List.of(), fixture().format(TracepointId.parse("ext4:ext4_fsmap_high_key")).problems());
        assertEquals(10, f.field("fc_ineligible_rc").orElseThrow().arrayLength());
    }

    @Test
    void flexibleArrayInFtraceRecord() throws Exception {
        EventFormat f = fixture().format(TracepointId.parse("ftrace:bprint"));
        EventField buf = f.field("buf").orElseThrow();
        assertEquals(EventField.Kind.FLEXIBLE_ARRAY, buf.kind());
        assertEquals(0, buf.arrayLength());
        assertEquals("u32", buf.type());
    }

    @Test
    void missingTracepointSaysHowToList() throws Exception {
        TracefsException e = assertThrows(TracefsException.class, () -> fixture().format(TracepointId.parse("sched:nope")));
        assertTrue(e.getMessage().contains("no tracepoint sched:nope"), e.getMessage());
        assertThrows(TracefsException.class, () -> fixture().id(TracepointId.parse("sched:nope")));
        assertThrows(IllegalArgumentException.class, () -> TracepointId.parse("sched"));
        assertThrows(IllegalArgumentException.class, () -> TracepointId.parse("../x:y"));
        assertThrows(TracefsException.class, () -> fixture().format(new TracepointId("..", "..")));
    }

    @Test
    void locateFindsTracingThenDebugTracing(@TempDir Path sys) throws Exception {
        assertThrows(TracefsException.class, () -> Tracefs.locate(sys));
        Files.createDirectories(sys.resolve("kernel/debug/tracing/events"));
        assertEquals(sys.resolve("kernel/debug/tracing"), Tracefs.locate(sys).root());
        Files.createDirectories(sys.resolve("kernel/tracing/events"));
        assertEquals(sys.resolve("kernel/tracing"), Tracefs.locate(sys).root());
        assertThrows(TracefsException.class, () -> Tracefs.at(sys));
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
