package io.boxscope.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link RingBufReader#countRecords}: the records a drain to the stop leaves below the noted producer position, which
 * {@link RingBufSet#drainToNow} counts as left. A record still reserved (BPF_RINGBUF_BUSY_BIT) ends a drain, and the
 * submitted ones behind it wait for it; before, neither it nor they were counted. A BPF program cannot leave a
 * record reserved (the verifier makes it submit or discard), so the ring is a plain segment laid out as the kernel
 * lays one out (kernel/bpf/ringbuf.c: an 8-byte header, its u32 length with the busy and discard bits, data padded
 * to 8 bytes).
 */
class RingBufCountTest {
    private static final int SIZE = 256;

    /** Writes a header at {@code pos} for a {@code payload}-byte record with {@code bits}; returns the next position. */
    private static long put(MemorySegment ring, long pos, int payload, int bits) {
        ring.set(ValueLayout.JAVA_INT, pos & (SIZE - 1), payload | bits);
        return pos + ((payload + RingBufReader.HEADER + 7) & ~7L);
    }

    @Test
    void aBusyRecordAndTheSubmittedOnesBehindItAreCounted() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ring = a.allocate(2 * SIZE, 8); // the kernel maps the data area twice
            long cons = 200; // wraps below: positions grow, offsets are taken & mask
            long p = put(ring, cons, 12, RingBufReader.BUSY);      // still being written at the stop
            p = put(ring, p, 5, 0);                                 // submitted behind it
            p = put(ring, p, 3, RingBufReader.DISCARD);             // discarded: no record
            p = put(ring, p, 40, 0);                                // submitted, across the wrap
            long cap = p;
            put(ring, p, 8, 0);                                     // written after the noted position
            assertEquals(3, RingBufReader.countRecords(ring, SIZE - 1, cons, cap));
            assertEquals(0, RingBufReader.countRecords(ring, SIZE - 1, cap, cap), "nothing left");
            // a position noted while a record was being reserved: a length past the cap ends the count
            assertEquals(2, RingBufReader.countRecords(ring, SIZE - 1, cons, cap - 8));
        }
    }
}
