package io.boxscope.bpf;

/**
 * The kernel refused for lack of privilege (EPERM or EACCES). The CLI maps it to exit code 3.
 * Under kernel lockdown some operations (kprobes, fentry) fail this way even as root.
 */
public final class BpfPermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    public BpfPermissionException(String operation, int errno) {
        super(operation, errno, message(operation, errno,
                "run as root or grant CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8);"
                        + " under kernel lockdown some program and attach types stay forbidden"), true);
    }
}
