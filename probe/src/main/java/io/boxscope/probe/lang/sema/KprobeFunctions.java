package io.boxscope.probe.lang.sema;

import java.util.List;
import java.util.Optional;

/**
 * The kernel functions kprobe wildcards are matched against ({@link KernelInfo#kprobeFunctions}). bpftrace 0.17 matches
 * them against tracefs's {@code available_filter_functions}, whose names keep the compiler's suffixes
 * ({@code lookup_fast.constprop.0}, {@code ext4_find_entry.isra.0}) that the kernel's BTF does not name, so
 * {@code kprobe:lookup_fast.constprop.*} (dcsnoop.bt) can match only there or in {@code /proc/kallsyms}.
 *
 * @param names  the functions (unsorted, possibly repeated), or empty when no list could be read: the kernel's BTF
 *               functions are matched then
 * @param source where the names came from, and why the sources before it were not used (for the notice of a
 *               wildcard that matches nothing)
 */
public record KprobeFunctions(Optional<List<String>> names, String source) {
    public KprobeFunctions {
        names = names.map(List::copyOf);
    }

    /** No list: kprobe wildcards are matched against the kernel's BTF functions; {@code why} says why not a list. */
    public static KprobeFunctions btf(String why) {
        return new KprobeFunctions(Optional.empty(), "the functions of the kernel's BTF" + (why.isEmpty() ? "" : " (" + why + ")"));
    }
}
