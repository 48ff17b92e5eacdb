package io.boxscope.bench.fileio;

import java.io.IOException;

/**
 * A block read with --validate is not the block written there: its checksum or its offset is wrong
 * (sysbench's "Validation failed on file N, block offset P, exiting..."). The run stops, as
 * sysbench's does, and reports no figures.
 */
public final class ValidationException extends IOException {
    private final int file;
    private final long position;
    private final BlockChecksum.Mismatch mismatch;

    public ValidationException(int file, long position, BlockChecksum.Mismatch mismatch) {
        super(message(file, position, mismatch));
        this.file = file;
        this.position = position;
        this.mismatch = mismatch;
    }

    private static String message(int file, long position, BlockChecksum.Mismatch m) {
        String why = switch (m) {
            case BlockChecksum.Mismatch.Checksum c -> String.format(java.util.Locale.ROOT,
                    "its checksum is 0x%x but 0x%x is stored", c.calculated(), c.stored());
            case BlockChecksum.Mismatch.Offset o -> "it says it was written at offset " + o.stored();
        };
        return "validation failed on " + FileIoOptions.fileName(file) + ", block at offset " + position + ": " + why
                + " (the file changed after it was written, or the storage returned other data; "
                + "'cleanup', then 'prepare' with --validate, writes the files anew)";
    }

    /** The test file's index (N in test_file.N). */
    public int file() {
        return file;
    }

    /** The block's offset in its file. */
    public long position() {
        return position;
    }

    public BlockChecksum.Mismatch mismatch() {
        return mismatch;
    }
}
