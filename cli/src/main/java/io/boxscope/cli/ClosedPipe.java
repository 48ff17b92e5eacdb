package io.boxscope.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Whether the reader of a file descriptor's pipe (or the peer of its socket) is gone, asked of the kernel rather than
 * read from an exception's text: the JDK's IOException carries strerror(3) of the errno in the process's locale
 * ("Broken pipe" in C, "Datenübergabe unterbrochen (broken pipe)" under LANG=de_DE.UTF-8, OutputErrorsTest), and no
 * errno. poll(2) with a zero timeout reports POLLERR on the write end of a pipe with no reader left (Linux
 * fs/pipe.c, pipe_poll: {@code if (!pipe->readers) mask |= EPOLLERR}) and POLLERR or POLLHUP on a socket its peer
 * shut (net/unix/af_unix.c, unix_poll); a terminal, a regular file or /dev/full reports neither, so their write
 * errors (ENOSPC, EIO) are still said.
 */
final class ClosedPipe {
    private ClosedPipe() {}

    /** poll(2)'s event bits: the same values on every Linux architecture (include/uapi/asm-generic/poll.h). */
    static final short POLLOUT = 0x004;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;

    /**
     * True when {@code fd}'s reader is gone; false when it is not, and when poll(2) cannot be asked (native access
     * refused: the caller then falls back to the C locale's message).
     */
    static boolean readerGone(int fd) {
        MethodHandle poll;
        try {
            Linker linker = Linker.nativeLinker();
            poll = linker.downcallHandle(linker.defaultLookup().find("poll").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        } catch (IllegalCallerException | UnsupportedOperationException | java.util.NoSuchElementException e) {
            return false; // no native access in this JVM: the message is all there is
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8, 4); // struct pollfd { int fd; short events; short revents; }
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, POLLOUT);
            int n = (int) poll.invokeExact(pfd, 1L, 0);
            return n == 1 && (pfd.get(JAVA_SHORT, 6) & (POLLERR | POLLHUP)) != 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("poll(2) through FFM: " + t, t); // invokeExact declares Throwable; poll throws none
        }
    }
}
