package io.boxscope.trace.scap;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The capture file ({@code -w FILE}) could not be created: the message names the file, says why (the directory
 * does not exist, permission denied, or the file system's reason) and what to do, so it is not mistaken for a
 * file of the traced system that could not be read (a {@link NoSuchFileException} under /proc says that).
 */
public final class CaptureFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private CaptureFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The exception for a failed create of {@code file}: {@code e} as open(2) reported it. */
    static CaptureFileException of(Path file, IOException e) {
        Path dir = file.toAbsolutePath().getParent();
        String why = switch (e) {
            case AccessDeniedException a -> "permission denied (choose a directory you may write to)";
            case NoSuchFileException n -> "directory " + dir + " does not exist, or does not take new files"
                    + " (choose an existing directory you may write to)";
            case FileSystemException f -> (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName())
                    + " (choose a directory you may write to)";
            default -> e.getMessage();
        };
        return new CaptureFileException("cannot write the capture file " + file + ": " + why, e);
    }
}
