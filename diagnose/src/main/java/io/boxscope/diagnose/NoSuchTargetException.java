package io.boxscope.diagnose;

/**
 * The target the user named is well formed but not on this host: a cgroup path with no directory in the v2 tree nor
 * in a v1 hierarchy. Distinct from {@link IllegalArgumentException}, which {@link Targets} throws for a spec that is
 * wrong whatever the host holds (a PID too large, a cgroup path with {@code ..}), so that the command line can exit 1
 * for the one and 2 for the other (docs/cli.md, "Exit codes"). A missing PID is the proc module's
 * {@code NoSuchProcessException}, an unknown container its {@code UnknownContainerException}.
 */
public final class NoSuchTargetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoSuchTargetException(String message) {
        super(message);
    }
}
