package io.boxscope.cli;

/**
 * Something the user named is not there: a cgroup directory, a disk. Exit 1, as for a PID
 * ({@code NoSuchProcessException}) or a container ({@code UnknownContainerException}) that does not exist: the
 * command line was well formed and the system did not have what it named, which is how pmap(1) (exit 42),
 * ps(1), kill(1) and {@code docker inspect} (exit 1) treat it; exit 2 is kept for command lines that are
 * wrong whatever the system holds (docs/cli.md, "Exit codes").
 */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
