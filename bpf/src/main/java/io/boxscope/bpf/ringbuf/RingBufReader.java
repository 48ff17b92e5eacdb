package io.boxscope.bpf.ringbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.sys.Sys;

/**
 * Consumer side of a BPF ring buffer map (Documentation/bpf/ringbuf.rst). Maps the consumer page
 * read-write and the producer page plus the data area (mapped twice back to back by the kernel, so a
 * record that wraps is still contiguous) read-only, and hands out zero-copy {@link MemorySegment}
 * views (read-only, each scoped to its handler call). No epoll and no per-record wakeups: programs submit with {@link #BPF_RB_NO_WAKEUP} and
 * {@link #poll} checks the producer position with sleeps that grow while the ring is idle. Not
 * thread-safe for consuming (one consumer thread per ring); {@link #close} may come from any thread.
 */
@SuppressWarnings("restricted") // reinterpret of the kernel's mmap'd ring: sized by the map, checked at creation
public final class RingBufReader implements AutoCloseable {
    /** Flag for bpf_ringbuf_submit/output: do not wake up a waiting consumer (we poll). */
    public static final int BPF_RB_NO_WAKEUP = 1;
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    static final int HEADER = 8;
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final long MIN_SLEEP_NS = 20_000;
    static final long MAX_SLEEP_NS = 10_000_000;

    private final BpfMap map;
    private final long page;
    final long size;
    final long mask;
    private final long consumerAddr;
    private final long producerAddr;
    final MemorySegment consumer;
    final MemorySegment producer;
    final MemorySegment data;
    long records;
    long discarded;
    /** System.nanoTime() of the last drain that handed out records ({@link #pollAvailable}'s linger). */
    private long lastDelivery = System.nanoTime() - MAX_SLEEP_NS;
    final ReentrantLock lock = new ReentrantLock();
    volatile boolean closeRequested;
    boolean draining;
    private boolean unmapped;

    /**
     * Receives one record: a read-only view valid only during the call, on the calling thread (copy what
     * you keep, e.g. {@code record.toArray(ValueLayout.JAVA_BYTE)}).
     */
    @FunctionalInterface
    public interface Handler {
        void onRecord(MemorySegment record);
    }

