package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.filter.FieldListing;
import org.junit.jupiter.api.Test;

/** {@code boxscope trace -l} and {@code --check-filter}, run as a user runs them. */
class TraceFilterCommandTest {
    @Test
    void listPrintsTheCatalogueInSysdigsLayout() {
        Cli r = Cli.run("trace", "-l");
        assertEquals(0, r.code(), r.err());
        assertEquals(FieldListing.text(false), r.out());
        assertTrue(r.out().contains("\nproc.name                     the name of the process's program"), r.out());
        Cli v = Cli.run("trace", "-lv");
        assertEquals(FieldListing.text(true), v.out());
        assertTrue(v.out().contains("\nfd.sport                      (Type: PORT) "), v.out());
    }

    /** sysdig 0.29 lists its fields and exits 0 with -r FILE too (the file is never opened): so do we. */
    @Test
    void listIgnoresRead() {
        Cli r = Cli.run("trace", "-l", "-r", "/nonexistent/x.scap");
        assertEquals(0, r.code(), r.err());
        assertEquals(Cli.run("trace", "-l").out(), r.out());
        assertEquals("", r.err());
    }

    @Test
    void listAsJson() {
        Cli r = Cli.run("--json", "trace", "-l");
        assertEquals(0, r.code(), r.err());
        List<Object> classes = Json.asList(Json.asObject(Json.parse(r.out())).get("classes"));
        Map<String, Object> process = Json.asObject(classes.get(2));
        assertEquals("process", process.get("name"));
        Map<String, Object> first = Json.asObject(Json.asList(process.get("fields")).getFirst());
        assertEquals("proc.pid", first.get("name"));
        assertEquals("INT64", first.get("type"));
    }

    @Test
    void checkFilterPrintsTheSplit() {
        Cli r = Cli.run("trace", "--check-filter", "proc.pid=42 and evt.type in (openat, read) and fd.name startswith /etc");
        assertEquals(0, r.code(), r.err());
        SyscallTable t = SyscallTable.current();
        int a = Math.min(t.number("openat"), t.number("read"));
        int b = Math.max(t.number("openat"), t.number("read"));
        assertEquals("""
                filter: proc.pid = 42 and evt.type in (openat, read) and fd.name startswith /etc
                kernel (BPF):
                  proc.pid in (42)
                  evt.type in (openat, read): syscalls (%d, %d)
                user space (Java):
                  fd.name startswith /etc
                """.formatted(a, b), r.out());
    }

    @Test
    void badFilterExitsTwoWithACaretUnderTheColumn() {
        Cli r = Cli.run("trace", "--check-filter", "proc.name=bash and proc.pid=1 or evt.type=open");
        assertEquals(2, r.code());
        assertEquals("""
                boxscope: bad filter at column 31: expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.
                  proc.name=bash and proc.pid=1 or evt.type=open
                                                ^
                """, r.err());
        assertEquals("", r.out());
        Cli end = Cli.run("trace", "--check-filter", "proc.name=bash and");
        assertEquals(2, end.code());
        assertTrue(end.err().endsWith("  proc.name=bash and\n                    ^\n"), end.err());
        assertTrue(end.err().contains("expected a comparison"), end.err());
    }

    @Test
    void hostileFilterTextIsEscapedAndTheCaretStaysInPlace() {
        Cli r = Cli.run("trace", "--check-filter", "proc.name=\"\u001b[2J\nx\" and proc.pid=y");
        assertEquals(2, r.code());
        String[] lines = r.err().split("\n");
        assertEquals(3, lines.length, r.err());
        assertEquals("  proc.name=\"\\x1b[2J\\x0ax\" and proc.pid=y", lines[1]);
        assertEquals(lines[1].indexOf("=y") + 1, lines[2].indexOf('^'), r.err());
    }

    @Test
    void checkFilterAsJson() {
        Cli r = Cli.run("--json", "trace", "--check-filter", "thread.tid in (5, 6) and evt.failed = true");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> o = Json.asObject(Json.parse(r.out()));
        Map<String, Object> k = Json.asObject(o.get("kernel"));
        assertEquals(List.of(5L, 6L), Json.asList(k.get("tids")).stream().map(x -> ((Number) x).longValue()).toList());
        assertEquals(true, k.get("failed_only"));
        assertNull(k.get("pids"));
        assertNull(o.get("user_space"), "the kernel decides the whole filter");
    }

    @Test
    void liveOptionsOutOfRangeAreUsageErrors() {
        for (String[] args : new String[][] {{"trace", "-M", "0"}, {"trace", "-s", "100000"}, {"trace", "-z"},
                {"trace", "-n", "-1"}, {"sysdig", "-M", "-5"}}) {
            Cli r = Cli.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        }
        Cli r = Cli.run("trace", "-r", "/nonexistent.scap", "-M", "3");
        assertEquals(2, r.code(), r.err());
        assertEquals(2, Cli.run("trace", "-l", "--check-filter", "proc.pid=1").code());
    }
}
