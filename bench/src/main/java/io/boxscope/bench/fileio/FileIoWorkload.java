package io.boxscope.bench.fileio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import io.boxscope.bench.Sizes;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.workload.Xoroshiro;

/**
 * sysbench's fileio test (the "run" step). Requests come from one generator shared by all threads,
 * as in sysbench's sb_fileio.c:
 * <ul>
 * <li>sequential modes walk the files block by block (or --file-merged-requests blocks at a time)
 * from test_file.0 to the last and start over;</li>
 * <li>random modes pick a block-aligned offset uniformly over the total size;</li>
 * <li>rndrw reads while (reads+1)/(writes+1) is below --file-rw-ratio and writes otherwise, so the
 * mix is exactly the ratio;</li>
 * <li>every --file-fsync-freq requests, if anything was written since, the next N events are
 * fsyncs of the N files in turn (each fsync is one event);</li>
 * <li>at the end each thread fsyncs every file (--file-fsync-end), counted as fsyncs but not events.</li>
 * <li>with --validate every write fills its block as {@link BlockChecksum} says and every read checks
 * it ({@link ValidationException} ends the run); a random request draws again while another
 * thread holds the block it drew, so a read never meets a half-written block (sysbench's
 * file_get_rnd_request: each thread holds the block of its last request, block 0 of file 0 before
 * its first).</li>
 * <li>with --validate a sequential request is not held that way (sysbench 1.0.20's
 * file_get_seq_request has no such check), yet the walk starts over once it passes the last file,
 * so with small files a thread can be handed the block that a stalled thread is still copying; two
 * copies into one block at once (mmap's memcpy into the shared mapping is not serialized by the
 * kernel the way pwrite is) leave half of each, and the run would report a corruption the storage
 * never made. So a sequential request under --validate copies its block under that block's lock
 * ({@link #blockLock}); the order of requests stays sysbench's.</li>
 * </ul>
 * I/O is pread/pwrite on page-aligned buffers (required by O_DIRECT) through {@link Posix}.
 */
public final class FileIoWorkload implements Workload {
    private volatile io.boxscope.bench.workload.Seeds seeds = io.boxscope.bench.workload.Seeds.fromClock();

    @Override
    public void seeds(io.boxscope.bench.workload.Seeds seeds) {
        this.seeds = seeds;
    }

    static final int OP_READ = 0;
    static final int OP_WRITE = 1;
    static final int OP_FSYNC = 2;

    private final FileIoOptions o;
    private final int[] fds;
    private final long fileSize;
    private final long totalSize;
    private final Object lock = new Object();
    // generator state, guarded by lock
    private long position;
    private int currentFile;
    private int fsyncedFile;
    private long reqPerformed;
    private boolean dirty;
    /** With --validate: the global offset of each thread's last random request (sysbench's buffer_file_id/pos). */
    private long[] held = new long[0];
    // statistics, guarded by lock
    private long readOps;
    private long writeOps;
    private long otherOps;
    private long bytesRead;
    private long bytesWritten;
    private final Arena arena = Arena.ofShared();
    /** With --validate in a sequential mode: striped per-block locks (see the class comment); otherwise null. */
    private final java.util.concurrent.locks.ReentrantLock[] blockLocks;

