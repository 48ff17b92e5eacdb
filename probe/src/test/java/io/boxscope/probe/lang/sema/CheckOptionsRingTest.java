package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer size a program is compiled with: bpftrace's BPFTRACE_PERF_RB_PAGES (pages per CPU of a
 * perf buffer) becomes one shared ring of the same total, rounded up to a power of two as the kernel's
 * BPF_MAP_TYPE_RINGBUF requires; sizes that are no power of two or too large are refused.
 */
class CheckOptionsRingTest {
    @Test
    void pagesPerCpuToOneRing() {
        assertEquals(512 << 10, CheckOptions.ringBytesForPages(64, 2, 4096), "bpftrace's default on 2 CPUs");
        assertEquals(4 << 20, CheckOptions.ringBytesForPages(512, 2, 4096));
        assertEquals(8 << 20, CheckOptions.ringBytesForPages(1024, 2, 4096));
        assertEquals(4 << 20, CheckOptions.ringBytesForPages(64, 12, 4096), "3 MiB rounded up");
        assertEquals(4096, CheckOptions.ringBytesForPages(1, 1, 4096));
        assertEquals(1 << 20, CheckOptions.ringBytesForPages(16, 1, 65536), "64 KiB pages");
        assertThrows(IllegalArgumentException.class, () -> CheckOptions.ringBytesForPages(0, 2, 4096));
        assertThrows(IllegalArgumentException.class, () -> CheckOptions.ringBytesForPages(1L << 20, 2, 4096));
        assertThrows(IllegalArgumentException.class, () -> CheckOptions.ringBytesForPages(Long.MAX_VALUE, 64, 4096));
    }

    @Test
    void ringSizeChecked() {
        CheckOptions o = CheckOptions.defaults();
        assertEquals(CheckOptions.DEFAULT_RING_BYTES, o.ringBytes());
        assertEquals(8 << 20, o.withRingBytes(8 << 20).ringBytes());
        assertEquals(7, o.withPid(7).withRingBytes(8 << 20).pid(), "the other options are kept");
        assertThrows(IllegalArgumentException.class, () -> o.withRingBytes(3 << 20));
        assertThrows(IllegalArgumentException.class, () -> o.withRingBytes(2048));
        assertThrows(IllegalArgumentException.class, () -> new CheckOptions(false, List.of(), 64, 4096, 0, Integer.MIN_VALUE));
    }
}
