package io.boxscope.proc.tasks;

/**
 * One open file descriptor of a process (proc(5): /proc/PID/fd/N's link target and /proc/PID/fdinfo/N).
 *
 * @param fd     the descriptor number
 * @param kind   what it refers to, from the link target's form
 * @param target the link target as the kernel prints it ({@code /etc/hosts}, {@code socket:[1234]},
 *               {@code pipe:[99]}, {@code anon_inode:[eventfd]})
 * @param inode  the inode number in brackets for sockets and pipes, else 0
 * @param flags  the open flags from fdinfo's {@code flags:} line (octal there), -1 when unreadable
 * @param socket for sockets whose inode the process's network namespace tables list: the endpoint; else null
 */
public record OpenFd(int fd, Kind kind, String target, long inode, int flags, SocketEndpoint socket) {
    /** The forms of an fd link target. */
    public enum Kind { FILE, SOCKET, PIPE, ANON_INODE, OTHER }

    /** The kind and inode of a link target. */
    public static OpenFd of(int fd, String target, int flags, SocketEndpoint socket) {
        Kind k;
        long ino = 0;
        if (target.startsWith("/")) {
            k = Kind.FILE;
        } else if (target.startsWith("socket:[")) {
            k = Kind.SOCKET;
            ino = bracketed(target);
        } else if (target.startsWith("pipe:[")) {
            k = Kind.PIPE;
            ino = bracketed(target);
        } else if (target.startsWith("anon_inode:")) {
            k = Kind.ANON_INODE;
        } else {
            k = Kind.OTHER;
        }
        return new OpenFd(fd, k, target, ino, flags, socket);
    }

    private static long bracketed(String t) {
        int a = t.indexOf('[');
        int b = t.indexOf(']', a + 1);
        if (a < 0 || b < 0) {
            return 0;
        }
        try {
            return Long.parseLong(t.substring(a + 1, b));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
