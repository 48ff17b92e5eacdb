package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A library's view of a run ({@link ProbeSink}): printfs as their format number and typed values,
 * map snapshots and clears from user space, seeds, strlen, and the exit event with every map.
 */
@KernelTest
class ProbeSinkTest {
    record Printed(int id, String format, List<Value> args) {}

    static final class Collect implements ProbeSink {
        final List<Printed> printfs = new ArrayList<>();
        final List<Event> events = new ArrayList<>();

        @Override
        public void printf(int formatId, Event.Printf printf) {
            printfs.add(new Printed(formatId, printf.format(), printf.args()));
        }

        @Override
        public void event(Event event) {
            events.add(event);
        }
    }

    static ProbeSession load(String program, CheckOptions options) throws Exception {
        CompiledScript s = Scripts.compile(new SourceText("test", program), Path.of("/sys"), options);
        return ProbeSession.load(s, "test");
    }

    @Test
    void printfsArriveAsFormatNumbersAndTypedValues() throws Exception {
        Collect c = new Collect();
        try (ProbeSession s = load("BEGIN { printf(\"a %d %s\\n\", 1, \"x\"); printf(\"b %d\\n\", (uint8)2); "
                + "printf(\"a %d %s\\n\", 3, \"y\"); @m[7] = count(); @m[7] = count(); @v[1] = 5; exit(); }", CheckOptions.defaults())) {
            s.attach();
            s.begin(c);
            assertEquals(List.of("a %d %s\n", "b %d\n"), s.printfFormats());
            assertEquals(List.of(0, 1, 0), c.printfs.stream().map(Printed::id).toList());
            assertEquals(List.of(new Value.Int(1, 64, true), new Value.Str("x")), c.printfs.get(0).args());
            assertEquals(List.of(new Value.Int(2, 8, false)), c.printfs.get(1).args());
            MapDump m = s.map("@m");
            assertEquals(1, m.entries().size());
            assertEquals(new MapValue.Count(2), m.entries().getFirst().value());
            s.clear("@m");
            assertTrue(s.map("@m").entries().isEmpty());
            assertFalse(s.seed("@v", 1, 9), "the program's own entry is kept");
            assertTrue(s.seed("@v", 2, 9));
            assertEquals(2, s.map("@v").entries().size());
            assertEquals(0, s.lost());
            s.finish(c);
            Event last = c.events.getLast();
            assertInstanceOf(Event.Exit.class, last);
            assertEquals(List.of("@m", "@v"), ((Event.Exit) last).maps().stream().map(MapDump::name).sorted().toList());
        }
    }

    /**
     * A seed the kernel refuses says which map and key, the errno and why, its cause the kernel call's exception: a
     * map of 2 keys (CheckOptions.mapKeys) holding the program's @v[1] and a seeded @v[2] is full for @v[3] (E2BIG).
     */
    @Test
    void aRefusedSeedSaysWhatFailedAndWhy() throws Exception {
        try (ProbeSession s = load("BEGIN { @v[1] = 5; exit(); }", new CheckOptions(false, List.of(), CheckOptions.DEFAULT_STRLEN, 2))) {
            s.attach();
            s.begin(new Collect());
            assertTrue(s.seed("@v", 2, 9));
            io.boxscope.bpf.BpfException e = org.junit.jupiter.api.Assertions.assertThrows(io.boxscope.bpf.BpfException.class,
                    () -> s.seed("@v", 3, 9));
            assertEquals("cannot write @v[3] = 9 from user space: E2BIG (Argument list too long) — @v is full: all its 2 entries are taken",
                    e.getMessage());
            assertEquals(io.boxscope.bpf.Errno.E2BIG.number(), e.errno());
            assertInstanceOf(io.boxscope.bpf.BpfException.class, e.getCause());
        }
    }

    /** CheckOptions.strlen (bpftrace's BPFTRACE_STRLEN) is the size of what str() reads: the printf record carries it. */
    @Test
    void strlenSetsWhatStrReads() throws Exception {
        String program = "BEGIN { $s = str(0); printf(\"%s\\n\", $s); exit(); }";
        CompiledScript s64 = Scripts.compile(new SourceText("t", program), Path.of("/sys"), CheckOptions.defaults());
        CompiledScript s200 = Scripts.compile(new SourceText("t", program), Path.of("/sys"), new CheckOptions(false, List.of(), 200));
        assertTrue(s64.actions().toString().contains("Str[bytes=64]"), s64.actions().toString());
        assertTrue(s200.actions().toString().contains("Str[bytes=200]"), s200.actions().toString());
    }

