package io.boxscope.bench.fileio;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.bench.engine.Worker;

/**
 * --file-io-mode=async: an event submits its request and returns; up to --file-async-backlog
 * requests per worker are in flight, done by {@link #IO_THREADS} I/O threads of the worker, and
 * a submission that finds the backlog full waits for one to finish (so its latency includes the
 * wait, as sysbench's io_submit/io_getevents loop does). Requests are counted when they complete;
 * at the end the worker waits for all of them, then does the final fsyncs. sysbench uses Linux AIO
 * (io_submit), which for files opened without O_DIRECT does the I/O inside the submitting call;
 * here it always happens on the pool, so async without O_DIRECT overlaps more than sysbench's.
 * With --validate a request is done in the submitting thread, as Linux AIO does it for files
 * without O_DIRECT: requests in flight would share the worker's buffer, and a read could meet a
 * block that a write still in flight is changing.
 */
final class AsyncWorker implements Worker {
    /** I/O threads per worker: enough to keep a device queue busy, few enough not to crowd the CPUs. */
    static final int IO_THREADS = 8;

    final FileIoWorkload.SyncWorker io;
    private final int backlog;
    private final Semaphore slots;
    private final ExecutorService pool;
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    AsyncWorker(FileIoWorkload.SyncWorker io, int backlog, int threadId) {
        this.io = io;
        this.backlog = backlog;
        this.slots = new Semaphore(backlog);
        this.pool = Executors.newFixedThreadPool(Math.min(backlog, IO_THREADS),
                Thread.ofPlatform().daemon().name("bench-fileio-aio-" + threadId + "-", 0).factory());
    }

    @Override
    public boolean next() {
        return io.next();
    }

    @Override
    public void execute() throws IOException {
        rethrow();
        if (io.validating()) {
            io.execute();
            return;
        }
        FileIoWorkload.Request q = new FileIoWorkload.Request();
        q.op = io.r.op;
        q.file = io.r.file;
        q.pos = io.r.pos;
        q.size = io.r.size;
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for an asynchronous request to finish", e);
        }
        pool.execute(() -> {
            try {
                io.perform(q, Posix.scratch());
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            } finally {
                slots.release();
            }
        });
    }

    private void rethrow() throws IOException {
        IOException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void done() throws IOException {
        try {
            slots.acquire(backlog); // every request has finished
            slots.release(backlog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for asynchronous requests", e);
        } finally {
            pool.shutdown();
        }
        rethrow();
        io.done();
    }
}
