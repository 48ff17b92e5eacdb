package io.boxscope.bpf.symbols;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JIT's symbol file, {@code /tmp/perf-PID.map} (tools/perf/Documentation/jit-interface.txt): one line per
 * compiled function, {@code START SIZE NAME} with START and SIZE in hex (with or without {@code 0x}) and
 * NAME the rest of the line (JVM method names contain spaces). The JVM writes it with
 * {@code jcmd PID Compiler.perfmap} or {@code -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit};
 * node writes it with {@code --perf-basic-prof}. Later lines win where ranges overlap (code was recompiled
 * at the same place). Pure parser; unparseable lines are counted.
 */
public final class PerfMap {
    private final long[] starts;
    private final long[] sizes;
    private final String[] names;
    private final String module;
    private final int skipped;

    private PerfMap(long[] starts, long[] sizes, String[] names, String module, int skipped) {
        this.starts = starts;
        this.sizes = sizes;
        this.names = names;
        this.module = module;
        this.skipped = skipped;
    }

    /** Parses the text of a perf map; {@code module} names it in resolved symbols (e.g. {@code perf-1234.map}). */
    public static PerfMap parse(String text, String module) {
        record Entry(long start, long size, String name, int line) {}
        List<Entry> entries = new ArrayList<>();
        int skipped = 0;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" ", 3);
            if (f.length < 3 || f[2].isEmpty()) {
                skipped++;
                continue;
            }
            try {
                long start = Long.parseUnsignedLong(hex(f[0]), 16);
                long size = Long.parseUnsignedLong(hex(f[1]), 16);
                if (size == 0) {
                    skipped++;
                    continue;
                }
                entries.add(new Entry(start, size, f[2], n));
            } catch (NumberFormatException e) {
                skipped++;
            }
        }
        // sort by start; for equal starts the later line first, so the floor search finds the newest
        entries.sort((a, b) -> a.start() != b.start() ? Long.compareUnsigned(a.start(), b.start()) : Integer.compare(a.line(), b.line()));
        long[] s = new long[entries.size()];
        long[] z = new long[entries.size()];
        String[] nm = new String[entries.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = entries.get(i).start();
            z[i] = entries.get(i).size();
            nm[i] = entries.get(i).name();
        }
        return new PerfMap(s, z, nm, module, skipped);
    }

    private static String hex(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    /** The entry whose [start, start + size) holds {@code address}; the latest line among overlapping ones. */
    public Optional<Symbol> resolve(long address) {
        int lo = 0;
        int hi = starts.length - 1;
        int floor = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                floor = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // walk back over earlier starts: a long entry may cover the address too (a recompiled range)
        for (int i = floor; i >= 0 && i > floor - 64; i--) {
            if (Long.compareUnsigned(address - starts[i], sizes[i]) < 0) {
                return Optional.of(new Symbol(names[i], starts[i], address - starts[i], module, List.of()));
            }
        }
        return Optional.empty();
    }

    public int size() {
        return starts.length;
    }

    /** Lines that were not {@code START SIZE NAME}. */
    public int skipped() {
        return skipped;
    }
}
