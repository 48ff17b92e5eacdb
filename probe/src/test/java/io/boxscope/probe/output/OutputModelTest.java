package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the corpus cannot provoke from a BEGIN program: structs and arrays (these need kernel
 * types), per-CPU reduction, hostile input to the model. Expected strings follow bpftrace 0.17's
 * src/output.cpp and src/mapkey.cpp, cited per test.
 */
class OutputModelTest {
    static final Value REC = new Value.Record(List.of(new Value.Field("a", Value.i64(1)),
            new Value.Field("s", Value.str("x\"y"))));

    @Test
    void recordsAndArraysAsValues() {
        // Output::struct_to_str "{ " + join(", ") + " }", TextOutput::field_to_str ".a = 1"
        assertEquals("{ .a = 1, .s = x\"y }\n", Output.text().value(REC));
        // JsonOutput::field_to_str "\"a\": 1", string fields quoted and escaped
        assertEquals("{\"type\": \"value\", \"data\": { \"a\": 1, \"s\": \"x\\\"y\" }}\n", Output.json().value(REC));
        Value arr = new Value.Array(List.of(Value.i64(1), Value.i64(-2)));
        assertEquals("[1,-2]\n", Output.text().value(arr));
        assertEquals("{\"type\": \"value\", \"data\": [1,-2]}\n", Output.json().value(arr));
    }

    /** Skipped runs are worded like lost events; bpftrace 0.17 has no line for them (it never reads recursion_misses). */
    @Test
    void skippedEvents() {
        assertEquals("1 event skipped by the kernel (another BPF program was running on the CPU)\n",
                Output.text().render(new Event.Skipped(1)));
        assertEquals("262 events skipped by the kernel (another BPF program was running on the CPU)\n",
                Output.text().render(new Event.Skipped(262)));
        assertEquals("{\"type\": \"skipped_events\", \"data\": {\"events\": 262}}\n", Output.json().render(new Event.Skipped(262)));
    }

    @Test
    void recordsArraysAndPointersAsKeys() {
        // MapKey::argument_value: records {.a=1,.s=x}, arrays [1,2], pointers 0x.., integers signed
        MapDump m = new MapDump("@m", MapKind.COUNT, true, List.of(
                new MapDump.Entry(List.of(REC, new Value.Array(List.of(Value.i64(1), Value.i64(2))),
                        new Value.Pointer(-1), Value.u64(-1)), new MapValue.Count(3))));
        assertEquals("@m[{.a=1,.s=x\"y}, [1,2], 0xffffffffffffffff, -1]: 3\n", Output.text().map(m, 0, 0));
        assertEquals("{\"type\": \"map\", \"data\": {\"@m\": {\"{.a=1,.s=x\\\"y},[1,2],0xffffffffffffffff,-1\": 3}}}\n",
                Output.json().map(m, 0, 0));
    }

    @Test
    void kernelStackInPerfModeAsBpftracePrintsIt() {
        // captured from bpftrace 0.17 here: BEGIN { @k = kstack(perf, 2); @s = kstack(3); exit(); }
        // (not in the corpus: the frames belong to another program and change between runs)
        Value perf = new Value.Stack(StackMode.PERF, List.of(
                new Value.Frame(0xffffffffc002701dL, "bpf_prog_b384d88950b7bbb9_sys_enter+15501"),
                new Value.Frame(0xffffffff81f53f8aL, "__bpf_prog_test_run_raw_tp+106")));
        Value plain = new Value.Stack(StackMode.BPFTRACE, List.of(
                new Value.Frame(0, "bpf_prog_b384d88950b7bbb9_sys_enter+15560"),
                new Value.Frame(0, "__bpf_prog_test_run_raw_tp+106"),
                new Value.Frame(0, "bpf_prog_test_run_raw_tp+310")));
        List<MapDump> maps = List.of(
                new MapDump("@k", MapKind.VALUE, false, List.of(new MapDump.Entry(List.of(), new MapValue.Plain(perf)))),
                new MapDump("@s", MapKind.VALUE, false, List.of(new MapDump.Entry(List.of(), new MapValue.Plain(plain)))));
        assertEquals("Attaching 1 probe...\n\n\n"
                + "@k: \n\tffffffffc002701d bpf_prog_b384d88950b7bbb9_sys_enter+15501\n"
                + "\tffffffff81f53f8a __bpf_prog_test_run_raw_tp+106\n\n"
                + "@s: \n        bpf_prog_b384d88950b7bbb9_sys_enter+15560\n"
                + "        __bpf_prog_test_run_raw_tp+106\n"
                + "        bpf_prog_test_run_raw_tp+310\n\n",
                Output.text().attached(1) + Output.text().exit(maps));
    }

