package io.boxscope.bench.fileio;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * sysbench's fileio options; {@code validate} is sysbench's --validate (blocks carry a checksum and
 * their offset, see {@link BlockChecksum}). {@code fileSize} is {@code totalSize / fileNum} (sysbench's layout:
 * files test_file.0 .. test_file.N-1 of equal size in the directory). --file-fsync-all turns off
 * the periodic and the final fsync, as in sysbench.
 */
public record FileIoOptions(Path dir, int fileNum, long totalSize, long blockSize, Mode mode, Set<ExtraFlag> extraFlags,
        int fsyncFreq, boolean fsyncAll, boolean fsyncEnd, boolean fdatasync, double rwRatio, int mergedRequests,
        IoMode ioMode, int asyncBacklog, boolean validate) {

    /**
     * --file-io-mode: sync is pread/pwrite in the worker; async keeps up to --file-async-backlog
     * requests per worker in flight on a small pool of I/O threads (sysbench uses Linux AIO); mmap
     * maps each file whole and copies to and from the mapping, with msync for fsync (sysbench's
     * 64-bit "fast mmaped" mode).
     */
    public enum IoMode {
        SYNC("synchronous"), ASYNC("asynchronous"), MMAP("fast mmaped");

        private final String description;

        IoMode(String description) {
            this.description = description;
        }

        /** As sysbench's "Using %s I/O mode" line says it. */
        public String description() {
            return description;
        }
    }

    /** Without --validate. */
    public FileIoOptions(Path dir, int fileNum, long totalSize, long blockSize, Mode mode, Set<ExtraFlag> extraFlags,
            int fsyncFreq, boolean fsyncAll, boolean fsyncEnd, boolean fdatasync, double rwRatio, int mergedRequests,
            IoMode ioMode, int asyncBacklog) {
        this(dir, fileNum, totalSize, blockSize, mode, extraFlags, fsyncFreq, fsyncAll, fsyncEnd, fdatasync, rwRatio,
                mergedRequests, ioMode, asyncBacklog, false);
    }

    /** Synchronous I/O, as before --file-io-mode existed. */
    public FileIoOptions(Path dir, int fileNum, long totalSize, long blockSize, Mode mode, Set<ExtraFlag> extraFlags,
            int fsyncFreq, boolean fsyncAll, boolean fsyncEnd, boolean fdatasync, double rwRatio, int mergedRequests) {
        this(dir, fileNum, totalSize, blockSize, mode, extraFlags, fsyncFreq, fsyncAll, fsyncEnd, fdatasync, rwRatio,
                mergedRequests, IoMode.SYNC, 128);
    }

    /** --file-test-mode. */
    public enum Mode {
        SEQWR("sequential write (creation)"), SEQREWR("sequential rewrite"), SEQRD("sequential read"),
        RNDRD("random read"), RNDWR("random write"), RNDRW("random r/w");

        final String description;

        Mode(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public boolean random() {
            return this == RNDRD || this == RNDWR || this == RNDRW;
        }

        public boolean writes() {
            return this != SEQRD && this != RNDRD;
        }
    }

    /** --file-extra-flags: O_SYNC, O_DSYNC, O_DIRECT. */
    public enum ExtraFlag { SYNC, DSYNC, DIRECT }

    public FileIoOptions {
        extraFlags = extraFlags.isEmpty() ? EnumSet.noneOf(ExtraFlag.class) : EnumSet.copyOf(extraFlags);
        if (fileNum < 1) {
            throw new IllegalArgumentException("--file-num must be at least 1, got " + fileNum);
        }
        if (totalSize <= 0) {
            throw new IllegalArgumentException("--file-total-size must be positive");
        }
        if (blockSize <= 0 || blockSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--file-block-size must be between 1 and 2G, got " + blockSize);
        }
        if (asyncBacklog < 1) {
            throw new IllegalArgumentException("Invalid value of file-async-backlog: " + asyncBacklog);
        }
        if (fsyncFreq < 0 || mergedRequests < 0 || rwRatio < 0) {
            throw new IllegalArgumentException("--file-fsync-freq, --file-merged-requests and --file-rw-ratio cannot be negative");
        }
        if (totalSize / fileNum < blockSize) {
            throw new IllegalArgumentException("each file (" + totalSize / fileNum + " bytes = --file-total-size / --file-num) "
                    + "is smaller than one block (--file-block-size " + blockSize + "): use fewer files or a larger total size");
        }
        if (extraFlags.contains(ExtraFlag.DIRECT) && (blockSize % 512 != 0)) {
            throw new IllegalArgumentException("--file-extra-flags=direct needs --file-block-size to be a multiple of 512 "
                    + "(O_DIRECT transfers whole sectors), got " + blockSize);
        }
        if (validate && blockSize < BlockChecksum.TRAILER_BYTES) {
            throw new IllegalArgumentException("--validate needs --file-block-size of at least " + BlockChecksum.TRAILER_BYTES
                    + " bytes: each block ends in its 4-byte checksum and 8-byte offset, got " + blockSize);
        }
        if (fsyncAll) {
            fsyncEnd = false;
            fsyncFreq = 0;
        }
    }

    /** The same options without --validate. */
    public FileIoOptions withoutValidation() {
        return new FileIoOptions(dir, fileNum, totalSize, blockSize, mode, extraFlags, fsyncFreq, fsyncAll, fsyncEnd, fdatasync,
                rwRatio, mergedRequests, ioMode, asyncBacklog, false);
    }

    public long fileSize() {
        return totalSize / fileNum;
    }

    /** The size of one sequential request: a block, or --file-merged-requests blocks. */
    public long requestSize() {
        return mergedRequests > 0 ? blockSize * mergedRequests : blockSize;
    }

    public Path file(int i) {
        return dir.resolve(fileName(i));
    }

    public static String fileName(int i) {
        return "test_file." + i;
    }

    int openFlags() {
        int f = 0;
        if (extraFlags.contains(ExtraFlag.SYNC)) {
            f |= Posix.O_SYNC;
        }
        if (extraFlags.contains(ExtraFlag.DSYNC)) {
            f |= Posix.O_DSYNC;
        }
        if (extraFlags.contains(ExtraFlag.DIRECT)) {
            f |= Posix.O_DIRECT;
        }
        return f;
    }
}
