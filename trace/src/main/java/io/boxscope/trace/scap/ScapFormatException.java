package io.boxscope.trace.scap;

import java.io.IOException;

/**
 * A capture file that is cut short or corrupt: the one error {@link ScapReader} reports, with the byte
 * offset (of the uncompressed stream) of the block that could not be read. Events before that block were
 * read and are valid.
 */
public final class ScapFormatException extends IOException {
    /** Why the file could not be read further. */
    public enum Kind {
        /** The file ends inside a block (a capture that was killed, or a partial copy). */
        TRUNCATED,
        /** A block's framing or contents contradict the format. */
        CORRUPT,
        /** The file is not a capture file at all, or a version this reader does not know. */
        NOT_A_CAPTURE
    }

    private final long offset;
    private final Kind kind;

    public ScapFormatException(Kind kind, long offset, String message) {
        super(message);
        this.kind = kind;
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }

    public Kind kind() {
        return kind;
    }

    /** One line: what happened, where, and what it means for the events. */
    @Override
    public String getMessage() {
        String what = switch (kind) {
            case TRUNCATED -> "capture file is truncated";
            case CORRUPT -> "capture file is corrupt";
            case NOT_A_CAPTURE -> "not a sysdig capture file";
        };
        return what + " at byte offset " + offset + ": " + super.getMessage();
    }
}
