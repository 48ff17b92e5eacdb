package io.boxscope.cli;

/** The command needs a privilege it does not have (exit 3); the message names the capability. */
public final class PrivilegeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PrivilegeException(String message) {
        super(message);
    }

    /**
     * What to do about a permission error: "run as root", except for root, whom the kernel also
     * refuses at times, e.g. for a process of another user namespace or under a ptrace policy
     * (Yama, lockdown; proc(5), ptrace(2)).
     */
    public static String advice() {
        return "root".equals(System.getProperty("user.name"))
                ? "the kernel refuses it even to root (another user namespace, or a ptrace policy such as Yama)"
                : "run as root";
    }
}
