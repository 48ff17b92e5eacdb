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
 * (one being filled). A failure of the stream (whatever {@code write} throws, {@link Error}s included) is kept and
 * thrown to the framing thread as an {@link IOException} at its next hand-off, {@link #sync} or {@link #close};
 * buffers handed over after a failure are recycled unwritten. A thread that ended without being asked (an interrupt
 * from outside) wakes every wait of the framing thread, which then throws, so it never waits for buffers that
 * cannot come back. The bytes are the
 * ones the synchronous path writes, in the same order: the stream sees the same sequence of writes.
 */
final class WriteBehind {
    /** Buffers waiting for the thread at most: 4 MiB of events with {@link ScapWriter#PENDING}'s 1 MiB. */
    static final int DEPTH = 4;
    /** Handed over to the thread to end it (never written). */
    private static final ByteBuffer END = ByteBuffer.allocate(0);
    /** Left in the pool by a thread that ended without being asked ({@link #ended}), never written into. */
    private static final ByteBuffer ENDED = ByteBuffer.allocate(0);

    private final OutputStream out;
    private final int bufferBytes;
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread thread;
    private final Object lock = new Object();
    /** Buffers handed over (framing thread only) and written or discarded (under {@link #lock}). */
    private long handed;
    private long done;
    private Throwable failure;
    /** The thread has returned (after {@link #END}, an outside interrupt or an unexpected throwable); under {@link #lock}. */
    private boolean ended;
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
            full.put(filled); // a thread that ended empties the queue first (ended()), so this cannot wait for ever
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing events to the capture file's writer thread");
        }
        handed++;
    }

    /**
     * An empty pool buffer to go on framing into: a recycled one, a new one while fewer than {@code DEPTH + 1}
     * exist, or the next one the thread frees (waiting for it: the bound). A thread that ended leaves
     * {@link #ENDED} in the pool instead, and its failure is thrown.
     */
    ByteBuffer next() throws IOException {
        ByteBuffer next = free.poll();
        if (next == null && allocated < DEPTH + 1) {
            allocated++;
            return ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            if (next == null) {
                next = free.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the capture file's writer thread");
        }
        if (next == ENDED) {
            free.offer(ENDED); // for the next wait too
            rethrow();
            throw new IllegalStateException("the capture file's writer thread ended without a failure");
        }
        return next;
    }

    /**
     * Waits until every buffer handed over is written (or the thread has ended), then throws the stream's failure if
     * there was one. After it returns the thread is idle (waiting for the next buffer) and the caller may use the
     * stream itself: the lock's release and acquire order the thread's writes before the caller's.
     */
    void sync() throws IOException {
        synchronized (lock) {
            while (done < handed && !ended) {
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
                full.put(END); // room: a running thread takes from the queue, one that ended emptied it
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void rethrow() throws IOException {
        synchronized (lock) {
            if (failure != null) {
                String why = failure instanceof IOException ? failure.getMessage() : failure.toString();
                throw new IOException("writing the capture file failed: " + why, failure);
            }
        }
    }

    /**
     * Writes buffers until {@link #END}. Whatever {@code out.write} throws (an {@link IOException}, a runtime
     * exception, an {@link Error}) is kept for the framing thread and the buffer is still counted and recycled, so
     * nothing waits for a buffer that will never come back. An interrupt from outside, or a throwable outside the
     * write, ends the thread: kept as the failure, and {@link #ended} wakes every wait of the framing thread.
     */
    private void run() {
        boolean asked = false;
        try {
            while (true) {
                ByteBuffer b;
                try {
                    b = full.take();
                } catch (InterruptedException e) {
                    // only close() ends the thread, with END: an interrupt from outside is a failure of the capture
                    fail(new InterruptedIOException("the capture file's writer thread was interrupted"));
                    return;
                }
                if (b == END) {
                    asked = true;
                    return;
                }
                write(b);
            }
        } catch (Throwable t) {
            fail(t); // kept, never printed by a default handler
        } finally {
            ended(asked);
        }
    }

    private void fail(Throwable t) {
        synchronized (lock) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    /**
     * The thread's last step. Ended without being asked (a failure is kept), it also empties the queue (those buffers
     * are counted: nothing will write them), so a framing thread waiting to hand one over goes on and then throws,
     * and leaves {@link #ENDED} in the pool for one waiting for a free buffer.
     */
    private void ended(boolean asked) {
        synchronized (lock) {
            ended = true;
            if (!asked) {
                done += full.size();
                full.clear();
            }
            lock.notifyAll();
        }
        if (!asked) {
            free.offer(ENDED); // full only when every pool buffer is free: then nobody waits
        }
    }

    private void write(ByteBuffer b) {
        boolean failed;
        synchronized (lock) {
            failed = failure != null;
        }
        Throwable error = null;
        try {
            if (!failed) {
                out.write(b.array(), b.arrayOffset(), b.limit());
            }
        } catch (Throwable t) {
            error = t; // kept, so the framing thread never waits for a dead thread
        } finally {
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
