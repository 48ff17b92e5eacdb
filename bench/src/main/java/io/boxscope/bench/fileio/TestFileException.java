package io.boxscope.bench.fileio;

import java.io.IOException;

/**
 * A test file that 'run' cannot use: missing ({@code actualSize} -1) or smaller than the file size
 * the options give. Front ends print sysbench's two lines for it ("Cannot open file ..." with "Did
 * you forget to run the prepare step?", or "Size of file ..." with "Did you run 'prepare' with
 * different --file-total-size or --file-num values?").
 */
public final class TestFileException extends IOException {
    private final String file;
    private final long actualSize;
    private final long expectedSize;

    TestFileException(String message, String file, long actualSize, long expectedSize) {
        super(message);
        this.file = file;
        this.actualSize = actualSize;
        this.expectedSize = expectedSize;
    }

    /** The file's name (test_file.N). */
    public String file() {
        return file;
    }

    /** Its size in bytes; -1 when it does not exist. */
    public long actualSize() {
        return actualSize;
    }

    public long expectedSize() {
        return expectedSize;
    }

    public boolean missing() {
        return actualSize < 0;
    }
}
