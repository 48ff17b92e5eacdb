package io.boxscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import io.boxscope.proc.Privileges;

/**
 * A file the user asked for ({@code bench --save FILE}), written so that nobody else decides where
 * the bytes go: into a new temporary file in the same directory (created with O_EXCL, never
 * following a link), then renamed over FILE. rename(2) replaces a symbolic link at FILE instead of
 * writing through it, so a link planted in a shared directory (/tmp) cannot redirect the write to
 * a file of the link owner's choosing; and a reader never sees half a file.
 *
 * <p>Two kinds of FILE are written into instead, as the shell's {@code >} does: a device or FIFO
 * ({@code /dev/null}, {@code /dev/full}, a named pipe), which a rename would replace by a regular
 * file (as root, deleting the device node); and a symbolic link the kernel's {@code
 * fs.protected_symlinks} rule would follow (fs/namei.c, {@code may_follow_link}): one outside a
 * sticky world-writable directory, or owned by the writer or by the directory's owner, such as
 * {@code /dev/stdout}. Only a link someone else planted in a directory like /tmp is replaced.
 *
 * <p>{@link #write} is for a whole result ({@code bench --save}, {@code profile --flame}): it keeps the
 * rename, so a reader (a {@code bench compare} in another shell, a browser reloading the flame graph)
 * sees the old result or the new one, never half of one. The price: FILE is a new file, the writer's
 * with the umask's mode (an existing FILE's owner, mode and other hard links are not kept). {@link #open} is for output that streams while a command runs ({@code probe -o FILE}), where the
 * file is the channel and not a finished result: it opens FILE as the shell's {@code >} and bpftrace
 * 0.17's {@code -o} do, truncating an existing file in place (same inode, owner, mode and hard links),
 * so a {@code tail -f} or a log shipper holding FILE, or a FILE bind-mounted into a container (where
 * rename(2) fails with EBUSY), sees the output; a rename there would also turn another user's 0640
 * file into a root-owned world-readable one. Only a link planted in a shared directory is replaced by
 * a rename in both, with the same messages.
 */
public final class OutputFile {
    private OutputFile() {}

    /** Writes {@code text} (UTF-8) to {@code file}; a failure is a {@link WriteException}. */
    public static void write(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        if (writtenInto(file, target)) {
            writeInto(file, target, text);
            return;
        }
        Path dir = target.getParent();
        Path tmp = temporary(file, target);
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

    /**
     * Opens {@code file} for output written while the command runs, as the shell's {@code >} and bpftrace 0.17's {@code
     * -o} (a std::ofstream: O_WRONLY|O_CREAT|O_TRUNC) open theirs: an existing file is truncated in place, keeping its
     * inode, owner, mode and hard links, so a {@code tail -f} or a bind mount of FILE sees the output. The open never
     * follows a link (O_NOFOLLOW, and O_CREAT|O_EXCL for a new file); a link found at FILE goes by the rule of {@link
     * #write}: a link the kernel would follow is written through, one planted in a sticky world-writable directory is
     * replaced by a new file renamed over it. A failure to open is a {@link WriteException} with the message {@link
     * #write} gives; the stream's own write errors are its caller's (probe's {@link FirstWriteFailure}).
     */
    public static OutputStream open(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        // each attempt fails only if FILE changed kind between the check and the open (a link or a file appeared)
        for (int attempt = 0; ; attempt++) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new WriteException("cannot write " + file + ": it is a directory");
            }
            if (Files.isSymbolicLink(target)) {
                return followed(target, Privileges.self().effectiveUid()) ? openInto(file, target) : replacing(file, target);
            }
            try {
                // O_WRONLY|O_TRUNC|O_NOFOLLOW: a regular file, a device or a FIFO; ELOOP if a link took its place
                return Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                try {
                    // O_CREAT|O_EXCL (mode 0666 less the umask): EEXIST, never a followed link, if something appeared
                    return Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (FileAlreadyExistsException again) {
                    if (attempt >= 3) {
                        throw new WriteException("cannot write " + file + ": it keeps changing", again);
                    }
                } catch (IOException c) {
                    throw failedCreate(file, target, c);
                }
            } catch (FileSystemException e) {
                if (!Files.isSymbolicLink(target) || attempt >= 3) {
                    throw failedInto(file, e);
                }
            }
        }
    }

