package io.boxscope.tools.funccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapKind;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.ResolvedKind;
import io.boxscope.probe.output.Value;
import org.junit.jupiter.api.Test;

/** BCC funccount's pattern forms (funccount.py Probe.__init__), its table, and the no-kprobes message. */
class FuncPatternTest {
    @Test
    void patterns() {
        assertEquals("tracepoint:syscalls:sys_enter_*", FuncPattern.parse("t:syscalls:sys_enter_*").attachPoint());
        assertEquals("uprobe:libc:malloc*", FuncPattern.parse("u:libc:malloc*").attachPoint());
        assertEquals("uprobe:libc:malloc*", FuncPattern.parse("p:libc:malloc*").attachPoint());
        assertEquals("uprobe:libc:malloc*", FuncPattern.parse("libc:malloc*").attachPoint());
        assertEquals("uprobe:/bin/bash:readline", FuncPattern.parse("/bin/bash:readline").attachPoint());
        assertEquals("kprobe:vfs_*", FuncPattern.parse("vfs_*").attachPoint());
        assertEquals(FuncPattern.Kind.KPROBE, FuncPattern.parse("p::vfs_read").kind());
        assertThrows(IllegalArgumentException.class, () -> FuncPattern.parse("x:a:b"));
        assertThrows(IllegalArgumentException.class, () -> FuncPattern.parse("a:b:c:d"));
        assertThrows(IllegalArgumentException.class, () -> FuncPattern.parse("t::x"));
        assertThrows(IllegalArgumentException.class, () -> FuncPattern.parse("t:a:b } BEGIN { exit(); }"));
        assertTrue(FuncPattern.parse("t:syscalls:sys_enter_getpgid").script().startsWith("// funccount"));
    }

    @Test
    void funcNames() {
        assertEquals("syscalls:sys_enter_getpgid", FuncPattern.funcName("tracepoint:syscalls:sys_enter_getpgid"));
        assertEquals("malloc", FuncPattern.funcName("uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc"));
        assertEquals("vfs_read", FuncPattern.funcName("kprobe:vfs_read"));
    }

    @Test
    void noKprobesMessageNamesATracepoint() {
        Set<String> sys = Set.of("sys_enter_read", "sys_enter_openat");
        String m = FuncPattern.parse("vfs_read").noKprobesMessage("no kprobe PMU", sys);
        assertEquals("cannot count kernel function 'vfs_read': kprobes are not available on this kernel (no kprobe PMU);"
                + " count a tracepoint instead, e.g. boxscope funccount 't:syscalls:sys_enter_read'", m);
        assertTrue(FuncPattern.parse("vfs_*").noKprobesMessage("x", sys).endsWith("'t:syscalls:sys_enter_*'"));
        assertTrue(FuncPattern.parse("tcp_sendmsg").noKprobesMessage("x", sys).endsWith("'t:syscalls:sys_enter_*'"));
        assertEquals(1, m.lines().count());
    }

    /** funccount.py: a blank line, FUNC/COUNT as %-36s %8s, then ascending counts, zero counts left out. */
    @Test
    void table() {
        MapDump m = new MapDump("@counts", MapKind.COUNT, true, List.of(
                new MapDump.Entry(List.of(new Value.Resolved(ResolvedKind.PROBE, "tracepoint:syscalls:sys_enter_read", 0)), new MapValue.Count(30)),
                new MapDump.Entry(List.of(new Value.Resolved(ResolvedKind.PROBE, "tracepoint:syscalls:sys_enter_getpgid", 1)), new MapValue.Count(7)),
                new MapDump.Entry(List.of(new Value.Resolved(ResolvedKind.PROBE, "tracepoint:syscalls:sys_enter_close", 2)), new MapValue.Count(0))));
        String expected = "\n" + "FUNC                                    COUNT\n"
                + "syscalls:sys_enter_getpgid                  7\n"
                + "syscalls:sys_enter_read                    30\n";
        assertEquals(expected, Funccount.text(Funccount.report(m, null)));
        assertEquals("Tracing 2 functions for \"t:syscalls:sys_enter_*\"... Hit Ctrl-C to end.\n",
                Funccount.header(2, "t:syscalls:sys_enter_*"));
    }
}
