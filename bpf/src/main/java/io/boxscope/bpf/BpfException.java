package io.boxscope.bpf;

/**
 * A bpf(2), perf_event_open(2) or related system call failed. The message names the operation, the
 * errno and what to do; {@link #errno()} and {@link #operation()} let callers branch without parsing it.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String operation;

    public BpfException(String operation, int errno, String hint) {
        super(message(operation, errno, hint));
        this.errno = errno;
        this.operation = operation;
    }

    protected BpfException(String operation, int errno, String message, boolean raw) {
        super(message);
        this.errno = errno;
        this.operation = operation;
    }

    /** The errno the kernel returned (0 if the failure was detected in Java). */
    public int errno() {
        return errno;
    }

    /** What was attempted, e.g. "attach tracepoint syscalls:sys_enter_openat". */
    public String operation() {
        return operation;
    }

    /**
     * The right exception for an errno: EPERM and EACCES become {@link BpfPermissionException}, because
     * for bpf(2) and perf_event_open(2) they mean missing CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN (or lockdown).
     */
    public static BpfException of(String operation, int errno) {
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            return new BpfPermissionException(operation, errno);
        }
        return new BpfException(operation, errno, hint(errno));
    }

    static String message(String operation, int errno, String hint) {
        String what = errno == 0 ? "" : ": " + Errno.describe(errno);
        return operation + what + (hint == null || hint.isEmpty() ? "" : " — " + hint);
    }

    private static String hint(int errno) {
        Errno e = Errno.of(errno);
        if (e == null) {
            return "";
        }
        return switch (e) {
            case ENOENT -> "the object does not exist (check the tracepoint, symbol or map key)";
            case E2BIG -> "the kernel refused the size (attribute, program or map too large)";
            case EINVAL -> "the kernel rejected an argument; this kernel may not support the feature";
            case ENOMEM -> "out of memory or over RLIMIT_MEMLOCK/memory cgroup limit";
            case ENOSYS -> "this kernel has no such system call (built without CONFIG_BPF_SYSCALL?)";
            case EOPNOTSUPP, ENOTSUPP -> "this kernel does not support the operation";
            case EBADF -> "a file descriptor was closed or is of the wrong kind";
            case EBUSY -> "already attached or in use";
            case ENODEV -> "the event source does not exist on this machine";
            default -> "";
        };
    }
}