    /** Opens a device, a FIFO or a followed link as {@code >} opens it (O_CREAT|O_TRUNC). */
    private static OutputStream openInto(Path file, Path target) throws WriteException {
        try {
            return Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw failedInto(file, e);
        }
    }

    /** Replaces a link planted at {@code target} by a new file (O_EXCL, no link followed) renamed over it, open. */
    private static OutputStream replacing(Path file, Path target) throws IOException {
        Path tmp = temporary(file, target);
        OutputStream stream = null;
        try {
            // created with O_EXCL by this process a moment ago; O_NOFOLLOW all the same
            stream = Files.newOutputStream(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return stream;
        } catch (IOException e) {
            if (stream != null) {
                stream.close();
            }
            Files.deleteIfExists(tmp);
            throw switch (e) {
                case AtomicMoveNotSupportedException a -> new WriteException("cannot write " + file + ": cannot rename a file in "
                        + target.getParent(), a);
                case FileSystemException f -> new WriteException("cannot write " + file + ": " + reason(f), f);
                default -> new WriteException("cannot write " + file + ": " + e.getMessage(), e);
            };
        }
    }

    /** The message of a failed create of a new {@code file}: those of {@link #write}'s temporary file, about its directory. */
    private static WriteException failedCreate(Path file, Path target, IOException e) {
        Path dir = target.getParent();
        return switch (e) {
            case AccessDeniedException a -> new WriteException("cannot write " + file + ": permission denied in directory " + dir
                    + " (choose a directory you may write to)", a);
            case NoSuchFileException n -> new WriteException("cannot write " + file + ": directory " + dir + " does not exist", n);
            case FileSystemException f -> new WriteException("cannot write " + file + ": " + reason(f), f);
            default -> new WriteException("cannot write " + file + ": " + e.getMessage(), e);
        };
    }

    /**
     * Is {@code target} written into rather than replaced: a device, a FIFO, or a link the kernel
     * would follow? A directory is refused.
     */
    private static boolean writtenInto(Path file, Path target) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new WriteException("cannot write " + file + ": it is a directory");
        }
        return Files.isSymbolicLink(target) ? followed(target, Privileges.self().effectiveUid()) : isSpecial(target);
    }

    /** A new empty file beside {@code target} (O_EXCL, mode 0666 less the umask, as an ordinary create gives). */
    private static Path temporary(Path file, Path target) throws WriteException {
        Path dir = target.getParent();
        try {
            return Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        } catch (AccessDeniedException e) {
            throw new WriteException("cannot write " + file + ": permission denied in directory " + dir
                    + " (choose a directory you may write to)", e);
        } catch (NoSuchFileException e) {
            throw new WriteException("cannot write " + file + ": directory " + dir + " does not exist", e);
        } catch (FileSystemException e) {
            throw new WriteException("cannot write " + file + ": " + reason(e), e);
        } catch (IOException e) {
            throw new WriteException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A device, FIFO or socket: it exists and is neither a regular file, a directory nor a link. */
    static boolean isSpecial(Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isOther();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Would the kernel follow {@code link} for a process of {@code uid} under {@code
     * fs.protected_symlinks=1}? Yes unless its directory is sticky and world-writable and the link
     * belongs neither to {@code uid} nor to the directory's owner (fs/namei.c, may_follow_link).
     */
    static boolean followed(Path link, int uid) throws IOException {
        Path dir = link.getParent();
        int dirMode = (Integer) Files.getAttribute(dir, "unix:mode");
        boolean shared = (dirMode & 01002) == 01002; // S_ISVTX and S_IWOTH
        int linkUid = (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return !shared || linkUid == uid || linkUid == (Integer) Files.getAttribute(dir, "unix:uid");
    }

    /** Writes through {@code target} as {@code >} would: a device, a FIFO, or a link the user may follow. */
    private static void writeInto(Path file, Path target, String text) throws IOException {
        try {
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw failedInto(file, e);
        }
    }

    /** The message of a failed open or write through {@code file} (a device, a FIFO, a followed link). */
    private static WriteException failedInto(Path file, IOException e) {
        return switch (e) {
            case AccessDeniedException a -> new WriteException("cannot write " + file
                    + ": permission denied (check the permissions of the file it names)", a);
            case FileSystemException f -> new WriteException("cannot write " + file + ": " + reason(f), f);
            default -> new WriteException("cannot write " + file + ": " + e.getMessage(), e);
        };
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
