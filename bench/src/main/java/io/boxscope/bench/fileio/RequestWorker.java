package io.boxscope.bench.fileio;

import java.io.IOException;
import java.util.concurrent.locks.Lock;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.workload.Xoroshiro;

/**
 * What the sync (pread/pwrite, also under async) and mmap workers share: the request of each event, drawn from the
 * workload's one generator with the worker's own random numbers, and the copy of a request under its block's lock when
 * --validate needs one ({@link FileIoWorkload#blockLock}). With --rand-seed and sysbench's histogram on
 * ({@code skip}), the worker takes one value from its generator between events, the one sysbench 1.0.20's
 * sb_histogram_update takes after each event to pick a slot array, so the offsets it draws stay sysbench's, request
 * for request (docs/bench.md, "--rand-seed").
 */
abstract class RequestWorker implements Worker {
    final FileIoWorkload w;
    final Xoroshiro rnd;
    /** The request of the current event, refilled by {@link #next}. */
    final FileIoWorkload.Request r = new FileIoWorkload.Request();
    private final boolean skip;
    private boolean started;

    RequestWorker(FileIoWorkload w, Xoroshiro rnd, boolean skip, int threadId) {
        this.w = w;
        this.rnd = rnd;
        this.skip = skip;
        r.thread = threadId;
    }

    @Override
    public final boolean next() {
        if (skip && started) {
            rnd.nextLong(); // what sysbench's histogram took after the previous event
        }
        started = true;
        w.next(r, rnd);
        return true;
    }

    /** A request's copy between the worker's buffer and a file. */
    interface Copy {
        void run() throws IOException;
    }

    /** Runs {@code copy} of request {@code q} under its block's lock when it needs one. */
    final void locked(FileIoWorkload.Request q, Copy copy) throws IOException {
        Lock l = w.blockLock(q);
        if (l == null) {
            copy.run();
            return;
        }
        l.lock();
        try {
            copy.run();
        } finally {
            l.unlock();
        }
    }
}
