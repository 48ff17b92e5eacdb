package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * thread.exectime / thread.totexectime come from switch events (libsinsp sinsp_filtercheck_thread.cpp
 * extract_exectime): per CPU, the time since the last switch on that CPU (0 on the first), charged to the
 * thread of the switch event; every field occurrence keeps its own per-CPU times, so a format field after a
 * filter sees only the events the filter kept. Held to sysdig 0.29 reading the same file.
 */
class TraceExecTimeTest extends CaptureFileTest {
    @Test
    void execTimeFieldsAreSysdigsOnSwitchEvents() throws Exception {
        CaptureTables tables = tables("exectime",
                List.of(ThreadInfo.of(100, 100, 1, "a", "/tmp/a", List.of(), "/", 0, 0),
                        ThreadInfo.of(200, 200, 1, "b", "/tmp/b", List.of(), "/", 0, 0)),
                Map.of());
        getuid(100, 0);
        sw(100, 0, 200, 1_000_000);
        sw(200, 0, 100, 3_000_000);
        sw(100, 1, 200, 500_000);
        getuid(100, 0);
        sw(100, 0, 200, 1_000_000);
        sw(200, 1, 100, 2_000_000);
        sw(200, 0, 100, 4_000_000);
        getuid(200, 1);
        Path file = write("exectime", tables);
        String fmt = "*%evt.num %evt.cpu %evt.type %thread.tid %thread.exectime %thread.totexectime";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", fmt),
                List.of("-p", fmt, "thread.exectime>0"),
                List.of("-p", fmt, "thread.tid=200 and thread.totexectime>2000000"),
                List.of("-p", "*%evt.num %thread.totexectime", "evt.cpu=1"),
                List.of("-p", fmt, "evt.type=getuid")));
        assertEquals(4, TraceReadFilterTest.oursRead(file, List.of("-p", fmt, "thread.exectime>0")).lines().count());
    }

    /** A switch on {@code cpu} by {@code tid} to {@code next}, {@code gap} ns after the previous event. */
    private void sw(long tid, int cpu, long next, long gap) {
        ev.add(ScapEvent.builder("PPME_SCHEDSWITCH_6_E", ts += gap, tid, cpu).num(next).num(0).num(0).num(1000)
                .num(500).num(0).build());
    }
}
