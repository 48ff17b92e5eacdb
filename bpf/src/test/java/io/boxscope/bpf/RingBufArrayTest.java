package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.ringbuf.RingBufSet;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * An array of ring buffers (map-in-map): a program looks up the ring by index in the outer array and writes
 * through the inner map it gets; each ring reads back exactly its own records, and {@link RingBufSet} merges them
 * by the key every record carries.
 */
@KernelTest
class RingBufArrayTest {
    /**
     * RAW_TRACEPOINT, run with args (index, key, tag): looks up ring {@code index} in {@code outer}, reserves 16
     * bytes there and writes {key, tag}; returns 1 when written, 0 when the slot is empty, 2 when the ring is full.
     */
    static List<Insn> program(BpfMap outer) {
        Asm a = new Asm();
        Label empty = a.newLabel("empty");
        Label full = a.newLabel("full");
        a.mov(Reg.R6, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R6, 0).stx(Size.W, Reg.R10, -4, Reg.R1)
                .ldMapFd(Reg.R1, outer.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, empty)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .ldx(Size.DW, Reg.R1, Reg.R6, 8).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R6, 16).stx(Size.DW, Reg.R0, 8, Reg.R1)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .movImm(Reg.R0, 1).exit()
                .bind(empty).movImm(Reg.R0, 0).exit()
                .bind(full).movImm(Reg.R0, 2).exit();
        return a.build();
    }

    @Test
    void eachRingReadsBackOnlyTheRecordsWrittenThroughItsSlot() {
        assertTrue(Features.mapType(MapType.ARRAY_OF_MAPS).isSupported(), Features.mapType(MapType.ARRAY_OF_MAPS).toString());
        try (BpfMap template = BpfMap.create(MapSpec.ringBuffer("test_rbtmpl", 1 << 16));
                BpfMap outer = BpfMap.createOuter("test_rbarray", 3, template);
                BpfMap r0 = BpfMap.create(MapSpec.ringBuffer("test_rb0", 1 << 16));
                BpfMap r1 = BpfMap.create(MapSpec.ringBuffer("test_rb1", 1 << 16))) {
            outer.setInner(0, r0);
            outer.setInner(1, r1); // slot 2 stays empty
            try (Program p = Program.load(ProgramSpec.of("rb_array", ProgramType.RAW_TRACEPOINT, program(outer)));
                    RingBufReader a = new RingBufReader(r0); RingBufReader b = new RingBufReader(r1)) {
                for (int i = 0; i < 50; i++) {
                    assertEquals(1, p.run(i % 2, 1000 + i, i % 2 == 0 ? 0xa0 : 0xb1));
                }
                assertEquals(0, p.run(2, 5, 5), "an empty slot gives the program NULL");
                List<long[]> got0 = new ArrayList<>();
                List<long[]> got1 = new ArrayList<>();
                a.drain(rec -> got0.add(new long[] {rec.get(ValueLayout.JAVA_LONG, 0), rec.get(ValueLayout.JAVA_LONG, 8)}));
                b.drain(rec -> got1.add(new long[] {rec.get(ValueLayout.JAVA_LONG, 0), rec.get(ValueLayout.JAVA_LONG, 8)}));
                assertEquals(25, got0.size());
                assertEquals(25, got1.size());
                for (int j = 0; j < 25; j++) {
                    assertEquals(1000 + 2 * j, got0.get(j)[0]);
                    assertEquals(0xa0, got0.get(j)[1]);
                    assertEquals(1001 + 2 * j, got1.get(j)[0]);
                    assertEquals(0xb1, got1.get(j)[1]);
                }
            }
        }
    }

    @Test
    void aSetMergesTheRingsByKeyAndCountsEveryRecordOnce() throws Exception {
        withTwoRings((p, set) -> {
            // keys interleave unevenly: ring 0 gets 0, 3, 6, ...; ring 1 the rest, each ring in increasing order
            int n = 300;
            for (int key = 0; key < n; key++) {
                assertEquals(1, p.run(key % 3 == 0 ? 0 : 1, key, key % 3 == 0 ? 0 : 1));
            }
            List<Long> keys = new ArrayList<>();
            int[] bad = {0};
            int first = set.pollAvailable(rec -> {
                long key = rec.get(ValueLayout.JAVA_LONG, 0);
                if (rec.get(ValueLayout.JAVA_LONG, 8) != (key % 3 == 0 ? 0 : 1)) {
                    bad[0]++;
                }
                keys.add(key);
            }, Duration.ofSeconds(1), Duration.ofMillis(1), 64, 100);
            assertEquals(100, first, "max stops the poll");
            set.drain(rec -> keys.add(rec.get(ValueLayout.JAVA_LONG, 0)));
            assertEquals(n, keys.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, keys.get(i), "merged by key");
            }
            assertEquals(0, bad[0], "a record came from the wrong ring");
            assertEquals(n, set.records());
            assertEquals(0, set.pending());
        });
    }

    /**
     * A drain at a capture's stop while the producers keep writing: here every record read makes a new one (a
     * producer as fast as the consumer). {@link RingBufSet#drainToNow} reads the 300 records there at the call and
     * returns; the 300 written meanwhile stay in the rings. {@link RingBufSet#drain}, which LiveCapture used at the
     * stop, re-reads the producer positions and never returned (the handler's guard ends it here).
     */
    @Test
    void aDrainToNowEndsWhileTheProducersKeepWriting() throws Exception {
        withTwoRings((p, set) -> {
            int n = 300;
            for (int key = 0; key < n; key++) {
                assertEquals(1, p.run(key % 2, key, 0));
            }
            List<Long> keys = new ArrayList<>();
            long[] next = {n};
            RingBufSet.ToNow toNow = set.drainToNow(rec -> {
                keys.add(rec.get(ValueLayout.JAVA_LONG, 0));
                if (keys.size() > 20 * n) {
                    throw new IllegalStateException("the drain did not end: " + keys.size() + " records read");
                }
                assertEquals(1, p.run((int) (next[0] % 2), next[0], 0));
                next[0]++;
            });
            assertEquals(n, toNow.read(), "the records there at the call");
            assertEquals(0, toNow.left(), "no record was being written at the call: none left below the noted positions");
            for (int i = 0; i < n; i++) {
                assertEquals(i, keys.get(i), "merged by key");
            }
            List<Long> rest = new ArrayList<>();
            set.drain(rec -> rest.add(rec.get(ValueLayout.JAVA_LONG, 0)));
            assertEquals(n, rest.size(), "those written during the drain stayed in the rings");
            assertEquals(n, rest.getFirst());
        });
    }

    /**
     * Marks ({@link RingBufSet#producerPositions}) say how many of the records written before them the consumer has
     * not read yet ({@link RingBufSet#recordsBefore(long[])}), whatever was written after them: the test support that
     * stops a capture only once the records of a workload that has exited are read.
     */
    @Test
    void marksCountTheRecordsBeforeThemUntilTheyAreRead() throws Exception {
        withTwoRings((p, set) -> {
            int n = 300;
            for (int key = 0; key < n; key++) {
                assertEquals(1, p.run(key % 2, key, 0));
            }
            long[] marks = set.producerPositions();
            assertEquals(2, marks.length);
            for (int key = n; key < n + 100; key++) {
                assertEquals(1, p.run(key % 2, key, 0));
            }
            assertEquals(n, set.recordsBefore(marks), "the records written before the marks, none after");
            List<Long> keys = new ArrayList<>();
            set.drain(rec -> keys.add(rec.get(ValueLayout.JAVA_LONG, 0)));
            assertEquals(n + 100, keys.size());
            assertEquals(0, set.recordsBefore(marks), "all read");
            assertThrows(IllegalArgumentException.class, () -> set.recordsBefore(new long[1]));
        });
    }

    /** What a test does with {@link #program} loaded on a two-slot array of rings and a set reading both rings. */
    private interface TwoRings {
        void run(Program p, RingBufSet set) throws Exception;
    }

    /** Runs {@code body} on a fresh two-slot array whose slots hold a ring each, closing everything after. */
    private static void withTwoRings(TwoRings body) throws Exception {
        try (BpfMap template = BpfMap.create(MapSpec.ringBuffer("test_rbtmpl", 1 << 16));
                BpfMap outer = BpfMap.createOuter("test_rbarray", 2, template);
                BpfMap r0 = BpfMap.create(MapSpec.ringBuffer("test_rb0", 1 << 16));
                BpfMap r1 = BpfMap.create(MapSpec.ringBuffer("test_rb1", 1 << 16))) {
            outer.setInner(0, r0);
            outer.setInner(1, r1);
            try (Program p = Program.load(ProgramSpec.of("rb_array", ProgramType.RAW_TRACEPOINT, program(outer)));
                    RingBufSet set = new RingBufSet(List.of(new RingBufReader(r0), new RingBufReader(r1)), 0)) {
                body.run(p, set);
            }
        }
    }

    @Test
    void anArrayOfMapsNeedsATemplateAndTakesOnlyMapsOfItsType() {
        assertThrows(IllegalArgumentException.class,
                () -> BpfMap.create(MapSpec.of("test_outer", MapType.ARRAY_OF_MAPS, 4, 4, 2)));
        try (BpfMap template = BpfMap.create(MapSpec.ringBuffer("test_rbtmpl", 1 << 16));
                BpfMap outer = BpfMap.createOuter("test_rbarray", 2, template);
                BpfMap other = BpfMap.create(MapSpec.of("test_array", MapType.ARRAY, 4, 8, 1))) {
            // the kernel compares the inner map's type with the template's (bpf_map_meta_equal)
            assertThrows(BpfException.class, () -> outer.setInner(0, other));
        }
    }
}
