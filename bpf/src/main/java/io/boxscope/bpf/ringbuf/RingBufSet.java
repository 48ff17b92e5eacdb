package io.boxscope.bpf.ringbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;

/**
 * One consumer over one or several ring buffers, typically one per CPU (the inner maps of an array of maps that the
 * programs index by {@code bpf_get_smp_processor_id()}), handing out their records merged by a u64 key every record
 * carries at the same offset (a timestamp). Each ring is in the order its CPU reserved; across rings the merge picks,
 * record by record, the ring whose first record has the smallest key, and re-reads the producer position of a ring
 * it found empty before each pick: the way libs' modern probe consumes its per-CPU rings (falcosecurity/libs
 * userspace/libpman/src/ringbuffer.c, ringbuf__consume_first_event: the first event of every buffer, the lowest
 * timestamp wins, a buffer whose consumer reached its producer re-reads the producer). So the order is by time among
 * what is in the rings at each pick; a record reserved but not yet submitted holds back its ring, and a record that
 * lands in a ring after a later one from another ring was handed out comes after it (as in libpman, no wait for a
 * watermark). With one ring every call is the {@link RingBufReader}'s own. Records and views follow
 * {@link RingBufReader#drainBatch}: read-only, valid until the call returns; consumer positions are published once per
 * batch, after the views' scope has closed. Not thread-safe for consuming; {@link #close} closes every reader.
 */
public final class RingBufSet implements AutoCloseable {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private final RingBufReader[] rings;
    private final int keyOffset;
    private long lastDelivery = System.nanoTime() - RingBufReader.MAX_SLEEP_NS;

    /**
     * @param rings     the readers, each consumed only through this set from now on
     * @param keyOffset where in each record the u64 merge key sits (host order); a record too short to hold it sorts
     *                  first
     */
    public RingBufSet(List<RingBufReader> rings, int keyOffset) {
        if (rings.isEmpty()) {
            throw new IllegalArgumentException("a ring buffer set needs at least one ring");
        }
        if (keyOffset < 0) {
            throw new IllegalArgumentException("key offset " + keyOffset + " is negative");
        }
        this.rings = rings.toArray(RingBufReader[]::new);
        this.keyOffset = keyOffset;
    }

    /** How many rings. */
    public int size() {
        return rings.length;
    }

    /** The readers, in index order (per CPU: CPU i's ring at i). */
    public List<RingBufReader> rings() {
        return List.of(rings);
    }

    /** Consumes everything available now, merged; returns how many records were handed to {@code h}. */
    public int drain(RingBufReader.Handler h) {
        if (rings.length == 1) {
            return rings[0].drain(h);
        }
        int total = 0;
        for (int n; (n = merged(h, 4096, null)) > 0; ) {
            total += n;
        }
        return total;
    }

    /**
     * What {@link #drainToNow} did: {@code read} records handed on, and {@code left} records the rings held below the
     * noted producer positions that it could not hand on, because a record before them in their ring was still being
     * written (reserved, not yet submitted: the ring's later records wait for it). Counted so that none is lost
     * silently.
     */
    public record ToNow(int read, long left) {}

    /**
     * Consumes, merged, the records the rings held when called and no more: each ring's producer position is noted
     * first and read up to it only, so a drain at a capture's stop ends even while the producers write faster than
     * {@code h} reads (a {@link #drain} re-reads the producers and, on such a host, never returns). The records
     * written after the call stay in the rings. A ring whose next record is still reserved ends its part of the
     * drain there: the records from it up to the noted position are counted in {@link ToNow#left}, not read.
     */
    public ToNow drainToNow(RingBufReader.Handler h) {
        long[] caps = producerPositions();
        int total = 0;
        if (rings.length == 1) {
            total = rings[0].drain(h); // reads its producer position once: the same bound, or a little later
        } else {
            for (int n; (n = merged(h, 4096, caps)) > 0; ) {
                total += n;
            }
        }
        return new ToNow(total, recordsBefore(caps));
    }