    /**
     * A map that holds {@code capacity} keys updated with more distinct keys than that: the updates of the
     * new keys fail in the kernel (-E2BIG), are counted there per place of the script and reported per poll
     * (what failed since the last report) and in total, as lost ring-buffer records are. The expectation is
     * the workload's: keys attempted minus capacity.
     */
    @Test
    void failedMapUpdatesAreCountedAndReported() throws Throwable {
        int capacity = 4, first = 10, second = 5;
        String program = "tracepoint:syscalls:sys_enter_getppid /tid == $1/ { @c[@n] = count(); @v[@n] = 1; @n++; }";
        CheckOptions o = new CheckOptions(false, List.of(Integer.toString(Libc.gettid())), CheckOptions.DEFAULT_STRLEN, capacity);
        Collect c = new Collect();
        try (ProbeSession s = load(program, o)) {
            s.attach();
            s.begin(c);
            Libc.getppid(first);
            s.poll(java.time.Duration.ofMillis(1), c);
            List<Event.MapUpdateFailed> f = failures(c);
            int countCol = program.indexOf("count()") + 1, assignCol = program.indexOf("@v[") + 1;
            assertEquals(List.of(new Event.MapUpdateFailed("test", "@c", 1, countCol, -7, "Argument list too long", first - capacity, capacity),
                    new Event.MapUpdateFailed("test", "@v", 1, assignCol, -7, "Argument list too long", first - capacity, capacity)), f);
            assertEquals("test:1:" + countCol + ": WARNING: Map full; can't update element: 6 updates of @c failed "
                    + "(it holds 4 entries; raise BPFTRACE_MAP_KEYS_MAX)\n", io.boxscope.probe.output.Output.text().render(f.getFirst()));
            assertEquals("{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", \"retcode\": -7, \"line\": 1, \"col\": "
                    + countCol + ", \"map\": \"@c\", \"count\": 6}\n", io.boxscope.probe.output.Output.json().render(f.getFirst()));
            c.events.clear();
            Libc.getppid(second);
            s.finish(c);
            assertEquals(List.of((long) second, (long) second), failures(c).stream().map(Event.MapUpdateFailed::count).toList(),
                    "the exit report holds what failed since the last one");
            assertEquals(first + second - capacity, s.failedUpdates("@c"));
            assertEquals(first + second - capacity, s.failedUpdates("@v"));
            assertEquals(0, s.failedUpdates("@n"), "@n has one key");
            assertEquals(capacity, s.map("@c").entries().size());
            assertEquals(new MapValue.Plain(new Value.Int(first + second, 64, true)),
                    s.map("@n").entries().getFirst().value(), "every call ran the probe");
        }
    }

    /**
     * A poll hands every record the ring holds to the sink and then calls {@link ProbeSink#drained} once,
     * after them (where the tools and {@code probe} flush their output): 5,000 printfs of this thread, more
     * than one batch of the ring reader, all arrive in order, each poll ends with one drained().
     */
    @Test
    void aPollDeliversEveryRecordThenSaysDrained() throws Throwable {
        int n = 5000;
        String program = "tracepoint:syscalls:sys_enter_getppid /tid == $1/ { @n++; printf(\"%d\\n\", @n); }";
        CheckOptions o = new CheckOptions(false, List.of(Integer.toString(Libc.gettid())), CheckOptions.DEFAULT_STRLEN);
        List<Object> log = new ArrayList<>();
        ProbeSink sink = new ProbeSink() {
            @Override
            public void printf(int formatId, Event.Printf printf) {
                log.add(((Value.Int) printf.args().getFirst()).bits());
            }

            @Override
            public void event(Event event) {
                log.add(event);
            }

            @Override
            public void drained() {
                log.add("drained");
            }
        };
        try (ProbeSession s = load(program, o)) {
            s.attach();
            s.begin(sink);
            assertEquals(List.of("drained"), log, "begin ends with drained()");
            log.clear();
            Libc.getppid(n);
            s.poll(java.time.Duration.ofSeconds(5), sink);
            assertEquals("drained", log.getLast());
            assertEquals(1, log.stream().filter("drained"::equals).count(), "one drained() a poll");
            List<Object> numbers = log.subList(0, log.size() - 1);
            assertEquals(0, s.lost(), "a 1 MiB ring holds 5,000 records of 16 bytes");
            assertEquals(java.util.stream.LongStream.rangeClosed(1, n).boxed().toList(), numbers);
            log.clear();
            s.finish(sink);
            assertEquals("drained", log.getLast(), "finish ends with drained(), after the exit event");
            assertInstanceOf(Event.Exit.class, log.get(log.size() - 2));
        }
    }

    private static List<Event.MapUpdateFailed> failures(Collect c) {
        return c.events.stream().filter(e -> e instanceof Event.MapUpdateFailed).map(e -> (Event.MapUpdateFailed) e).toList();
    }
}
