package io.boxscope.bpf.syscalls;

import java.util.LinkedHashMap;
import java.util.Map;
import io.boxscope.bpf.sys.Arch;

/**
 * System call numbers ↔ names for one architecture, as the raw_syscalls tracepoints report them.
 * Built in (see {@link SyscallNames} for the source) rather than read from headers, which a host
 * rarely has installed.
 */
public final class SyscallTable {
    private final Arch arch;
    private final String[] names;
    private final Map<String, Integer> numbers = new LinkedHashMap<>();

    private SyscallTable(Arch arch, String[] names) {
        this.arch = arch;
        this.names = names;
        for (int i = 0; i < names.length; i++) {
            if (!names[i].isEmpty()) {
                numbers.put(names[i], i);
            }
        }
    }

    public static SyscallTable of(Arch arch) {
        return switch (arch) {
            case X86_64 -> new SyscallTable(arch, SyscallNames.X86_64);
            case AARCH64 -> new SyscallTable(arch, SyscallNames.AARCH64);
            case RISCV64 -> new SyscallTable(arch, SyscallNames.RISCV64);
            case LOONGARCH64 -> new SyscallTable(arch, SyscallNames.LOONGARCH64);
            case S390X -> new SyscallTable(arch, SyscallNames.S390X);
            case PPC64LE -> new SyscallTable(arch, SyscallNames.PPC64LE);
        };
    }

    /** The table of the running architecture. */
    public static SyscallTable current() {
        return of(Arch.current());
    }

    public Arch arch() {
        return arch;
    }

    /** The name, or "[unknown: N]" for a number this table lacks (newer kernel, or -1 for none). */
    public String name(long nr) {
        if (nr >= 0 && nr < names.length && !names[(int) nr].isEmpty()) {
            return names[(int) nr];
        }
        return "[unknown: " + nr + "]";
    }

    /** The number, or -1. */
    public int number(String name) {
        return numbers.getOrDefault(name, -1);
    }

    /** Every known number → name, in number order. */
    public Map<Integer, String> all() {
        Map<Integer, String> out = new LinkedHashMap<>();
        numbers.forEach((n, i) -> out.put(i, n));
        return out;
    }
}
