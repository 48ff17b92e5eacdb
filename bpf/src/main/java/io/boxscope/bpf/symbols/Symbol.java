package io.boxscope.bpf.symbols;

import java.util.List;
import java.util.Objects;

/**
 * An address resolved to the symbol that contains it.
 *
 * @param name    the symbol's name ({@code getpid}, {@code do_sys_openat2}, a JIT method from a perf map)
 * @param start   the symbol's start address in the address space it was resolved in
 * @param offset  bytes from {@code start} to the resolved address
 * @param module  where it lives: a file path for user space, a kernel module name ({@code [ext4]}),
 *                {@code [kernel]} for the kernel image, or {@code perf-PID.map} for JIT code
 * @param aliases other names at the same start address (ELF files often have several: {@code __getpid})
 */
public record Symbol(String name, long start, long offset, String module, List<String> aliases) {
    public Symbol {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        aliases = List.copyOf(aliases);
    }

    /** {@code name+0xOFF} as bpftrace's kstack/ustack print a frame ({@code name} alone at offset 0). */
    public String withOffset() {
        return offset == 0 ? name : name + "+0x" + Long.toHexString(offset);
    }

    @Override
    public String toString() {
        return withOffset();
    }
}