    /**
     * Each ring's producer position now, in index order: everything written into the rings up to now lies below them.
     * A mark for {@link #recordsBefore(long[])} (a caller that knows its producers are done, a traced process that has
     * exited, asks whether the consumer has read their records yet).
     */
    public long[] producerPositions() {
        long[] marks = new long[rings.length];
        for (int i = 0; i < rings.length; i++) {
            marks[i] = (long) RingBufReader.LONG.getAcquire(rings[i].producer, 0L);
        }
        return marks;
    }

    /**
     * The records below {@code marks} ({@link #producerPositions}) not consumed yet, all rings
     * ({@link RingBufReader#recordsBefore}): 0 once the consumer has handed on everything written before the marks
     * were taken. Read only; callable from another thread than the consumer's (each ring's lock is taken).
     */
    public long recordsBefore(long[] marks) {
        if (marks.length != rings.length) {
            throw new IllegalArgumentException(marks.length + " marks for " + rings.length + " rings");
        }
        long left = 0;
        for (int i = 0; i < rings.length; i++) {
            left += rings[i].recordsBefore(marks[i]);
        }
        return left;
    }

    /**
     * {@link RingBufReader#pollAvailable} over the set: the linger applies while every ring is less than a quarter
     * full; each batch is a merge of at most {@code batch} records from all rings.
     */
    public int pollAvailable(RingBufReader.Handler h, Duration timeout, Duration linger, int batch, int max)
            throws InterruptedException {
        if (rings.length == 1) {
            return rings[0].pollAvailable(h, timeout, linger, batch, max);
        }
        if (batch <= 0 || max <= 0) {
            throw new IllegalArgumentException("batch " + batch + " and max " + max + " must be positive");
        }
        long start = System.nanoTime();
        long wait = lastDelivery + linger.toNanos() - start;
        if (wait > 0 && !quarterFull()) {
            Thread.sleep(Duration.ofNanos(Math.min(wait, Math.max(0, timeout.toNanos()))));
        }
        long deadline = start + timeout.toNanos();
        long sleep = RingBufReader.MIN_SLEEP_NS;
        int want = Math.min(batch, max);
        int n;
        while ((n = merged(h, want, null)) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closing()) {
                return 0;
            }
            Thread.sleep(Duration.ofNanos(Math.min(sleep, left)));
            sleep = Math.min(sleep * 2, RingBufReader.MAX_SLEEP_NS);
        }
        int total = n;
        while (n == want && total < max && !closing()) {
            want = Math.min(batch, max - total);
            n = merged(h, want, null);
            total += n;
        }
        lastDelivery = System.nanoTime();
        return total;
    }

    private boolean quarterFull() {
        for (RingBufReader r : rings) {
            if (r.pending() >= r.size / 4) {
                return true;
            }
        }
        return false;
    }

    private boolean closing() {
        for (RingBufReader r : rings) {
            if (r.closeRequested) {
                return true;
            }
        }
        return false;
    }

    /** Bytes produced but not yet consumed, all rings. */
    public long pending() {
        long p = 0;
        for (RingBufReader r : rings) {
            p += r.pending();
        }
        return p;
    }

    /** Records handed out so far, all rings. */
    public long records() {
        long n = 0;
        for (RingBufReader r : rings) {
            n += r.records;
        }
        return n;
    }

    /**
     * One merged batch of at most {@code budget} records, every ring locked (in index order) for its length; with
     * {@code caps}, ring i is read up to producer position {@code caps[i]} at most.
     */
    private int merged(RingBufReader.Handler h, int budget, long[] caps) {
        int locked = 0;
        try {
            for (RingBufReader r : rings) {
                r.lock.lock();
                locked++;
                r.ensureOpen();
            }
            for (RingBufReader r : rings) {
                r.draining = true;
            }
            return mergedLocked(h, budget, caps);
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                RingBufReader r = rings[i];
                r.draining = false;
                if (r.closeRequested) {
                    r.unmap();
                }
                r.lock.unlock();
            }
        }
    }

    /** One ring's place in a merged batch: its positions, its view for the batch and its first record. */
    private static final class Cursor {
        final RingBufReader ring;
        final MemorySegment data;
        final MemorySegment producer;
        final long mask;
        MemorySegment view;
        long cons;
        long prod;
        long headKey;
        /** The producer position not to read past (a drain to the stop), else Long.MAX_VALUE. */
        long cap = Long.MAX_VALUE;
        /** Payload length of the ring's first record; -1: none known yet. */
        int headLen = -1;

        Cursor(RingBufReader ring) {
            this.ring = ring;
            this.data = ring.data;
            this.producer = ring.producer;
            this.mask = ring.mask;
        }
    }

    private int mergedLocked(RingBufReader.Handler h, int budget, long[] caps) {
        Cursor[] cs = new Cursor[rings.length];
        Arena scope = Arena.ofConfined();
        int n = 0;
        try {
            for (int i = 0; i < cs.length; i++) {
                Cursor c = new Cursor(rings[i]);
                c.cons = (long) RingBufReader.LONG.getAcquire(c.ring.consumer, 0L);
                c.cap = caps == null ? Long.MAX_VALUE : caps[i];
                c.prod = Math.min(c.cap, (long) RingBufReader.LONG.getAcquire(c.producer, 0L));
                c.view = c.data.reinterpret(scope, null).asReadOnly();
                cs[i] = c;
            }
            boolean closing = closing();
            while (n < budget && !closing) {
                Cursor best = null;
                for (Cursor c : cs) {
                    if ((c.headLen >= 0 || head(c)) && (best == null || c.headKey < best.headKey)) {
                        best = c;
                    }
                }
                if (best == null) {
                    break;
                }
                long off = best.cons & best.mask;
                int payload = best.headLen;
                best.cons += (payload + RingBufReader.HEADER + 7) & ~7L;
                best.headLen = -1;
                n++;
                best.ring.records++;
                h.onRecord(best.view.asSlice(off + RingBufReader.HEADER, payload)); // a throw: its record counts as consumed
                if ((n & 63) == 0) {
                    closing = closing();
                }
            }
        } finally {
            scope.close(); // every view dies before its space goes back to the producer
            for (Cursor c : cs) {
                if (c != null) {
                    RingBufReader.LONG.setRelease(c.ring.consumer, 0L, c.cons);
                }
            }
        }
        return n;
    }

    /**
     * Finds the ring's first submitted record (skipping discarded ones), re-reading the producer position when the
     * consumer has reached it; false when the ring is empty or its first record is still being written.
     */
    private boolean head(Cursor c) {
        while (true) {
            if (c.cons == c.prod) {
                c.prod = Math.min(c.cap, (long) RingBufReader.LONG.getAcquire(c.producer, 0L));
                if (c.cons == c.prod) {
                    return false;
                }
            }
            long off = c.cons & c.mask;
            int len = (int) RingBufReader.INT.getAcquire(c.data, off);
            if ((len & RingBufReader.BUSY) != 0) {
                return false; // reserved, not yet submitted: the ring's later records wait for it
            }
            int payload = len & ~(RingBufReader.BUSY | RingBufReader.DISCARD);
            if ((len & RingBufReader.DISCARD) != 0) {
                c.cons += (payload + RingBufReader.HEADER + 7) & ~7L;
                c.ring.discarded++;
                continue;
            }
            c.headLen = payload;
            c.headKey = payload >= keyOffset + 8 ? c.data.get(U64, off + RingBufReader.HEADER + keyOffset) : Long.MIN_VALUE;
            return true;
        }
    }

    /** Closes every reader (unmaps the rings; the maps stay open). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (RingBufReader r : rings) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
