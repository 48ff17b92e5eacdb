package io.boxscope.bpf.symbols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kernel addresses to names, from {@code /proc/kallsyms} (for bpftrace's {@code kstack} and {@code ksym}).
 * Each line is {@code ADDRESS TYPE NAME [MODULE]} (kernel/kallsyms.c, s_show); only text symbols
 * ({@code t}/{@code T}, and weak {@code w}/{@code W}) are kept, because stack addresses are code.
 * kallsyms has no sizes: an address belongs to the nearest symbol at or below it, up to the next
 * symbol.
 * When {@code kptr_restrict} hides addresses every address reads 0; {@link #read} then fails with a hint.
 */
public final class KernelSymbols {
    private final long[] addresses;
    private final String[] names;
    private final String[] modules;
    private final int skipped;

    private KernelSymbols(long[] addresses, String[] names, String[] modules, int skipped) {
        this.addresses = addresses;
        this.names = names;
        this.modules = modules;
        this.skipped = skipped;
    }

    /** Parses kallsyms text (pure). Lines that are not {@code ADDRESS TYPE NAME [MODULE]} are counted in {@link #skipped()}. */
    public static KernelSymbols parse(String text) {
        record Entry(long address, String name, String module) {}
        List<Entry> entries = new ArrayList<>();
        int skipped = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("[ \t]+");
            if (f.length < 3 || f[1].length() != 1 || f[0].isEmpty() || f[0].length() > 16) {
                skipped++;
                continue;
            }
            long addr;
            try {
                addr = Long.parseUnsignedLong(f[0], 16);
            } catch (NumberFormatException e) {
                skipped++;
                continue;
            }
            char type = f[1].charAt(0);
            if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
                continue;
            }
            String module = f.length > 3 && f[3].startsWith("[") && f[3].endsWith("]") ? f[3] : "[kernel]";
            entries.add(new Entry(addr, f[2], module));
        }
        entries.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        long[] addrs = new long[entries.size()];
        String[] names = new String[entries.size()];
        String[] mods = new String[entries.size()];
        for (int i = 0; i < addrs.length; i++) {
            addrs[i] = entries.get(i).address();
            names[i] = entries.get(i).name();
            mods[i] = entries.get(i).module();
        }
        return new KernelSymbols(addrs, names, mods, skipped);
    }

    /** Reads {@code procRoot/kallsyms} (normally {@code /proc}); fails when every address is hidden. */
    public static KernelSymbols read(Path procRoot) throws IOException {
        Path f = procRoot.resolve("kallsyms");
        KernelSymbols k = parse(Files.readString(f, StandardCharsets.ISO_8859_1));
        if (k.size() > 0 && k.addresses[k.size() - 1] == 0) {
            throw new IOException(f + " shows every address as 0: kernel.kptr_restrict hides them from this user; "
                    + "run as root (with CAP_SYSLOG) or set sysctl kernel.kptr_restrict=0");
        }
        return k;
    }

    /** Number of text symbols. */
    public int size() {
        return addresses.length;
    }

    /** Lines that could not be parsed. */
    public int skipped() {
        return skipped;
    }

    /** The text symbol containing {@code address}, or empty below the first symbol or past the module's end. */
    public Optional<Symbol> resolve(long address) {
        int i = floor(address);
        if (i < 0) {
            return Optional.empty();
        }
        int first = i;
        while (first > 0 && addresses[first - 1] == addresses[i]) {
            first--;
        }
        // several names at one address (_text, _stext...): the one with the fewest leading underscores, then
        // the first in kallsyms order
        int best = first;
        for (int j = first; j <= i; j++) {
            if (underscores(names[j]) < underscores(names[best])) {
                best = j;
            }
        }
        List<String> aliases = new ArrayList<>();
        for (int j = first; j <= i; j++) {
            if (j != best) {
                aliases.add(names[j]);
            }
        }
        return Optional.of(new Symbol(names[best], addresses[i], address - addresses[i], modules[best], aliases));
    }

    private static int underscores(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == '_') {
            n++;
        }
        return n;
    }

    /** The address of text symbol {@code name} (the first one, if several modules define it). */
    public Optional<Long> address(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return Optional.of(addresses[i]);
            }
        }
        return Optional.empty();
    }

    private int floor(long address) {
        int lo = 0;
        int hi = addresses.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "kernel symbols (" + addresses.length + " text symbols" + (skipped > 0 ? ", " + skipped + " lines skipped" : "") + ")";
    }
}
