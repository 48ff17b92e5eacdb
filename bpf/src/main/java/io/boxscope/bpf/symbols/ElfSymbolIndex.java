package io.boxscope.bpf.symbols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import io.boxscope.bpf.elf.ElfException;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.ElfSegment;
import io.boxscope.bpf.elf.ElfSymbol;

/**
 * The functions of one ELF file by address, for symbolizing user-space stacks: defined FUNC/IFUNC symbols
 * of .symtab and .dynsym, plus those of its separate debug file when the file itself is stripped (their
 * addresses agree: a debug file keeps the link-time addresses). Where several names share an address
 * (libc's {@code getpid} and {@code __getpid}) the one with the fewest leading underscores is shown and the
 * others kept as aliases: users know the public name. (perf prefers non-weak names and would show
 * {@code __getpid}.) Immutable; shared across processes by {@link ProcessSymbolizer}'s cache.
 */
public final class ElfSymbolIndex {
    private final String file;
    private final String buildId;
    private final List<ElfSegment> loads;
    private final long[] starts;
    private final long[] sizes;
    private final String[] names;
    private final List<List<String>> aliases;

    private ElfSymbolIndex(String file, String buildId, List<ElfSegment> loads, long[] starts, long[] sizes, String[] names,
            List<List<String>> aliases) {
        this.file = file;
        this.buildId = buildId;
        this.loads = loads;
        this.starts = starts;
        this.sizes = sizes;
        this.names = names;
        this.aliases = aliases;
    }

    /**
     * Indexes {@code elf}'s functions and those of {@code debug} (its separate debug file, or null). The
     * file's own PT_LOAD segments place file offsets ({@link #vaddrOfFileOffset}).
     */
    public static ElfSymbolIndex of(ElfFile elf, ElfFile debug) throws ElfException {
        List<ElfSymbol> fns = new ArrayList<>(elf.functions());
        if (debug != null) {
            fns.addAll(debug.functions());
        }
        // Built once per file on a stack's first frame in it, mostly interpreted (diagnose symbolizes its target's
        // off-CPU stacks once, at the end): libc's 2,200 functions took ~18 ms of CPU with a set, a sorted list and
        // boxed addresses per function; nearly every address has one name, which needs none of them (issue 15).
        fns.sort(BY_VALUE);
        int n = fns.size();
        long[] starts = new long[n];
        long[] sizes = new long[n];
        String[] names = new String[n];
        List<List<String>> aliases = new ArrayList<>(n);
        int count = 0;
        int i = 0;
        while (i < n) {
            ElfSymbol first = fns.get(i);
            long v = first.value();
            int j = i + 1;
            while (j < n && fns.get(j).value() == v) {
                j++;
            }
            if (j == i + 1) {
                names[count] = bare(first.name());
                sizes[count] = Math.max(0, first.size()); // as the group's maximum from 0 below
                aliases.add(List.of());
            } else {
                Set<String> group = new LinkedHashSet<>();
                long size = 0;
                for (int k = i; k < j; k++) {
                    group.add(bare(fns.get(k).name()));
                    size = Math.max(size, fns.get(k).size());
                }
                List<String> sorted = new ArrayList<>(group);
                sorted.sort(PREFERRED);
                names[count] = sorted.get(0);
                sizes[count] = size;
                aliases.add(List.copyOf(sorted.subList(1, sorted.size())));
            }
            starts[count] = v;
            count++;
            i = j;
        }
        List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
        return new ElfSymbolIndex(elf.origin(), elf.buildId().orElse(""), loads, Arrays.copyOf(starts, count),
                Arrays.copyOf(sizes, count), Arrays.copyOf(names, count), aliases);
    }

    /** By address (signed, as before: no function's address reaches 2^63). */
    private static final Comparator<ElfSymbol> BY_VALUE = (a, b) -> Long.compare(a.value(), b.value());

    /** The name shown first: the fewest leading underscores, then the shortest, then alphabetical. */
    private static final Comparator<String> PREFERRED = (a, b) -> {
        int c = Integer.compare(leadingUnderscores(a), leadingUnderscores(b));
        if (c == 0) {
            c = Integer.compare(a.length(), b.length());
        }
        return c != 0 ? c : a.compareTo(b);
    };

    private static String bare(String name) {
        int at = name.indexOf('@');
        return at > 0 ? name.substring(0, at) : name;
    }

    private static int leadingUnderscores(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == '_') {
            n++;
        }
        return n;
    }

    /** The file's GNU build id in hex, empty if it has none. */
    public String buildId() {
        return buildId;
    }

    public int size() {
        return starts.length;
    }

    /**
     * The link-time virtual address of a file offset, through the PT_LOAD segment that maps it
     * ({@code vaddr = off - p_offset + p_vaddr}); -1 when no segment maps that offset.
     */
    public long vaddrOfFileOffset(long fileOffset) {
        for (ElfSegment s : loads) {
            if (Long.compareUnsigned(fileOffset, s.offset()) >= 0 && Long.compareUnsigned(fileOffset - s.offset(), s.filesz()) < 0) {
                return fileOffset - s.offset() + s.vaddr();
            }
        }
        return -1;
    }

    /**
     * The function whose [value, value + size) holds link-time address {@code vaddr}; a symbol of size 0 takes
     * addresses up to the next symbol. {@code module} and {@code runtimeStart} (the symbol's address in the
     * process: {@code address - (vaddr - value)}) describe where it was found.
     */
    public Optional<Symbol> resolve(long vaddr, long address, String module) {
        int lo = 0;
        int hi = starts.length - 1;
        int floor = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], vaddr) <= 0) {
                floor = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (floor < 0) {
            return Optional.empty();
        }
        long off = vaddr - starts[floor];
        if (sizes[floor] != 0 && Long.compareUnsigned(off, sizes[floor]) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Symbol(names[floor], address - off, off, module, aliases.get(floor)));
    }

    @Override
    public String toString() {
        return file + " (" + starts.length + " functions" + (buildId.isEmpty() ? "" : ", build id " + buildId) + ")";
    }
}
