package io.boxscope.proc;

/** The PID does not exist (or exited while it was being read). */
public final class NoSuchProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int pid;

    public NoSuchProcessException(int pid, String procRoot) {
        super("no process with PID " + pid + " (nothing at " + procRoot + "/" + pid + ")");
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }
}