    public RingBufReader(BpfMap map) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException(map + " is not a ring buffer");
        }
        this.map = map;
        this.page = Sys.pageSize();
        this.size = map.spec().maxEntries();
        this.mask = size - 1;
        String op = "mmap ring buffer " + map.spec().name();
        consumerAddr = Sys.mmapShared(op, map.fd(), page, 0x1 | 0x2, 0);
        try {
            producerAddr = Sys.mmapShared(op, map.fd(), page + 2 * size, 0x1, page);
        } catch (BpfException e) {
            Sys.munmap(consumerAddr, page);
            throw e;
        }
        consumer = MemorySegment.ofAddress(consumerAddr).reinterpret(page);
        producer = MemorySegment.ofAddress(producerAddr).reinterpret(page + 2 * size);
        data = producer.asSlice(page, 2 * size);
    }

    /**
     * Consumes the records available now (the producer position is read once, so a ring that is refilled
     * as fast as it drains still ends the call); returns how many were handed to {@code h}.
     */
    public int drain(Handler h) {
        return drain(h, Integer.MAX_VALUE);
    }

    /**
     * Consumes at most {@code budget} of the records available now and returns how many were handed to
     * {@code h}. Each record is a <em>read-only</em> view scoped to its {@link Handler#onRecord} call: a
     * write throws instead of faulting on the read-only mapping, and a view kept past the call (or used from
     * another thread) throws {@link IllegalStateException} (or {@link WrongThreadException}) instead of
     * reading whatever the producer wrote there since. Copy what you keep. A handler that throws stops the
     * drain after its record, which counts as consumed. {@link #close} from a handler, or from another thread,
     * ends the drain after the current record; the mapping is released only once no record view is live.
     */
    public int drain(Handler h, int budget) {
        return locked(h, budget, false);
    }

    /**
     * The records between the consumer position and {@code cap} (a producer position noted earlier), submitted or
     * still reserved, that a drain did not hand on: a record still being written (BPF_RINGBUF_BUSY_BIT) ends a drain,
     * and the submitted records behind it wait for it. Read only, nothing consumed; 0 when closed.
     */
    public long recordsBefore(long cap) {
        lock.lock();
        try {
            if (closeRequested || unmapped) {
                return 0;
            }
            return countRecords(data, mask, (long) LONG.getAcquire(consumer, 0L), cap);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts the records of the ring {@code data} (positions taken {@code & mask}) from position {@code cons} up to
     * {@code cap}: each record's header gives its length whether it is submitted or still reserved (the kernel's
     * bpf_ringbuf_reserve writes {@code len | BPF_RINGBUF_BUSY_BIT} before handing the space out,
     * kernel/bpf/ringbuf.c), so the walk crosses a busy record; discarded ones are not records. A length that would
     * pass {@code cap} ends the count (the position was noted while a record was being reserved).
     */
    static long countRecords(MemorySegment data, long mask, long cons, long cap) {
        long n = 0;
        while (cons < cap) {
            int len = (int) INT.getAcquire(data, cons & mask);
            long step = ((len & ~(BUSY | DISCARD)) + HEADER + 7) & ~7L;
            if (cons + step > cap) {
                break;
            }
            if ((len & DISCARD) == 0) {
                n++;
            }
            cons += step;
        }
        return n;
    }

    /** Runs one drain under the lock, marked as draining so that a concurrent {@link #close} waits. */
    private int locked(Handler h, int budget, boolean batch) {
        if (budget < 0) {
            throw new IllegalArgumentException("drain budget " + budget + " is negative");
        }
        lock.lock();
        try {
            ensureOpen();
            draining = true;
            try {
                return drainLocked(h, budget, batch);
            } finally {
                draining = false;
                if (closeRequested) {
                    unmap();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #drain(Handler, int)} for consumers that must keep up with a fast producer: the records of the
     * batch share one confined scope (views stay valid until this call returns, not past it) and the
     * consumer position is published once, after that scope has closed, instead of after every record, so
     * the per-record cost is a slice and the handler. The producer gets the batch's space back only at the
     * end: keep {@code budget} well below the ring's capacity in records.
     */
    public int drainBatch(Handler h, int budget) {
        return locked(h, budget, true);
    }

    /** {@link #poll(Handler, Duration, int)} draining with {@link #drainBatch}. */
    public int pollBatch(Handler h, Duration timeout, int budget) throws InterruptedException {
        return pollWith(h, timeout, budget, true);
    }

    /**
     * Waits up to {@code timeout} for records and consumes every record available, in batches of at most
     * {@code batch} ({@link #drainBatch}: one scope and one consumer-position update a batch), draining
     * again while a batch came back full, up to {@code max} records in all (so that a producer that
     * refills the ring as fast as it drains still lets the caller act on a stop request); returns how many.
     *
     * <p>The wake-up: when the last call handed out records less than {@code linger} ago and the ring
     * is less than a quarter full, this first sleeps out the rest of {@code linger}, so that a steady
     * stream of records is read in batches of one linger's worth instead of one wake-up (and everything
     * the caller does per wake-up: flushing its output, reading counters) for every record or two.
     * A quarter of the ring left for one linger is the margin: the producer would have to fill three
     * quarters of the ring within {@code linger} for a record to be dropped because of it.
     */
    public int pollAvailable(Handler h, Duration timeout, Duration linger, int batch, int max) throws InterruptedException {
        if (batch <= 0 || max <= 0) {
            throw new IllegalArgumentException("batch " + batch + " and max " + max + " must be positive");
        }
        long start = System.nanoTime();
        long wait = lastDelivery + linger.toNanos() - start;
        if (wait > 0 && pending() < size / 4) {
            Thread.sleep(Duration.ofNanos(Math.min(wait, Math.max(0, timeout.toNanos()))));
        }
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        int n = pollWith(h, left.isNegative() ? Duration.ZERO : left, Math.min(batch, max), true);
        int total = n;
        while (n == batch && total < max && !closeRequested) {
            n = locked(h, Math.min(batch, max - total), true);
            total += n;
        }
        if (total > 0) {
            lastDelivery = System.nanoTime();
        }
        return total;
    }

    /**
     * Walks the records available now. One by one: each view has its own scope and the consumer position
     * is published after each record. In a batch: one scope for all views, closed before the position is
     * published once at the end, so no view can see space the producer has been given back.
     */
    private int drainLocked(Handler h, int budget, boolean batch) {
        long cons = (long) LONG.getAcquire(consumer, 0L);
        long prod = (long) LONG.getAcquire(producer, 0L);
        int n = 0;
        Arena scope = batch ? Arena.ofConfined() : null;
        try {
            MemorySegment view = batch ? data.reinterpret(scope, null).asReadOnly() : null;
            while (cons < prod && n < budget && !closeRequested) {
                long off = cons & mask;
                int len = (int) INT.getAcquire(data, off);
                if ((len & BUSY) != 0) {
                    break; // reserved but not yet submitted: records after it wait for it (ordering)
                }
                int payload = len & ~(BUSY | DISCARD);
                cons += (payload + HEADER + 7) & ~7L;
                if ((len & DISCARD) != 0) {
                    discarded++;
                    if (!batch) {
                        LONG.setRelease(consumer, 0L, cons);
                    }
                    continue;
                }
                n++;
                records++;
                if (batch) {
                    h.onRecord(view.asSlice(off + HEADER, payload)); // a handler that throws: its record counts as consumed
                    continue;
                }
                try (Arena call = Arena.ofConfined()) {
                    h.onRecord(data.asSlice(off + HEADER, payload).reinterpret(call, null).asReadOnly());
                } finally {
                    // published even when the handler throws: that record was handed over and is not redelivered
                    LONG.setRelease(consumer, 0L, cons);
                }
            }
        } finally {
            if (batch) {
                scope.close(); // every view of this batch dies before its space goes back to the producer
                LONG.setRelease(consumer, 0L, cons);
            }
        }
        return n;
    }

    /**
     * Waits up to {@code timeout} for records and consumes them; returns how many. Sleeps start at
     * 20 µs and double up to 10 ms while the ring stays empty, so an idle reader costs little CPU and a
     * busy one drains in batches without a wakeup per record.
     */
    public int poll(Handler h, Duration timeout) throws InterruptedException {
        return poll(h, timeout, Integer.MAX_VALUE);
    }

    /** {@link #poll(Handler, Duration)} consuming at most {@code budget} records (see {@link #drain(Handler, int)}). */
    public int poll(Handler h, Duration timeout, int budget) throws InterruptedException {
        return pollWith(h, timeout, budget, false);
    }

    private int pollWith(Handler h, Duration timeout, int budget, boolean batch) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = MIN_SLEEP_NS;
        while (true) {
            int n = locked(h, budget, batch);
            if (n > 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closeRequested) {
                return 0;
            }
            long s = Math.min(sleep, left);
            Thread.sleep(Duration.ofNanos(s));
            sleep = Math.min(sleep * 2, MAX_SLEEP_NS);
        }
    }

    /** Bytes produced but not yet consumed. */
    public long pending() {
        lock.lock();
        try {
            ensureOpen();
            return (long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L);
        } finally {
            lock.unlock();
        }
    }

    /** Records handed to handlers so far. */
    public long records() {
        return records;
    }

    /** Records the program discarded (bpf_ringbuf_discard), skipped by the reader. */
    public long discarded() {
        return discarded;
    }

    public BpfMap map() {
        return map;
    }

    void ensureOpen() {
        if (closeRequested) {
            throw new IllegalStateException("ring buffer reader for " + map.spec().name() + " is closed");
        }
    }

    /**
     * Unmaps the ring; the map itself stays open (close it separately). Safe from a handler (the drain stops
     * after that record) and from another thread (waits for the running drain's current record, at most one
     * handler call, then unmaps).
     */
    @Override
    public void close() {
        closeRequested = true;
        lock.lock();
        try {
            if (!draining) {
                unmap();
            }
        } finally {
            lock.unlock();
        }
    }

    void unmap() {
        if (!unmapped) {
            unmapped = true;
            Sys.munmap(producerAddr, page + 2 * size);
            Sys.munmap(consumerAddr, page);
        }
    }
}
