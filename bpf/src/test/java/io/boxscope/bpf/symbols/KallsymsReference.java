package io.boxscope.bpf.symbols;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kallsyms parser KernelSymbols had before it parsed bytes (regex split per line, list of records sorted
 * stably), kept as the independent oracle for {@link KernelSymbolsEquivalenceTest}: the new parser must give
 * every address the same symbol, module, aliases and skipped count.
 */
final class KallsymsReference {
    private final long[] addresses;
    private final String[] names;
    private final String[] modules;
    final int skipped;

    private KallsymsReference(long[] addresses, String[] names, String[] modules, int skipped) {
        this.addresses = addresses;
        this.names = names;
        this.modules = modules;
        this.skipped = skipped;
    }

    static KallsymsReference parse(String text) {
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
        return new KallsymsReference(addrs, names, mods, skipped);
    }

    int size() {
        return addresses.length;
    }

    long[] addresses() {
        return addresses.clone();
    }

    Optional<Symbol> resolve(long address) {
        int lo = 0;
        int hi = addresses.length - 1;
        int i = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                i = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (i < 0) {
            return Optional.empty();
        }
        int first = i;
        while (first > 0 && addresses[first - 1] == addresses[i]) {
            first--;
        }
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

    Optional<Long> address(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return Optional.of(addresses[i]);
            }
        }
        return Optional.empty();
    }

    private static int underscores(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == '_') {
            n++;
        }
        return n;
    }
}
