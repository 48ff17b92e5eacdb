package io.boxscope.bpf.ringbuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.sys.Sys;

/**
 * Consumer side of a BPF ring buffer map (Documentation/bpf/ringbuf.rst). Maps the consumer page
 * read-write and the producer page plus the data area (mapped twice back to back by the kernel, so a
 * record that wraps is still contiguous) read-only, and hands out zero-copy {@link MemorySegment}
 * views. No epoll and no per-record wakeups: programs submit with {@link #BPF_RB_NO_WAKEUP} and
 * {@link #poll} checks the producer position with sleeps that grow while the ring is idle. Not
 * thread-safe: one consumer thread per ring.
 */
@SuppressWarnings("restricted") // reinterpret of the kernel's mmap'd ring: sized by the map, checked at creation
public final class RingBufReader implements AutoCloseable {
    /** Flag for bpf_ringbuf_submit/output: do not wake up a waiting consumer (we poll). */
    public static final int BPF_RB_NO_WAKEUP = 1;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long MIN_SLEEP_NS = 20_000;
    private static final long MAX_SLEEP_NS = 10_000_000;

    private final BpfMap map;
    private final long page;
    private final long size;
    private final long mask;
    private final long consumerAddr;
    private final long producerAddr;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private long records;
    private long discarded;
    private boolean closed;

    /** Receives one record; the view is valid only during the call (copy what you keep). */
    @FunctionalInterface
    public interface Handler {
        void onRecord(MemorySegment record);
    }

    public RingBufReader(BpfMap map) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException(map + " is not a ring buffer");
        }
        this.map = map;
        this.page = pageSize();
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

    private static long pageSize() {
        // getpagesize(2) is not a syscall on x86_64; sysconf needs libc. The auxv is the ground truth.
        try {
            byte[] auxv = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/auxv"));
            MemorySegment m = MemorySegment.ofArray(auxv);
            for (long o = 0; o + 16 <= auxv.length; o += 16) {
                if (m.get(ValueLayout.JAVA_LONG_UNALIGNED, o) == 6 /* AT_PAGESZ */) {
                    return m.get(ValueLayout.JAVA_LONG_UNALIGNED, o + 8);
                }
            }
        } catch (java.io.IOException e) {
            throw new BpfException("read the page size from /proc/self/auxv", Errno.ENOENT.number(),
                    e.getMessage() + "; the ring buffer's layout depends on it: is /proc mounted?");
        }
        throw new BpfException("read the page size from /proc/self/auxv", Errno.ENOENT.number(),
                "no AT_PAGESZ entry; the ring buffer's layout depends on it");
    }

    /** Consumes every record available now; returns how many were handed to {@code h}. */
    public int drain(Handler h) {
        ensureOpen();
        long cons = (long) LONG.getAcquire(consumer, 0L);
        int n = 0;
        while (true) {
            long prod = (long) LONG.getAcquire(producer, 0L);
            if (cons >= prod) {
                break;
            }
            while (cons < prod) {
                long off = cons & mask;
                int len = (int) INT.getAcquire(data, off);
                if ((len & BUSY) != 0) {
                    // reserved but not yet submitted: stop here, records after it wait for it (ordering)
                    LONG.setRelease(consumer, 0L, cons);
                    return n;
                }
                int payload = len & ~(BUSY | DISCARD);
                long total = (payload + HEADER + 7) & ~7L;
                if ((len & DISCARD) == 0) {
                    h.onRecord(data.asSlice(off + HEADER, payload));
                    n++;
                    records++;
                } else {
                    discarded++;
                }
                cons += total;
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
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = MIN_SLEEP_NS;
        while (true) {
            int n = drain(h);
            if (n > 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            long s = Math.min(sleep, left);
            Thread.sleep(Duration.ofNanos(s));
            sleep = Math.min(sleep * 2, MAX_SLEEP_NS);
        }
    }

    /** Bytes produced but not yet consumed. */
    public long pending() {
        return (long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L);
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

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring buffer reader for " + map.spec().name() + " is closed");
        }
    }

    /** Unmaps the ring; the map itself stays open (close it separately). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.munmap(producerAddr, page + 2 * size);
            Sys.munmap(consumerAddr, page);
        }
    }
}
