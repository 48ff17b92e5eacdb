package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.CounterDeltas;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.map.TypedMap;
import io.boxscope.bpf.map.TypedMap.Codec;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

@KernelTest
class MapTest {
    @ParameterizedTest
    @EnumSource(names = {"HASH", "PERCPU_HASH", "LRU_HASH", "LRU_PERCPU_HASH"})
    void hashMapsUpdateLookupDeleteAndIterate(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_" + type, type, 4, 8, 64))) {
            TypedMap<Integer, Long> t = m.typed(Codec.U32, Codec.U64);
            for (int i = 0; i < 40; i++) {
                t.put(i, i * 10L);
            }
            long mult = type.perCpu() ? Cpus.possible() : 1; // a plain value is written to every CPU
            assertEquals(70L * mult, t.get(7));
            assertNull(t.get(1000));
            assertTrue(t.remove(7));
            assertFalse(t.remove(7));
            Map<Integer, Long> all = t.entries();
            assertEquals(39, all.size());
            assertEquals(390L * mult, all.get(39));
            assertEquals(39, m.keys().size());
            assertThrows(BpfException.class, () -> m.update(Codec.U32.encode(1), Codec.U64.encode(1L), BpfMap.NOEXIST));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"ARRAY", "PERCPU_ARRAY"})
    void arraysHoldEveryIndex(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_arr", type, 4, 8, 8))) {
            TypedMap<Integer, Long> t = m.typed(Codec.U32, Codec.U64);
            assertEquals(0L, t.get(3));
            t.put(3, 5L);
            assertEquals(8, t.entries().size());
            assertEquals(type.perCpu() ? 5L * Cpus.possible() : 5L, t.get(3));
            if (type.perCpu()) {
                byte[] raw = m.lookup(Codec.U32.encode(3));
                assertEquals(8 * Cpus.possible(), raw.length);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"HASH", "PERCPU_HASH"})
    void takeAllEmptiesTheMapInOneWalk(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_take", type, 4, 8, 128))) {
            TypedMap<Integer, Long> t = m.typed(Codec.U32, Codec.U64);
            for (int i = 0; i < 100; i++) {
                t.put(i, 1L);
            }
            var taken = m.takeAll();
            assertEquals(100, taken.size());
            assertEquals(type.perCpu() ? Cpus.possible() : 1L, m.sumLong(taken.get(0).value()));
            assertTrue(m.keys().isEmpty());
            assertTrue(m.takeAll().isEmpty());
            assertEquals(0, m.nonAtomicTakes(), "this kernel has BPF_MAP_LOOKUP_AND_DELETE_BATCH for " + type);
        }
    }

    /**
     * A per-CPU array of u32: CPU c holds c + 1 (written as the whole per-CPU buffer), so the typed read must
     * be 1 + 2 + ... + possible CPUs. It used to sum u64 words only (4 / 8 = none) and return CPU 0's value.
     */
    @Test
    void typedPerCpuU32ValuesAreSummedOverEveryCpu() {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_u32sum", MapType.PERCPU_ARRAY, 4, 4, 1))) {
            int cpus = Cpus.possible();
            byte[] all = new byte[m.valueBufferSize()];
            java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofArray(all);
            int expected = 0;
            for (int c = 0; c < cpus; c++) {
                seg.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, (long) c * m.perCpuStride(), c + 1);
                expected += c + 1;
            }
            m.update(new byte[4], all, BpfMap.ANY);
            TypedMap<Integer, Integer> t = m.typed(Codec.U32, Codec.U32);
            assertEquals(expected, t.get(0));
            assertEquals(Map.of(0, expected), t.entries());
        }
    }

    /**
     * A program adds 1 per openat of a helper thread while this thread reads deltas as fast as it can: the deltas
     * add up to exactly the calls made (nothing is deleted, so no add can be lost), on a per-CPU hash.
     */
    @Test
    void counterDeltasLoseNothingUnderConcurrentUpdates() throws Exception {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_delta", MapType.PERCPU_HASH, 4, 8, 16))) {
            int[] tid = {0};
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            int calls = 20_000;
            Thread worker = Thread.ofPlatform().start(() -> {
                tid[0] = io.boxscope.bpf.sys.Sys.gettid();
                started.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                Counting.openatMissing(calls);
            });
            started.await();
            io.boxscope.bpf.asm.Asm a = new io.boxscope.bpf.asm.Asm();
            io.boxscope.bpf.asm.Label out = a.newLabel("out");
            a.ldx(io.boxscope.bpf.asm.Size.DW, io.boxscope.bpf.asm.Reg.R1, io.boxscope.bpf.asm.Reg.R1, 40)
                    .jmp(io.boxscope.bpf.asm.JmpOp.JNE, io.boxscope.bpf.asm.Reg.R1, Counting.MAGIC_MODE, out);
            Counting.emitCountIf(a, m, tid[0], false, out);
            // emitCountIf looks up key 0; a per-CPU hash needs the key to exist
            m.update(new byte[4], new byte[8], BpfMap.ANY);
            long total = 0;
            int reads = 0;
            CounterDeltas d = new CounterDeltas(m, 1);
            try (io.boxscope.bpf.prog.Program p = io.boxscope.bpf.prog.Program.load(io.boxscope.bpf.prog.ProgramSpec.of(
                    "delta_openat", io.boxscope.bpf.prog.ProgramType.TRACEPOINT, a.build()));
                    io.boxscope.bpf.link.Link l = io.boxscope.bpf.link.Attach.tracepoint(p, "syscalls", "sys_enter_openat")) {
                go.countDown();
                while (worker.isAlive()) {
                    for (BpfMap.Entry e : d.next()) {
                        total += Codec.U64.decode(e.value()); // already summed over CPUs
                    }
                    reads++;
                }
                worker.join();
                for (BpfMap.Entry e : d.next()) {
                    total += Codec.U64.decode(e.value());
                }
            }
            assertEquals(calls, total, "sum of deltas over " + reads + " reads");
            assertTrue(d.next().isEmpty(), "nothing grew since");
        }
    }

    /**
     * lookupAndDelete on real hash maps: the value the key held comes back (every CPU's slot of a per-CPU map),
     * the key is gone, and a second call finds nothing. Where the kernel refuses BPF_MAP_LOOKUP_AND_DELETE_ELEM
     * (before 5.14) the fallback must give the same answers, only not atomically.
     */
    @ParameterizedTest
    @EnumSource(names = {"HASH", "PERCPU_HASH", "LRU_HASH", "LRU_PERCPU_HASH"})
    void lookupAndDeleteReturnsTheValueAndRemovesTheKey(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_lad_" + type, type, 4, 8, 16))) {
            TypedMap<Integer, Long> t = m.typed(Codec.U32, Codec.U64);
            t.put(1, 41L);
            t.put(2, 7L);
            BpfMap.Taken taken = m.lookupAndDelete(Codec.U32.encode(1));
            long mult = type.perCpu() ? Cpus.possible() : 1;
            assertEquals(41L * mult, m.sumLong(taken.value()));
            assertEquals(taken.atomic(), m.lookupAndDeleteWorks(), "atomic exactly when the kernel took the command");
            assertNull(t.get(1), "deleted");
            assertEquals(7L * mult, t.get(2), "the other key kept");
            assertNull(m.lookupAndDelete(Codec.U32.encode(1)), "absent: nothing to take");
            assertEquals(taken.atomic() ? 0 : 1, m.nonAtomicTakes());
        }
    }

    @Test
    void perCpuSumKeepsTrailingBytes() {
        try (BpfMap m = BpfMap.create(MapSpec.of("test_sum", MapType.PERCPU_HASH, 4, 20, 4))) {
            byte[] v = new byte[20];
            v[0] = 2;
            v[16] = 'x';
            m.update(new byte[4], v, BpfMap.ANY);
            byte[] sum = m.sumPerCpu(m.lookup(new byte[4]), 2);
            assertEquals(2 * Cpus.possible(), sum[0]);
            assertEquals('x', sum[16]);
        }
    }

    @Test
    void stackTraceMapAndIdsAndWrongSizes() {
        try (BpfMap s = BpfMap.create(MapSpec.stackTrace("test_stacks", 16, 32))) {
            assertNull(s.stack(1));
            assertTrue(s.id() > 0);
            assertThrows(IllegalArgumentException.class, () -> s.lookup(new byte[3]));
        }
        assertArrayEquals(new byte[] {'a', '_', 'b'}, BpfMap.kernelName("a-b"));
        assertEquals(15, BpfMap.kernelName("a_very_long_map_name_indeed").length);
    }
}
