package io.boxscope.bench.fileio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import io.boxscope.bench.workload.Xoroshiro;

/**
 * --file-io-mode=mmap: each file is mapped whole, shared and read-write, and a request copies
 * between the worker's buffer and the mapping (the page faults are the I/O); an fsync is an msync
 * of the whole mapping ({@link MemorySegment#force}), as sysbench's 64-bit "fast mmaped" mode does
 * (sb_fileio.c: file_mmap_prepare, file_pread/file_pwrite, file_fsync with msync(MS_SYNC)).
 */
final class MappedWorker extends RequestWorker {
    private final MemorySegment[] maps;
    private final MemorySegment buf;

    MappedWorker(FileIoWorkload w, MemorySegment[] maps, MemorySegment buf, Xoroshiro rnd, boolean skip, int threadId) {
        super(w, rnd, skip, threadId);
        this.maps = maps;
        this.buf = buf;
    }

    /** Copies the request, under its block's lock when it needs one ({@link FileIoWorkload#blockLock}). */
    @Override
    public void execute() throws IOException {
        locked(r, this::copy);
    }

    private void copy() throws IOException {
        FileIoOptions o = w.opts();
        switch (r.op) {
            case FileIoWorkload.OP_READ -> {
                MemorySegment.copy(maps[r.file], r.pos, buf, 0, r.size);
                w.validate(r, buf);
            }
            case FileIoWorkload.OP_WRITE -> {
                if (o.validate()) {
                    BlockChecksum.fill(buf, r.size, r.pos, rnd);
                }
                MemorySegment.copy(buf, 0, maps[r.file], r.pos, r.size);
                if (o.fsyncAll()) {
                    sync(r.file);
                }
            }
            default -> {
                if (!o.fsyncAll()) {
                    sync(r.file);
                }
                return;
            }
        }
        w.done(r.op, r.size);
    }

    private void sync(int file) throws IOException {
        try {
            maps[file].force();
        } catch (UncheckedIOException e) {
            throw new IOException("failed to msync file " + FileIoOptions.fileName(file) + ": " + e.getCause().getMessage(), e);
        }
        w.done(FileIoWorkload.OP_FSYNC, 0);
    }

    @Override
    public void done() throws IOException {
        FileIoOptions o = w.opts();
        if (o.fsyncEnd() && o.mode().writes()) {
            for (int i = 0; i < maps.length; i++) {
                sync(i);
            }
        }
    }
}
