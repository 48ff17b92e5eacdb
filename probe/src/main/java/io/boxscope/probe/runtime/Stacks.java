package io.boxscope.probe.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.symbols.KernelSymbolizer;
import io.boxscope.bpf.symbols.KernelSymbols;
import io.boxscope.bpf.symbols.ProcessSymbolizer;
import io.boxscope.bpf.symbols.Symbol;
import io.boxscope.probe.codegen.StackMaps;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.probe.output.Value;

/**
 * kstack, ustack and ksym values back to text: stack ids are looked up in the stack trace map of their frame limit, addresses
 * symbolized with /proc/kallsyms ({@link KernelSymbols#shared}, one table per process) or the process's mappings
 * ({@link ProcessSymbolizer}, one per pid). A frame prints as bpftrace 0.17 prints it: {@code name+offset}
 * with a decimal offset, the bare address in hex when no symbol covers it; ksym prints the name only. Kernel
 * addresses go through one {@link KernelSymbolizer} a run, which counts those left in hex because kallsyms could not
 * be read, for the run's one notice ({@link #kernelSymbolsMissing}). A stack whose frames cannot be read (a negative id:
 * bpf_get_stackid failed in the kernel; an id no longer in the map) prints empty, as in bpftrace 0.17, and is counted
 * by errno for the run's other notice ({@link #stacksUnread}).
 */
final class Stacks {
    private final IntFunction<BpfMap> maps;
    private final Path proc;
    private final KernelSymbolizer kernel;
    private final Map<Integer, ProcessSymbolizer> processes = new HashMap<>();
    /**
     * The pass user addresses are resolved in ({@link ProcessSymbolizer#resolve(long, long)}): one per map read
     * ({@link #beginPass}), whose stacks were all captured before it, so an address in no mapping re-reads the process's
     * maps once a read, not once a frame; {@link ProcessSymbolizer#NO_PASS} for values decoded one event at a time.
     */
    private long pass = ProcessSymbolizer.NO_PASS;
    private long passes;
    /** Stacks printed empty so far, by positive errno. */
    private final Map<Integer, Long> unread = new HashMap<>();

    /**
     * {@code maps}: the program's stack trace map for a kstack/ustack frame limit ({@link StackMaps#name}); null when
     * the program has none (no kstack or ustack: nothing reads it).
     */
    Stacks(IntFunction<BpfMap> maps, Path proc) {
        this.maps = maps;
        this.proc = proc;
        this.kernel = new KernelSymbolizer(proc);
    }

    /**
     * The symbol of a kernel address: kallsyms unreadable (kptr_restrict, no file), or its part beyond the cached
     * image's text unreadable, leaves the address in hex, counted for {@link #kernelSymbolsMissing}.
     */
    private Optional<Symbol> kernelSymbol(long addr) {
        return kernel.resolve(addr);
    }

    /** Kernel addresses printed in hex because their symbols could not be read, and why; empty when none were. */
    Optional<KernelSymbolsMissing> kernelSymbolsMissing() {
        long n = kernel.unresolved();
        return n == 0 ? Optional.empty() : Optional.of(new KernelSymbolsMissing(n, kernel.unavailable().orElseThrow()));
    }

    /** Stacks printed empty because their frames could not be read, by errno; empty when none were. */
    Optional<StacksUnread> stacksUnread() {
        return unread.isEmpty() ? Optional.empty() : Optional.of(new StacksUnread(unread));
    }

    /** The distinct kernel addresses left in hex so far, and why ({@link KernelSymbolizer#unresolvedAddresses}). */
    java.util.Set<Long> unresolvedKernelAddresses() {
        return kernel.unresolvedAddresses();
    }

    /** Why kernel symbols were missing; empty while none were. */
    Optional<String> kernelSymbolsUnavailable() {
        return kernel.unavailable();
    }

    /** A map read begins: its user addresses are resolved in a new pass; {@link #endPass} when it is decoded. */
    void beginPass() {
        pass = passes++;
    }

    /** The map read is decoded: user addresses decoded later (one event at a time) re-read maps as before. */
    void endPass() {
        pass = ProcessSymbolizer.NO_PASS;
    }

    String ksym(long addr) {
        return kernelSymbol(addr).map(Symbol::name).orElse(pointer(addr));
    }

    /** An address without a symbol as bpftrace 0.17 writes it, C++'s {@code << (void *)addr}: 0x1f, or 0 for null. */
    static String pointer(long addr) {
        return addr == 0 ? "0" : "0x" + Long.toHexString(addr);
    }

    /** usym(): the function name in process {@code pid}, or the address in hex (the process may be gone). */
    String usym(long addr, int pid) {
        Optional<Symbol> s = pid > 0 ? processes.computeIfAbsent(pid, p -> ProcessSymbolizer.of(proc, p)).resolve(addr, pass) : Optional.empty();
        return s.map(Symbol::name).orElse(pointer(addr));
    }

    /**
     * The frames of stack {@code id} in the map of {@code limit}. A negative id is bpf_get_stackid's error, stored as
     * the value (kernel/bpf/stackmap.c: -EEXIST, -ENOMEM, -EFAULT); an id the map no longer holds is ENOENT (the
     * lookup's error, as bpftrace 0.17 reports it). Either prints empty as in bpftrace and is counted.
     */
    List<Value.Frame> frames(int id, boolean user, int pid, int limit, boolean perf) {
        List<Value.Frame> out = new ArrayList<>();
        if (id < 0) {
            unread.merge(-id, 1L, Long::sum);
            return out;
        }
        long[] ips = maps.apply(limit).stack(id);
        if (ips == null) {
            unread.merge(2, 1L, Long::sum); // ENOENT
            return out;
        }
        for (int i = 0; i < ips.length && i < limit; i++) {
            long ip = ips[i];
            Optional<Symbol> s;
            if (user) {
                s = pid > 0 ? processes.computeIfAbsent(pid, p -> ProcessSymbolizer.of(proc, p)).resolve(ip, pass) : Optional.empty();
            } else {
                s = kernelSymbol(ip);
            }
            String text = s.map(x -> x.name() + "+" + x.offset()).orElse("0x" + Long.toHexString(ip));
            if (perf && user && s.isPresent()) {
                text = text + " (" + s.get().module() + ")";
            }
            out.add(new Value.Frame(ip, text));
        }
        return out;
    }
}
