package io.boxscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file the user asked for ({@code bench --save FILE}), written so that nobody else decides where
 * the bytes go: into a new temporary file in the same directory (created with O_EXCL, never
 * following a link), then renamed over FILE. rename(2) replaces a symbolic link at FILE instead of
 * writing through it, so a link planted in a shared directory (/tmp) cannot redirect the write to
 * a file of the link owner's choosing; and a reader never sees half a file.
 */
public final class OutputFile {
    private OutputFile() {}

    /** Writes {@code text} (UTF-8) to {@code file}; a failure is a {@link WriteException}. */
    public static void write(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new WriteException("cannot write " + file + ": it is a directory");
        }
        Path dir = target.getParent();
        Path tmp;
        try {
            // 0666 less the umask, as an ordinary create would give the file.
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        } catch (AccessDeniedException e) {
            throw new WriteException("cannot write " + file + ": permission denied in directory " + dir
                    + " (choose a directory you may write to)", e);
        } catch (NoSuchFileException e) {
            throw new WriteException("cannot write " + file + ": directory " + dir + " does not exist", e);
        } catch (FileSystemException e) {
            throw new WriteException("cannot write " + file + ": " + reason(e), e);
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new WriteException("cannot write " + file + ": cannot rename a file in " + dir, e);
            }
        } catch (WriteException e) {
            throw e;
        } catch (FileSystemException e) {
            throw new WriteException("cannot write " + file + ": " + reason(e), e);
        } catch (IOException e) {
            throw new WriteException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writing a file the user named failed; the message (one line) names the file and says why. */
    public static final class WriteException extends IOException {
        private static final long serialVersionUID = 1L;

        WriteException(String message, Throwable cause) {
            super(message, cause);
        }

        WriteException(String message) {
            super(message);
        }
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }
}
