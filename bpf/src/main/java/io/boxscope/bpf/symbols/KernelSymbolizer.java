package io.boxscope.bpf.symbols;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One run's use of the shared kernel symbol table ({@link KernelSymbols#shared}) that keeps count of what it could
 * not name, so the run can say so once instead of printing bare addresses without a word (a probe run's kstack
 * and ksym values go through one).
 *
 * <p>Two failures are possible. The table cannot be got at all ({@link KernelSymbols#read} fails: kptr_restrict
 * hides the addresses from this user, no kallsyms): every address is then left unresolved. Or the table of the
 * kernel image's text came from the per-boot cache ({@link KallsymsCache}) and reading the rest of kallsyms for
 * an address outside it failed ({@link UncheckedIOException} from {@link KernelSymbols#resolve}): the image's table
 * is kept, its addresses are still named, and only addresses outside it are left; the rest is not tried again in
 * this run, so a module's frame is not named in one sample and hex in the next. Each address left unresolved by
 * either is counted in {@link #unresolved}, and the first failure is {@link #unavailable}. An address below every
 * symbol is not a failure (bpftrace prints it in hex too) and is not counted. Not thread-safe.
 */
public final class KernelSymbolizer {
    /** Where the table comes from: {@link KernelSymbols#shared}, or a test's table. */
    interface Source {
        KernelSymbols get() throws IOException;
    }

    private final Source source;
    private KernelSymbols table;
    private String unavailable;
    /** Whether the rest of kallsyms (beyond the cached image's text) failed to read; the table is kept. */
    private boolean restUnavailable;
    private long unresolved;
    /** The distinct addresses among {@link #unresolved}: a caller that shows only some stacks counts only theirs. */
    private final java.util.Set<Long> unresolvedAddresses = new java.util.HashSet<>();

    /** Symbols of {@code procRoot/kallsyms} through {@link KernelSymbols#shared}, got on first use. */
    public KernelSymbolizer(Path procRoot) {
        this(() -> KernelSymbols.shared(procRoot));
    }

    KernelSymbolizer(Source source) {
        this.source = source;
    }

    /** The text symbol containing {@code address}; empty below every symbol, or when the symbols could not be read. */
    public Optional<Symbol> resolve(long address) {
        if (table == null && unavailable == null) {
            try {
                table = source.get();
            } catch (IOException e) {
                unavailable = "kernel symbols could not be read: " + why(e);
            }
        }
        if (table == null || (restUnavailable && !table.answersWithoutReading(address))) {
            unresolved++;
            unresolvedAddresses.add(address);
            return Optional.empty();
        }
        try {
            return table.resolve(address);
        } catch (UncheckedIOException e) {
            restUnavailable = true;
            unavailable = "kernel symbols outside the kernel image's text (modules, BPF programs, trampolines) could not be read: "
                    + why(e.getCause());
            unresolved++;
            unresolvedAddresses.add(address);
            return Optional.empty();
        }
    }

    /** Addresses left unresolved because the symbols (or those outside the image's text) could not be read. */
    public long unresolved() {
        return unresolved;
    }

    /**
     * The distinct addresses left unresolved so far (each once, however often it was looked up), for a caller that
     * says how many of the addresses it shows were left unnamed rather than how many lookups failed; a copy.
     */
    public java.util.Set<Long> unresolvedAddresses() {
        return java.util.Set.copyOf(unresolvedAddresses);
    }

    /** Why symbols were missing, saying which ones and what failed; empty while nothing failed. */
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    /** An I/O error in words: NIO's file exceptions carry only the path as their message. */
    static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return e.getMessage() + ": permission denied";
        }
        return String.valueOf(e.getMessage());
    }
}
