package io.boxscope.trace.scap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The file side of a {@link ScapWriter}: full event buffers go to a thread of their own, which writes them to the
 * stream in the order they were handed over, so the thread that frames events (a live capture's ring drain) does
 * not wait for write(2), page cache copies or gzip. A live capture's drain that stalls on the file leaves the
 * kernel's ring filling; with this hand-off it only stalls when {@link #DEPTH} buffers are waiting, which is the
 * bound (no unbounded queue: a file slower than the capture for longer than that holds the drain back, and the
 * ring's drops, counted, say so).
 *
 * <p>Buffers are recycled: the drain gets back a buffer the thread has written, and at most {@code DEPTH + 1} exist
 * (one being filled). A failure of the stream is kept and thrown to the framing thread at its next hand-off,
 * {@link #sync} or {@link #close}; buffers handed over after a failure are recycled unwritten. The bytes are the
 * ones the synchronous path writes, in the same order: the stream sees the same sequence of writes.
 */
final class WriteBehind {
    /** Buffers waiting for the thread at most: 4 MiB of events with {@link ScapWriter#PENDING}'s 1 MiB. */
    static final int DEPTH = 4;
    /** Handed over to the thread to end it (never written). */
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final OutputStream out;
    private final int bufferBytes;
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread thread;
    private final Object lock = new Object();
    /** Buffers handed over (framing thread only) and written or discarded (under {@link #lock}). */
    private long handed;
    private long done;
    private IOException failure;
    private int allocated;

    WriteBehind(OutputStream out, int bufferBytes) {
        this.out = out;
        this.bufferBytes = bufferBytes;
        this.allocated = 1; // the writer's own pending buffer
        this.thread = Thread.ofPlatform().name("boxscope-scap-writer").daemon().unstarted(this::run);
        thread.start();
    }

    /**
     * Hands {@code filled} (its bytes from 0 to its position) to the thread, waiting while {@link #DEPTH} buffers
     * are queued. A buffer of another size than the pool's (one large event) is written and not recycled.
     */
    void enqueue(ByteBuffer filled) throws IOException {
        rethrow();
        filled.flip();
        try {
            full.put(filled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing events to the capture file's writer thread");
        }
        handed++;
    }

    /**
     * An empty pool buffer to go on framing into: a recycled one, a new one while fewer than {@code DEPTH + 1}
     * exist, or the next one the thread frees (waiting for it: the bound).
     */
    ByteBuffer next() throws IOException {
        ByteBuffer next = free.poll();
        if (next == null && allocated < DEPTH + 1) {
            allocated++;
            return ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            return next != null ? next : free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the capture file's writer thread");
        }
    }

    /**
     * Waits until every buffer handed over is written, then throws the stream's failure if there was one. After it
     * returns the thread is idle (waiting for the next buffer) and the caller may use the stream itself: the lock's
     * release and acquire order the thread's writes before the caller's.
     */
    void sync() throws IOException {
        synchronized (lock) {
            while (done < handed) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the capture file's writer thread");
                }
            }
        }
        rethrow();
    }

    /** {@link #sync}, then ends the thread (the stream is the caller's to finish and close). */
    void close() throws IOException {
        try {
            sync();
        } finally {
            try {
                full.put(END);
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void rethrow() throws IOException {
        synchronized (lock) {
            if (failure != null) {
                throw new IOException("writing the capture file failed: " + failure.getMessage(), failure);
            }
        }
    }

    private void run() {
        while (true) {
            ByteBuffer b;
            try {
                b = full.take();
            } catch (InterruptedException e) {
                return; // only close() ends the thread, with END; an interrupt from outside ends it too
            }
            if (b == END) {
                return;
            }
            boolean failed;
            synchronized (lock) {
                failed = failure != null;
            }
            IOException error = null;
            if (!failed) {
                try {
                    out.write(b.array(), b.arrayOffset(), b.limit());
                } catch (IOException e) {
                    error = e;
                } catch (RuntimeException e) {
                    error = new IOException(e.toString(), e); // kept, so the framing thread never waits for a dead thread
                }
            }
            if (b.capacity() == bufferBytes) {
                b.clear();
                free.offer(b); // never full: at most DEPTH + 1 pool buffers exist
            }
            synchronized (lock) {
                if (error != null && failure == null) {
                    failure = error;
                }
                done++;
                lock.notifyAll();
            }
        }
    }
}
