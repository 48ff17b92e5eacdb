package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.lang.sema.SpecialKind;
import io.boxscope.probe.output.Value;
import org.junit.jupiter.api.Test;

/**
 * The {@code container} builtin's names: a scan of the runtimes (here a map the test controls, and a clock it
 * moves) answers for unknown cgroup ids for {@link ValueDecoder#RESCAN_NS}; misses are counted, not remembered.
 */
class ContainerNameTest {
    private final Map<Long, String> running = new HashMap<>();
    private final AtomicInteger scans = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final ValueDecoder decoder = new ValueDecoder(List.of(), List.of(), null, () -> {
        scans.incrementAndGet();
        return Map.copyOf(running);
    }, now::get);

    private String name(long cgroupId) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (cgroupId >>> (8 * i));
        }
        return ((Value.Str) decoder.decode(new SType.Special(SpecialKind.CONTAINER), b, 0, false)).text();
    }

    @Test
    void manyUnknownCgroupsCostOneScanASecond() {
        running.put(7L, "web");
        assertEquals("web", name(7));
        for (long id = 1000; id < 1100; id++) {
            assertEquals(Long.toString(id), name(id));
        }
        assertEquals(1, scans.get(), "one scan for the first lookup, none for 100 unknown ids within the second");
        assertEquals(100, decoder.containerMisses());
        now.addAndGet(ValueDecoder.RESCAN_NS);
        assertEquals("1000", name(1000));
        assertEquals(2, scans.get(), "a second later an unknown id scans again");
        assertEquals(2, decoder.containerScans());
    }

    @Test
    void aContainerStartedAfterItsCgroupWasSeenIsNamedOnceAScanKnowsIt() {
        assertEquals("42", name(42));
        running.put(42L, "late");
        now.addAndGet(ValueDecoder.RESCAN_NS / 2);
        assertEquals("42", name(42)); // the last scan is half a second old: still a miss, no scan
        assertEquals(1, scans.get());
        now.addAndGet(ValueDecoder.RESCAN_NS / 2);
        assertEquals("late", name(42));
        assertEquals("late", name(42)); // known now: no scan
        assertEquals(2, scans.get());
        assertEquals(2, decoder.containerMisses());
    }
}
