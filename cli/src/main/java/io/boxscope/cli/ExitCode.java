package io.boxscope.cli;

/** Boxscope's exit codes, the same for every command. */
public final class ExitCode {
    public static final int OK = 0;
    /** Something failed at run time: a file, the kernel, a container runtime. */
    public static final int FAILURE = 1;
    /** The command line was wrong: unknown option, bad value, unknown container name. */
    public static final int USAGE = 2;
    /** Not allowed: run as root, or grant the named capability. */
    public static final int PRIVILEGE = 3;

    private ExitCode() {}
}
