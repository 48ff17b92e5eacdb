package io.boxscope.cli.syscount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.Event;
import io.boxscope.tools.syscount.SyscountProbe;
import io.boxscope.tools.syscount.SyscountSession;
import org.junit.jupiter.api.Test;

/**
 * syscount's JSON keeps the runtime's failed map updates apart from lost ring-buffer records: {@code dropped}
 * counts lost records only, {@code map_updates_failed} lists the failures (map, how many, capacity) and
 * {@code not_counted} is the calls they left out.
 */
class SyscountFormatTest {
    @Test
    void failedMapUpdatesAreReportedApartFromDroppedRecords() {
        Event.MapUpdateFailed full = new Event.MapUpdateFailed("syscount.bt", "@pcalls", 35, 5, Event.MapUpdateFailed.MAP_FULL,
                "Argument list too long", 50, 10240);
        SyscountSession.Summary s = new SyscountSession.Summary(LocalTime.of(12, 0), true, false,
                List.of(new SyscountProbe.Row(42, 7, 0, "sh")), 3, List.of(full), 0, 4);
        assertEquals(50, s.notCounted());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) new SyscountFormat(SyscallTable.current(), false).json(s);
        assertEquals(3L, ((Number) o.get("dropped")).longValue());
        assertEquals(50L, ((Number) o.get("not_counted")).longValue());
        assertEquals(4L, ((Number) o.get("split_deletes")).longValue());
        assertEquals(List.of(Map.of("map", "@pcalls", "failed", 50L, "full", true, "capacity", 10240L, "error", "Argument list too long")),
                o.get("map_updates_failed"));
    }

    /** Skipped runs are said once, with the total of every summary, not before each summary. */
    @Test
    void skippedRunsAreTalliedOverTheSummariesAndSaidOnce() {
        SyscountFormat.SkippedTally tally = new SyscountFormat.SkippedTally();
        assertEquals(java.util.Optional.empty(), tally.line());
        for (long n : new long[] {3, 0, 4}) {
            tally.add(new SyscountSession.Summary(LocalTime.of(12, 0), false, false, List.of(), 0, List.of(), n, 0));
        }
        assertEquals(java.util.Optional.of(io.boxscope.tools.core.Lost.skipped(7)), tally.line());
        assertEquals(true, tally.line().orElseThrow().startsWith("7 events skipped by the kernel"), tally.line().orElseThrow());
    }
}
