package io.boxscope.cli;

import io.boxscope.proc.Privileges;

/** The command needs a privilege it does not have (exit 3); the message names the capability. */
public final class PrivilegeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PrivilegeException(String message) {
        super(message);
    }

    /**
     * What to do about a permission error on another process's /proc files, which the kernel guards
     * with its ptrace access check (proc(5), ptrace(2) "Ptrace access mode checking"): "run as root"
     * for an ordinary user; for root without CAP_SYS_PTRACE (a container's root, by default), that
     * capability; and when the process has it, that the kernel refuses even so (another user
     * namespace, or a ptrace policy such as Yama). Decided by uid and capabilities, never by the
     * user name.
     */
    public static String advice() {
        return advice(Privileges.self());
    }

    static String advice(Privileges p) {
        if (p.has(Privileges.CAP_SYS_PTRACE)) {
            return "the kernel refuses it even to root (another user namespace, or a ptrace policy such as Yama)";
        }
        return p.isRoot() ? "grant CAP_SYS_PTRACE (root in a container lacks it unless started with --cap-add SYS_PTRACE)"
                : "run as root";
    }

    /**
     * The message for a BPF operation the kernel refused with EPERM or EACCES; whether that is a
     * missing privilege is decided by {@link Privileges#canTrace()}.
     */
    public static String bpfAdvice(Privileges p) {
        return p.isRoot() ? "grant CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): root in a container lacks them by default"
                : "run as root, or grant CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)";
    }
}
