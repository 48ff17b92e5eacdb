package io.boxscope.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the reader of a file descriptor's pipe (or the peer of its socket) is gone, asked of the kernel rather than
 * read from an exception's text: the JDK's IOException carries strerror(3) of the errno in the process's locale
 * ("Broken pipe" in C, "Datenübergabe unterbrochen (broken pipe)" under LANG=de_DE.UTF-8, OutputErrorsTest), and no
 * errno. poll(2) with a zero timeout reports POLLERR on the write end of a pipe with no reader left (Linux
 * fs/pipe.c, pipe_poll: {@code if (!pipe->readers) mask |= EPOLLERR}) and POLLERR or POLLHUP on a socket its peer
 * shut (net/unix/af_unix.c, unix_poll); a terminal, a regular file or /dev/full reports neither, so their write
 * errors (ENOSPC, EIO) are still said.
 *
 * <p>Two cases on the edges. A terminal that hung up reports POLLHUP (drivers/tty/tty_io.c, hung_up_tty_poll; a
 * pty whose master closed, drivers/tty/n_tty.c, n_tty_poll on TTY_OTHER_CLOSED): it counts as a reader gone, and
 * the tool exits 0 as it does for a closed pipe (nobody is left to read an error). A socket whose peer only shut down its reading side (shutdown(2) SHUT_RD) makes write(2) fail with EPIPE
 * without POLLERR or POLLHUP on our end (the peer's SHUT_RD marks our end SEND_SHUTDOWN only; unix_poll sets
 * POLLHUP when both directions are shut and POLLERR on a socket error): poll then says the reader is there, and the caller's fallback on the message's text applies.
 *
 * <p>poll's {@code nfds_t} is {@code unsigned long} (glibc's sys/poll.h, musl's poll.h): 64 bits on LP64 Linux,
 * 32 on ILP32 (i386, arm); the downcall takes the platform's {@code long} layout, not a fixed 64-bit one.
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
            MemoryLayout nfds = linker.canonicalLayouts().get("long");
            poll = linker.downcallHandle(linker.defaultLookup().find("poll").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, nfds, JAVA_INT));
            // one call site whatever the width of long: a 32-bit long takes the (small) count narrowed
            poll = MethodHandles.explicitCastArguments(poll,
                    MethodType.methodType(int.class, MemorySegment.class, long.class, int.class));
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
