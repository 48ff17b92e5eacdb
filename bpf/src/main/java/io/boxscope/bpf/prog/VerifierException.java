package io.boxscope.bpf.prog;

import io.boxscope.bpf.BpfException;

/**
 * The verifier rejected a program. Carries the verifier's log and, where the log names the failing
 * instruction, Boxscope's disassembly of the instructions around it.
 */
public final class VerifierException extends BpfException {
    private static final long serialVersionUID = 1L;
    private final String log;
    private final int failedInsn;

    VerifierException(String operation, int errno, String message, String log, int failedInsn) {
        super(operation, errno, message, true);
        this.log = log;
        this.failedInsn = failedInsn;
    }

    /** The verifier's complete log (log_level 1). */
    public String log() {
        return log;
    }

    /** Index of the instruction the verifier stopped at, or -1 if the log does not say. */
    public int failedInstruction() {
        return failedInsn;
    }
}
