package io.boxscope.tools.stacks;

import java.util.List;
import java.util.Objects;

/**
 * One distinct stack and its weight (samples for profile, microseconds for offcputime), symbolized.
 * Frames are innermost first, as the kernel's stack map holds them; a frame is a function name, or
 * {@code [unknown]} when no symbol covers its address (libbpf-tools prints the same).
 *
 * @param pid the process (thread group) the stack was taken in
 * @param comm the thread's command name (attacker-controlled: escape where rendered)
 * @param user user-space frames; empty when there is no user stack (a kernel thread, or -K)
 * @param kernel kernel frames; empty when the sample was taken in user mode (or -U)
 * @param weight what the stack is worth: samples or microseconds
 */
public record StackSample(int pid, String comm, List<String> user, List<String> kernel, long weight) {
    public StackSample {
        Objects.requireNonNull(comm, "comm");
        user = List.copyOf(user);
        kernel = List.copyOf(kernel);
        if (weight < 0) {
            throw new IllegalArgumentException("a stack's weight cannot be negative: " + weight);
        }
    }

    /**
     * Written out rather than the record's generated equals and hashCode: those are bound at their first call through
     * an invokedynamic bootstrap (java.lang.runtime.ObjectMethods) that spins ~13 method-handle classes at run time,
     * which C1 then compiles: in {@code boxscope diagnose} (which merges stacks by name) part of the CPU a busy target
     * pays for (issue 15; docs/benchmarks.md, "diagnose: classes spun at run time"). The same fields, the same meaning.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof StackSample s && pid == s.pid && weight == s.weight && comm.equals(s.comm)
                && user.equals(s.user) && kernel.equals(s.kernel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, comm, user, kernel, weight);
    }

    /** The frame that was running: the innermost user frame when the sample has no kernel frame. */
    public String leaf() {
        if (!kernel.isEmpty()) {
            return kernel.getFirst();
        }
        return user.isEmpty() ? "[" + comm + "]" : user.getFirst();
    }

    /** The innermost user-space function (what the program itself was running), or empty. */
    public java.util.Optional<String> userLeaf() {
        return user.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(user.getFirst());
    }
}
