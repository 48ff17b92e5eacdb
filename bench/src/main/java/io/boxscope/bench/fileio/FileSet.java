package io.boxscope.bench.fileio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * fileio's prepare and cleanup steps. Only files named test_file.N (N below --file-num) in the
 * chosen directory are ever created, extended or removed, and only if they are regular files (never
 * through a symbolic link). Prepare checks the free space first and, if interrupted (Ctrl-C), removes
 * the files it created itself.
 */
public final class FileSet {
    private FileSet() {}

    /** Refuses anything at a test file's path that is not a regular file (a link, a directory, a device). */
    static void requireOurs(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException("refusing to touch " + p + ": it is not a regular file (" + (a.isSymbolicLink()
                    ? "a symbolic link" : a.isDirectory() ? "a directory" : "a special file")
                    + "); fileio only writes its own test_file.N files. Remove it or choose another --file-dir");
        }
    }

    /** What prepare did: bytes written and how long it took. */
    public record Prepared(long bytesWritten, long nanos) {}

    /**
     * Creates or extends test_file.0..N-1 to the file size by writing --file-block-size blocks of zeros,
     * then fsyncs each. {@code log} receives sysbench's progress lines ("Creating file test_file.0").
     */
    public static Prepared prepare(FileIoOptions o, Consumer<String> log) throws IOException {
        return prepare(o, new io.boxscope.bench.workload.Xoroshiro(System.nanoTime()), log);
    }

    /**
     * As {@link #prepare(FileIoOptions, Consumer)}; with --validate each block is random bytes from
     * {@code rnd}, their checksum and the block's offset ({@link BlockChecksum}), as sysbench's
     * create_files writes them, instead of zeros.
     */
    public static Prepared prepare(FileIoOptions o, io.boxscope.bench.workload.Xoroshiro rnd, Consumer<String> log)
            throws IOException {
        Posix.requireSupported();
        if (!Files.isDirectory(o.dir())) {
            throw new IOException("--file-dir " + o.dir() + " is not a directory");
        }
        long fileSize = o.fileSize();
        long needed = 0;
        for (int i = 0; i < o.fileNum(); i++) {
            Path p = o.file(i);
            requireOurs(p);
            long have = Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
            if (have < fileSize) {
                needed += ((fileSize - have + o.blockSize() - 1) / o.blockSize()) * o.blockSize();
            }
        }
        // statvfs(2) of the directory itself: Files.getFileStore looks the path up in this process's
        // mount table, which has no entry for a container's directory reached through /proc/PID/root
        long free = o.dir().toFile().getUsableSpace();
        if (needed > free) {
            throw new IOException("not enough free space in " + o.dir() + ": prepare needs " + mib(needed) + " but only "
                    + mib(free) + " is available; use a smaller --file-total-size or another --file-dir");
        }
        List<Path> created = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Thread cleaner = new Thread(() -> {
            // Ctrl-C or kill: no new file may be created after this, then ours are removed.
            synchronized (created) {
                stopping.set(true);
                for (Path p : created) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // the JVM is exiting; nothing more can be done
                    }
                }
            }
        }, "bench-fileio-prepare-cleanup");
        Runtime.getRuntime().addShutdownHook(cleaner);
        long written = 0;
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(o.blockSize(), 4096);
            MemorySegment st = Posix.state(arena);
            for (int i = 0; i < o.fileNum(); i++) {
                Path p = o.file(i);
                int fd;
                synchronized (created) {
                    if (stopping.get()) {
                        throw new IOException("prepare interrupted");
                    }
                    boolean existed = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
                    fd = Posix.open(p.toString(), Posix.O_CREAT | Posix.O_WRONLY | Posix.O_NOFOLLOW | o.openFlags(), 0600);
                    if (!existed) {
                        created.add(p);
                    }
                }
                try {
                    long offset = Files.size(p);
                    if (offset >= fileSize) {
                        log.accept("Reusing existing file " + FileIoOptions.fileName(i));
                    } else if (offset > 0) {
                        log.accept("Extending existing file " + FileIoOptions.fileName(i));
                    } else {
                        log.accept("Creating file " + FileIoOptions.fileName(i));
                    }
                    for (; offset < fileSize; offset += o.blockSize()) {
                        if (stopping.get()) {
                            throw new IOException("prepare interrupted");
                        }
                        if (o.validate()) {
                            BlockChecksum.fill(buf, o.blockSize(), offset, rnd);
                        }
                        long n = Posix.pwrite(st, fd, buf, o.blockSize(), offset);
                        if (n != o.blockSize()) {
                            throw new IOException("failed to write " + p + ": "
                                    + (n < 0 ? Posix.strerror(Posix.errno(st)) : "short write"));
                        }
                        written += n;
                    }
                    if (Posix.fsync(st, fd, false) != 0) {
                        throw new IOException("failed to fsync " + p + ": " + Posix.strerror(Posix.errno(st)));
                    }
                } finally {
                    Posix.close(fd);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("prepare failed: " + t, t);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleaner);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs and removes what we created
            }
        }
        return new Prepared(written, System.nanoTime() - start);
    }

    /** Removes test_file.0..N-1 (regular files only); returns how many were removed. */
    public static int cleanup(FileIoOptions o) throws IOException {
        int removed = 0;
        for (int i = 0; i < o.fileNum(); i++) {
            Path p = o.file(i);
            requireOurs(p);
            if (Files.deleteIfExists(p)) {
                removed++;
            }
        }
        return removed;
    }

    private static String mib(long b) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
