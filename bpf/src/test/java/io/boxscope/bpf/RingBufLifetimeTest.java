package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * What a handler may and may not do with a record: records are read-only views of the kernel's read-only
 * mapping, valid only during the handler call; drains take a budget; close works from a handler and from
 * another thread. The ring is filled by {@link RingBufTest#fill} run with BPF_PROG_TEST_RUN.
 */
@KernelTest
class RingBufLifetimeTest {
    private static final long KEY = 0x1234_5678_9abc_def0L;

    /** Fills a fresh 64 KiB ring with {@code n} records seq 0..n-1 and runs {@code body} on it. */
    private static void withFilledRing(int n, java.util.function.Consumer<RingBufReader> body) {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("test_life", 1 << 16));
                Program p = Program.load(ProgramSpec.of("rb_life", ProgramType.RAW_TRACEPOINT, RingBufTest.fill(ring, KEY)));
                RingBufReader r = new RingBufReader(ring)) {
            assertEquals(n, p.run(0, n));
            body.accept(r);
        }
    }

    @Test
    void aHandlerThatWritesGetsAnExceptionNotACrash() {
        withFilledRing(3, r -> {
            List<RuntimeException> errors = new ArrayList<>();
            int n = r.drain(rec -> {
                assertTrue(rec.isReadOnly());
                errors.add(assertThrows(RuntimeException.class, () -> rec.set(ValueLayout.JAVA_LONG, 0, 42L)));
            });
            assertEquals(3, n);
            assertEquals(3, errors.size());
            assertEquals(0, r.pending());
        });
    }

    @Test
    void aRecordKeptAfterItsCallCannotBeRead() {
        withFilledRing(2, r -> {
            List<MemorySegment> kept = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            r.drain(rec -> {
                seen.add(rec.get(ValueLayout.JAVA_LONG, 0));
                kept.add(rec);
            });
            assertEquals(List.of(0L, 1L), seen);
            for (MemorySegment m : kept) {
                assertThrows(IllegalStateException.class, () -> m.get(ValueLayout.JAVA_LONG, 0));
            }
        });
    }

    @Test
    void aRecordUsedFromAnotherThreadDuringTheCallIsRefused() {
        withFilledRing(1, r -> r.drain(rec -> {
            AtomicReference<Throwable> t = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    rec.get(ValueLayout.JAVA_LONG, 0);
                } catch (Throwable e) {
                    t.set(e);
                }
            });
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertTrue(t.get() instanceof WrongThreadException, String.valueOf(t.get()));
        }));
    }

    @Test
    void aBudgetBoundsEachDrainAndNothingIsLostBetweenDrains() {
        withFilledRing(1000, r -> {
            List<Long> seqs = new ArrayList<>();
            RingBufReader.Handler h = rec -> seqs.add(rec.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(100, r.drain(h, 100));
            assertEquals(900L * 24, r.pending());
            assertEquals(0, r.drain(h, 0));
            int rounds = 0;
            while (r.drain(h, 300) > 0) {
                rounds++;
            }
            assertEquals(3, rounds, "900 records in drains of at most 300");
            assertEquals(1000, seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i));
            }
            assertThrows(IllegalArgumentException.class, () -> r.drain(h, -1));
        });
    }

    @Test
    void aThrowingHandlerStopsAfterItsRecordWhichCountsAsConsumed() {
        withFilledRing(5, r -> {
            List<Long> seqs = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> r.drain(rec -> {
                seqs.add(rec.get(ValueLayout.JAVA_LONG, 0));
                if (seqs.size() == 2) {
                    throw new IllegalStateException("handler failed");
                }
            }));
            r.drain(rec -> seqs.add(rec.get(ValueLayout.JAVA_LONG, 0)));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seqs);
        });
    }

    @Test
    void closeFromAHandlerEndsTheDrainAfterThatRecord() {
        withFilledRing(10, r -> {
            int[] calls = {0};
            int n = r.drain(rec -> {
                calls[0]++;
                r.close();
                assertEquals(0L, rec.get(ValueLayout.JAVA_LONG, 0), "the current record stays readable");
            });
            assertEquals(1, n);
            assertEquals(1, calls[0]);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.drain(rec -> {}));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        });
    }

    /** close() from another thread waits for the handler that is running, then the drain ends. */
    @Test
    void closeFromAnotherThreadWaitsForTheRunningHandler() throws Exception {
        withFilledRing(10, r -> {
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> closer = new AtomicReference<>();
            int[] n = {-1};
            Thread drainer = Thread.ofPlatform().start(() -> n[0] = r.drain(rec -> {
                inHandler.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                rec.get(ValueLayout.JAVA_LONG, 0); // still mapped: close waits for us
            }));
            try {
                assertTrue(inHandler.await(10, TimeUnit.SECONDS));
                Thread c = Thread.ofPlatform().start(() -> {
                    try {
                        r.close();
                    } catch (Throwable t) {
                        closer.set(t);
                    }
                });
                while (c.getState() != Thread.State.WAITING && c.isAlive()) {
                    Thread.onSpinWait();
                }
                release.countDown();
                drainer.join(10_000);
                c.join(10_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(1, n[0], "the drain ends after the record whose handler was running");
            assertEquals(null, closer.get());
            assertThrows(IllegalStateException.class, r::pending);
        });
    }
}
