package io.boxscope.probe.output;

import java.util.Objects;

/**
 * {@code addresses} kernel addresses (kstack frames, ksym values) left without a name because their symbols could
 * not be read, and {@code reason}: which symbols and what failed ({@link io.boxscope.bpf.symbols.KernelSymbolizer}).
 * Every command that symbolizes kernel stacks says it once, in the words of {@link #sentence}: {@code probe} after its
 * output ({@link Output#kernelSymbolsMissing}), {@code profile}, {@code offcputime} and {@code diagnose} in their
 * results (never lose data silently).
 */
public record KernelSymbolsMissing(long addresses, String reason) {
    public KernelSymbolsMissing {
        Objects.requireNonNull(reason, "reason");
    }

    /** How a command shows an address it could not name, which the sentence says. */
    public enum Shown {
        /** probe, as bpftrace: the frame or ksym value is the address in hex. */
        HEX("kernel address", "kernel addresses", "printed in hex"),
        /**
         * profile, offcputime, diagnose, as libbpf-tools: the frame is {@code [unknown]} (tools' StackSamples); the count
         * is of the distinct addresses in the stacks they show ({@code StackRun.Result#kernelSymbolsMissing}): merged
         * stacks show one frame for several addresses, one address can be in many stacks.
         */
        UNKNOWN("distinct kernel address", "distinct kernel addresses", "in the stacks shown as [unknown]");

        private final String one;
        private final String many;
        private final String how;

        Shown(String one, String many, String how) {
            this.one = one;
            this.many = many;
            this.how = how;
        }
    }

    /**
     * The one sentence, without a newline: {@code 12 kernel addresses printed in hex: kernel symbols could not be read:
     * /proc/kallsyms shows every address as 0: ...}. The reason is the reader's, unescaped (each renderer escapes it
     * for its terminal, JSON or HTML).
     */
    public String sentence(Shown shown) {
        return Long.toUnsignedString(addresses) + " " + (addresses == 1 ? shown.one : shown.many) + " " + shown.how + ": " + reason;
    }
}
