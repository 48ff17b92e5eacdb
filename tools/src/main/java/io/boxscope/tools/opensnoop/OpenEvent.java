package io.boxscope.tools.opensnoop;

import java.time.LocalTime;

/**
 * One open(), openat() or openat2() as libbpf-tools' opensnoop prints it.
 *
 * @param time      local time the event was read (opensnoop -T)
 * @param pid       process id
 * @param uid       user id
 * @param comm      process name
 * @param ret       the call's result: a file descriptor, or -errno
 * @param flags     the open flags (O_*, octal in -e's FLAGS column; {@link OpenFlags} names them)
 * @param mode      the mode given with O_CREAT or O_TMPFILE (0 otherwise)
 * @param path      the path as the process passed it
 * @param container the container's name, or null on the host
 */
public record OpenEvent(LocalTime time, int pid, int uid, String comm, int ret, int flags, int mode, String path, String container) {
    /** The FD column: the descriptor, or -1 for a failed call. */
    public int fd() {
        return ret >= 0 ? ret : -1;
    }

    /** The ERR column: the errno of a failed call, else 0. */
    public int errno() {
        return ret >= 0 ? 0 : -ret;
    }

    /** Whether a mode was given (opensnoop -e prints {@code n/a} otherwise). */
    public boolean hasMode() {
        return mode != 0 || OpenFlags.takesMode(flags);
    }
}
