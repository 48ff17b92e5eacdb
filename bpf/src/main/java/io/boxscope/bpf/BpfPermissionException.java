package io.boxscope.bpf;

/**
 * The kernel refused with EPERM or EACCES: either this process lacks CAP_BPF and CAP_PERFMON (or
 * CAP_SYS_ADMIN), or it has them and kernel lockdown or a security module forbids the operation
 * (kprobes and fentry fail this way even as root). This module cannot tell which (it does not read
 * /proc), so the message names both; the CLI reads the effective capabilities (proc's Privileges)
 * and reports a missing privilege (exit 3) only when they are missing, else a refusal (exit 1).
 */
public final class BpfPermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    public BpfPermissionException(String operation, int errno) {
        super(operation, errno, message(operation, errno,
                "this needs CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8); a process that has them"
                        + " is refused only by kernel lockdown or a security module"), true);
    }
}
