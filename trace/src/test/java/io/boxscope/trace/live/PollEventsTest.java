package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link OtherEvents#pollEvents} against the two headers it converts between: the kernel's POLL* bits
 * (include/uapi/asm-generic/poll.h) and the driver's PPM_POLL* (driver/ppm_events_public.h), every 16-bit input.
 */
class PollEventsTest {
    /** Kernel bit to PPM bit, as the two headers define them; any other kernel bit has no PPM flag. */
    private static final Map<Integer, Integer> KERNEL_TO_PPM = Map.ofEntries(
            Map.entry(0x0001, 1 << 0), // POLLIN -> PPM_POLLIN
            Map.entry(0x0002, 1 << 1), // POLLPRI -> PPM_POLLPRI
            Map.entry(0x0004, 1 << 2), // POLLOUT -> PPM_POLLOUT
            Map.entry(0x2000, 1 << 3), // POLLRDHUP -> PPM_POLLRDHUP
            Map.entry(0x0008, 1 << 4), // POLLERR -> PPM_POLLERR
            Map.entry(0x0010, 1 << 5), // POLLHUP -> PPM_POLLHUP
            Map.entry(0x0020, 1 << 6), // POLLNVAL -> PPM_POLLNVAL
            Map.entry(0x0040, 1 << 7), // POLLRDNORM -> PPM_POLLRDNORM
            Map.entry(0x0080, 1 << 8), // POLLRDBAND -> PPM_POLLRDBAND
            Map.entry(0x0100, 1 << 9), // POLLWRNORM -> PPM_POLLWRNORM
            Map.entry(0x0200, 1 << 10)); // POLLWRBAND -> PPM_POLLWRBAND

    @Test
    void everyShortConvertsBitByBit() {
        for (int k = 0; k < 0x10000; k++) {
            int want = 0;
            for (var e : KERNEL_TO_PPM.entrySet()) {
                if ((k & e.getKey()) != 0) {
                    want |= e.getValue();
                }
            }
            assertEquals(want, OtherEvents.pollEvents(k), "kernel events 0x" + Integer.toHexString(k));
        }
    }

    @Test
    void aNegativeShortKeepsOnlyKnownBits() {
        // fdList passes the pollfd's short events sign-extended: bit 15 set must add nothing unknown
        assertEquals(1 | 1 << 3, OtherEvents.pollEvents((short) 0xa001));
    }
}
