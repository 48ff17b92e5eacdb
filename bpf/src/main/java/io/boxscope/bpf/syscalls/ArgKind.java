package io.boxscope.bpf.syscalls;

/**
 * What a system call argument is, for a decoder reading {@code sys_enter}'s {@code args[6]}: which
 * need a user-space read (strings, paths, buffers, socket addresses), which are descriptors to resolve,
 * which are bit sets to print symbolically. Classified from the argument's C type and name in the
 * kernel's {@code events/syscalls/sys_enter_*}{@code /format} file (see {@link SyscallSignatureParser}).
 */
public enum ArgKind {
    /** {@code const char *} naming a file ({@code filename}, {@code pathname}, {@code oldname}...): a NUL-terminated user string. */
    PATH,
    /** Another NUL-terminated user string ({@code const char *} without a length argument: xattr names, fs types). */
    STRING,
    /** {@code char *}/{@code void *} with a length in another argument ({@link SyscallArg#lengthArg()}); const = written by the caller. */
    BUFFER,
    /** {@code struct sockaddr *} with its length in another argument (an {@code int}, or an {@code int *} for accept/getsockname). */
    SOCKADDR,
    /** A file descriptor ({@code fd}, {@code dfd}, {@code oldfd}, {@code epfd}, {@code mqd_t}...); AT_FDCWD is -100. */
    FD,
    /** A bit set of flags ({@code flags}, {@code oflag}...). */
    FLAGS,
    /** File mode bits ({@code umode_t}). */
    MODE,
    /** A process or thread id ({@code pid_t}, {@code pid}, {@code tgid}, {@code tid}). */
    PID,
    /** A user id ({@code uid_t}). */
    UID,
    /** A group id ({@code gid_t}). */
    GID,
    /** A signal number ({@code sig}, {@code signum}). */
    SIGNAL,
    /** Any other user-space pointer (a struct, an array, an out-parameter). */
    POINTER,
    /** Any other integer (counts, offsets, commands, ids). */
    INTEGER
}
