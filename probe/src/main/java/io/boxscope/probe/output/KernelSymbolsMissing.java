package io.boxscope.probe.output;

import java.util.Objects;

/**
 * {@code addresses} kernel addresses (kstack frames, ksym values) printed in hex because their symbols could not be
 * read, and {@code reason}: which symbols and what failed ({@link io.boxscope.bpf.symbols.KernelSymbolizer}). The
 * run's one notice about it, after its output ({@link Output#kernelSymbolsMissing}).
 */
public record KernelSymbolsMissing(long addresses, String reason) {
    public KernelSymbolsMissing {
        Objects.requireNonNull(reason, "reason");
    }
}