    @Test
    void perCpuReduction() {
        assertEquals(6, PerCpu.sum(1, 2, 3));
        assertEquals(-1, PerCpu.max(5, -1, 7), "max compares unsigned: -1 is the largest");
        assertEquals(0, PerCpu.max(), "no CPU: 0");
        assertEquals(-4, PerCpu.min(new long[] {3, -4, 0}, new boolean[] {true, true, false}));
        assertEquals(0, PerCpu.min(new long[] {3}, new boolean[] {false}));
    }

    @Test
    void bucketsMatchTheCorpusRules() {
        assertEquals(0, Buckets.hist(-1));
        assertEquals(1, Buckets.hist(0));
        assertEquals(2, Buckets.hist(1));
        assertEquals(4, Buckets.hist(7));
        assertEquals(33, Buckets.hist(Long.MAX_VALUE), "0.17 caps log2 at 31");
        LinearRange r = new LinearRange(0, 100, 10);
        assertEquals(0, Buckets.lhist(-1, r));
        assertEquals(1, Buckets.lhist(0, r));
        assertEquals(10, Buckets.lhist(99, r));
        assertEquals(11, Buckets.lhist(100, r));
    }

    @Test
    void hostileModelsAreRefusedWithAReason() {
        MapDump.Entry tupleKey = new MapDump.Entry(List.of(new Value.Tuple(List.of(Value.i64(1)))), new MapValue.Count(1));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new MapDump("@t", MapKind.COUNT, true, List.of(tupleKey))).getMessage().contains("tuple"));
        MapDump.Entry wrongKind = new MapDump.Entry(List.of(), new MapValue.Sum(1, true));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new MapDump("@c", MapKind.COUNT, false, List.of(wrongKind))).getMessage().contains("COUNT"));
        MapDump.Entry unkeyed = new MapDump.Entry(List.of(), new MapValue.Count(1));
        assertThrows(IllegalArgumentException.class, () -> new MapDump("@c", MapKind.COUNT, true, List.of(unkeyed)));
        assertThrows(IllegalArgumentException.class, () -> new MapDump("@l", MapKind.LHIST, false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LinearRange(5, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new MapValue.Hist(new long[66]));
        assertThrows(IllegalArgumentException.class, () -> new Value.Int(1, 12, true));
        List<MapDump.Entry> mixed = List.of(new MapDump.Entry(List.of(Value.i64(1)), new MapValue.Plain(Value.i64(1))),
                new MapDump.Entry(List.of(Value.i64(2)), new MapValue.Plain(Value.str("x"))));
        assertThrows(IllegalArgumentException.class, () -> new MapDump("@m", MapKind.VALUE, true, mixed));
    }

    @Test
    void integersKeepTheirWidth() {
        assertEquals(-1, new Value.Int(255, 8, true).bits());
        assertEquals(255, new Value.Int(-1, 8, false).bits());
        assertEquals("18446744073709551615", Value.u64(-1).decimal());
        assertEquals("-1", Value.i64(-1).decimal());
    }

    @Test
    void hostileStringsCannotBreakTheJson() {
        String evil = "\"}\n{\"type\": \"forged\\\u001b[2J";
        String line = Output.json().message(MessageType.PRINTF, evil, false);
        assertEquals(1, line.lines().count(), "one line: " + line);
        assertEquals("{\"type\": \"printf\", \"data\": \"\\\"}\\n{\\\"type\\\": \\\"forged\\\\\\u001b[2J\"}\n", line);
    }

    @Test
    void histWithHugeCountsKeepsCIntegerNarrowing() {
        // hist_prepare narrows counts to int: 2^32 becomes 0 and the bucket counts as empty
        long[] b = new long[Buckets.HIST_BUCKETS];
        b[2] = 1L << 32;
        b[3] = 1;
        assertEquals("[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n",
                HistFormat.histText(b, 1));
    }

    @Test
    void timeLongerThanBpftracesBufferPrintsNothing() {
        var at = java.time.ZonedDateTime.of(2026, 12, 4, 18, 21, 18, 0, java.time.ZoneOffset.UTC);
        assertEquals("", Output.text().render(new Event.Time("%Y".repeat(20), at)), "80 bytes do not fit 64");
        assertEquals("2026\n", Output.text().render(new Event.Time("%Y\n", at)));
        assertEquals("(?)", Strftime.strftime("%Y".repeat(20), at));
        assertEquals("18:21:18.000042", Strftime.strftime("%H:%M:%S.%f", at.plusNanos(42_000)));
    }

    @Test
    void joinStopsAtTheFirstEmptyArgument() {
        assertEquals("a b\n", Output.text().render(new Event.Join(List.of("a", "b", "", "c"), " ")));
        assertEquals("{\"type\": \"join\", \"data\": \"a,b\"}\n", Output.json().render(new Event.Join(List.of("a", "b"), ",")));
    }
}