    public FileIoWorkload(FileIoOptions o) throws IOException {
        Posix.requireSupported();
        this.o = o;
        this.fileSize = o.fileSize();
        this.totalSize = fileSize * o.fileNum();
        this.fds = new int[o.fileNum()];
        java.util.Arrays.fill(fds, -1);
        this.blockLocks = o.validate() && !o.mode().random() ? newLocks(BLOCK_LOCKS) : null;
        try {
            for (int i = 0; i < o.fileNum(); i++) {
                Path p = o.file(i);
                String name = FileIoOptions.fileName(i);
                if (o.mode() == Mode.SEQWR) {
                    // sysbench removes and re-creates the files for the creation test
                    FileSet.requireOurs(p);
                    Files.deleteIfExists(p);
                    int fd = Posix.open(p.toString(), Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY | Posix.O_NOFOLLOW, 0600);
                    Posix.close(fd);
                }
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new TestFileException("cannot open file '" + name + "' in " + o.dir()
                            + ": it does not exist. Did you forget to run the prepare step (boxscope bench fileio prepare)?",
                            name, -1, fileSize);
                }
                FileSet.requireOurs(p);
                fds[i] = Posix.open(p.toString(), Posix.O_RDWR | Posix.O_NOFOLLOW | o.openFlags(), 0600);
                if (o.mode() != Mode.SEQWR) {
                    long size = Files.size(p);
                    if (size < fileSize) {
                        throw new TestFileException("size of file '" + name + "' is " + Sizes.sysbenchUnits(size)
                                + "B, but at least " + Sizes.sysbenchUnits(fileSize) + "B is expected. Did you run 'prepare' "
                                + "with different --file-total-size or --file-num values?", name, size, fileSize);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Lock stripes for sequential --validate runs: blocks {@code k} apart share one, which only costs a wait. */
    static final int BLOCK_LOCKS = 64;

    private static java.util.concurrent.locks.ReentrantLock[] newLocks(int n) {
        java.util.concurrent.locks.ReentrantLock[] l = new java.util.concurrent.locks.ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            l[i] = new java.util.concurrent.locks.ReentrantLock();
        }
        return l;
    }

    /**
     * The lock a read or write of {@code q} holds while it copies its block, or null when none is
     * needed (random modes hold their blocks in the generator; fsyncs copy nothing). Two sequential
     * requests that overlap start at the same offset of the same file, so they map to one stripe.
     */
    java.util.concurrent.locks.Lock blockLock(Request q) {
        if (blockLocks == null || q.op == OP_FSYNC) {
            return null;
        }
        long block = (q.file * fileSize + q.pos) / o.blockSize();
        return blockLocks[(int) (block % blockLocks.length)];
    }

    public FileIoOptions options() {
        return o;
    }

    @Override
    public String name() {
        return "fileio";
    }

    @Override
    public String[] counterNames() {
        return new String[] {"reads", "writes", "fsyncs", "bytes_read", "bytes_written"};
    }

    @Override
    public long[] counters() {
        synchronized (lock) {
            return new long[] {readOps, writeOps, otherOps, bytesRead, bytesWritten};
        }
    }

    @Override
    public long[] takeCounters() {
        synchronized (lock) {
            long[] c = {readOps, writeOps, otherOps, bytesRead, bytesWritten};
            readOps = writeOps = otherOps = bytesRead = bytesWritten = 0;
            return c;
        }
    }

    @Override
    public void reset() {
        synchronized (lock) {
            readOps = writeOps = otherOps = bytesRead = bytesWritten = 0;
        }
    }

    /** The next request into {@code r}; what sysbench's file_get_seq_request / file_get_rnd_request do. */
    void nextRequest(Request r, Xoroshiro rnd) {
        synchronized (lock) {
            if (o.mode().random()) {
                nextRandom(r, rnd);
            } else {
                nextSequential(r);
            }
        }
    }

    private boolean fsyncDue(int op) {
        return o.fsyncFreq() != 0 && op == OP_WRITE && dirty && reqPerformed % o.fsyncFreq() == 0;
    }

    private void fsyncRequest(Request r) {
        r.op = OP_FSYNC;
        r.file = fsyncedFile;
        r.pos = 0;
        r.size = 0;
        if (++fsyncedFile == fds.length) {
            fsyncedFile = 0;
            dirty = false;
        }
    }

    private void nextSequential(Request r) {
        int op = o.mode() == Mode.SEQRD ? OP_READ : OP_WRITE;
        if (fsyncDue(op)) {
            fsyncRequest(r);
            return;
        }
        reqPerformed++;
        if (op == OP_WRITE) {
            dirty = true;
        }
        if (currentFile == fds.length) {
            currentFile = 0;
            position = 0;
        }
        r.op = op;
        r.file = currentFile;
        r.pos = position;
        r.size = Math.min(o.requestSize(), fileSize - position);
        position += r.size;
        if (position == fileSize) {
            currentFile++;
            position = 0;
        }
    }

    private void nextRandom(Request r, Xoroshiro rnd) {
        int op = switch (o.mode()) {
            case RNDRD -> OP_READ;
            case RNDWR -> OP_WRITE;
            case RNDRW -> (double) (readOps + 1) / (writeOps + 1) < o.rwRatio() ? OP_READ : OP_WRITE;
            case SEQWR, SEQREWR, SEQRD -> throw new IllegalStateException("not a random mode");
        };
        if (o.fsyncFreq() != 0 && dirty && reqPerformed % o.fsyncFreq() == 0) {
            fsyncRequest(r);
            return;
        }
        long p;
        do {
            p = (long) (rnd.nextDouble() * totalSize);
            p -= p % o.blockSize();
        } while (o.validate() && heldByOther(p, r.thread));
        if (o.validate()) {
            held[r.thread] = p;
        }
        r.op = op;
        r.file = (int) (p / fileSize);
        r.pos = p % fileSize;
        r.size = Math.min(o.blockSize(), fileSize - r.pos);
        reqPerformed++;
        if (op == OP_WRITE) {
            dirty = true;
        }
    }

    private boolean heldByOther(long p, int thread) {
        for (int i = 0; i < held.length; i++) {
            if (i != thread && held[i] == p) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes room for thread {@code threadId} among the block holders. With --validate each thread
     * holds one block, so a random mode needs at least as many blocks as threads (sysbench would
     * draw forever).
     */
    private void hold(int threadId) throws IOException {
        if (!o.validate() || !o.mode().random()) {
            return;
        }
        long blocks = (totalSize + o.blockSize() - 1) / o.blockSize();
        if (threadId >= blocks) {
            throw new IOException("--validate with " + (threadId + 1) + " threads needs at least as many blocks, but the files hold "
                    + blocks + " of " + o.blockSize() + " bytes: use fewer --threads or a larger --file-total-size");
        }
        synchronized (lock) {
            if (held.length <= threadId) {
                held = java.util.Arrays.copyOf(held, threadId + 1);
            }
        }
    }

    /** Picks the rndrw operation for given counts: the pure rule, for tests. */
    public static boolean readNext(long reads, long writes, double ratio) {
        return (double) (reads + 1) / (writes + 1) < ratio;
    }

    private void counted(int op, long size) {
        synchronized (lock) {
            switch (op) {
                case OP_READ -> {
                    readOps++;
                    bytesRead += size;
                }
                case OP_WRITE -> {
                    writeOps++;
                    bytesWritten += size;
                }
                default -> otherOps++;
            }
        }
    }

    static final class Request {
        /** The worker thread that asked (for --validate's block holding). */
        int thread;
        int op;
        int file;
        long pos;
        long size;
    }

    @Override
    public Worker worker(int threadId) throws IOException {
        hold(threadId);
        return switch (o.ioMode()) {
            case SYNC -> syncWorker(threadId);
            case MMAP -> new MappedWorker(this, mappings(), arena.allocate(o.requestSize(), 4096), seeds.forThread(threadId),
                    seeds.histogramDraw(), threadId);
            case ASYNC -> new AsyncWorker(syncWorker(threadId), o.asyncBacklog(), threadId);
        };
    }

    private MemorySegment[] maps;

    /** The files mapped whole, read-write and shared (sysbench's file_mmap_prepare), once for all workers. */
    private synchronized MemorySegment[] mappings() throws IOException {
        if (maps == null) {
            MemorySegment[] m = new MemorySegment[fds.length];
            for (int i = 0; i < fds.length; i++) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(o.file(i),
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    if (o.mode() == Mode.SEQWR && ch.size() < fileSize) {
                        // the creation test's files are empty: extend them first, as sysbench does with
                        // ftruncate, or touching the mapping past the end would fault (SIGBUS)
                        ch.write(java.nio.ByteBuffer.allocate(1), fileSize - 1);
                    }
                    m[i] = ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, fileSize, arena);
                }
            }
            maps = m;
        }
        return maps;
    }

    /** Counts a finished request (for the async and mmap workers). */
    void done(int op, long size) {
        counted(op, size);
    }

    /** The next request (for the async and mmap workers). */
    void next(Request r, Xoroshiro rnd) {
        nextRequest(r, rnd);
    }

    FileIoOptions opts() {
        return o;
    }

    IOException failed(String what, Request r, long n, MemorySegment st) {
        return failure(what, r, n, st);
    }

    /** One worker's pread/pwrite loop (sync mode; async mode runs the same I/O on its pool). */
    SyncWorker syncWorker(int threadId) {
        return new SyncWorker(arena.allocate(o.requestSize(), 4096), Posix.state(arena), seeds.forThread(threadId), threadId);
    }

    final class SyncWorker extends RequestWorker {
        final MemorySegment buf;
        final MemorySegment st;

        SyncWorker(MemorySegment buf, MemorySegment st, Xoroshiro rnd, int threadId) {
            super(FileIoWorkload.this, rnd, seeds.histogramDraw(), threadId);
            this.buf = buf;
            this.st = st;
        }

        @Override
        public void execute() throws IOException {
            perform(r, st);
        }

        /** Whether blocks are checksummed (--validate). */
        boolean validating() {
            return o.validate();
        }

        /** Does request {@code q} with errno captured in {@code state}, under its block's lock if it needs one; counts it. */
        void perform(Request q, MemorySegment state) throws IOException {
            locked(q, () -> performNow(q, state));
        }

        private void performNow(Request q, MemorySegment state) throws IOException {
            int fd = fds[q.file];
            try {
                switch (q.op) {
                    case OP_READ -> {
                        long n = Posix.pread(state, fd, buf, q.size, q.pos);
                        if (n != q.size) {
                            throw failure("read", q, n, state);
                        }
                        validate(q, buf);
                    }
                    case OP_WRITE -> {
                        if (o.validate()) {
                            BlockChecksum.fill(buf, q.size, q.pos, rnd);
                        }
                        long n = Posix.pwrite(state, fd, buf, q.size, q.pos);
                        if (n != q.size) {
                            throw failure("write", q, n, state);
                        }
                        if (o.fsyncAll()) {
                            sync(fd, q.file, state);
                        }
                    }
                    default -> {
                        if (o.fsyncAll()) {
                            return; // already syncing after every write
                        }
                        sync(fd, q.file, state);
                        return;
                    }
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("I/O call failed: " + t, t);
            }
            counted(q.op, q.size);
        }

        private void sync(int fd, int file, MemorySegment state) throws Throwable {
            if (Posix.fsync(state, fd, o.fdatasync()) != 0) {
                int e = Posix.errno(state);
                throw new IOException("failed to fsync file " + FileIoOptions.fileName(file) + ": " + Posix.strerror(e));
            }
            counted(OP_FSYNC, 0);
        }

        @Override
        public void done() throws IOException {
            if (o.fsyncEnd() && o.mode().writes()) {
                for (int i = 0; i < fds.length; i++) {
                    try {
                        sync(fds[i], i, st);
                    } catch (IOException e) {
                        throw e;
                    } catch (Throwable t) {
                        throw new IOException("fsync failed: " + t, t);
                    }
                }
            }
        }
    }

    /** With --validate: the block just read into {@code buf} must be the one written at its offset. */
    void validate(Request q, MemorySegment buf) throws ValidationException {
        if (o.validate()) {
            BlockChecksum.Mismatch m = BlockChecksum.check(buf, q.size, q.pos);
            if (m != null) {
                throw new ValidationException(q.file, q.pos, m);
            }
        }
    }

    private IOException failure(String what, Request r, long n, MemorySegment st) {
        String why = n < 0 ? Posix.strerror(Posix.errno(st)) : "short transfer of " + n + " of " + r.size + " bytes";
        String hint = o.extraFlags().contains(FileIoOptions.ExtraFlag.DIRECT) && n < 0
                ? " (O_DIRECT: the file system may not support it, or the block size is not a multiple of its sector size)" : "";
        return new IOException("failed to " + what + " file " + FileIoOptions.fileName(r.file) + " at offset " + r.pos + ": "
                + why + hint);
    }

    @Override
    public void close() {
        maps = null; // unmapped when the arena closes
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                Posix.close(fds[i]);
                fds[i] = -1;
            }
        }
        try {
            arena.close();
        } catch (IllegalStateException e) {
            // a worker thread is still alive only if the run failed; the arena goes with the JVM
        }
    }
}
