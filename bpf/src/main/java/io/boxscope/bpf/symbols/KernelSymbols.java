package io.boxscope.bpf.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kernel addresses to names, from {@code /proc/kallsyms} (for bpftrace's {@code kstack} and {@code ksym}).
 * Each line is {@code ADDRESS TYPE NAME [MODULE]} (kernel/kallsyms.c, s_show); only text symbols
 * ({@code t}/{@code T}, and weak {@code w}/{@code W}) are kept, because stack addresses are code.
 * kallsyms has no sizes: an address belongs to the nearest symbol at or below it, up to the next
 * symbol.
 * When {@code kptr_restrict} hides addresses every address reads 0; {@link #read} then fails with a hint.
 * Consumers in one process share one table through {@link #shared}.
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

    /**
     * Parses kallsyms text (pure). Fields are separated by runs of spaces and tabs, lines by {@code \n}; a line
     * that starts with a blank, has fewer than three fields, a type field of other than one character, or an
     * address that is not 1 to 16 hex digits is counted in {@link #skipped()}; empty lines are ignored.
     * One pass without regular expressions or per-line strings: line and field ends are found with
     * {@code String.indexOf} (vectorized by the JIT) and only the kept names and modules become strings
     * (docs/benchmarks.md, "kernel symbols").
     */
    public static KernelSymbols parse(String s) {
        int end = s.length();
        int cap = Math.max(16, end / 40);
        long[] addrs = new long[cap];
        String[] names = new String[cap];
        String[] mods = new String[cap];
        int n = 0;
        int skipped = 0;
        boolean sorted = true;
        String lastModule = null;
        int i = 0;
        while (i < end) {
            int eol = s.indexOf('\n', i);
            if (eol < 0) {
                eol = end;
            }
            int line = i;
            i = eol + 1;
            if (eol == line) {
                continue;
            }
            if (blank(s.charAt(line))) {
                skipped++;
                continue;
            }
            int a0 = line;
            int a1 = token(s, a0, eol);
            int t0 = blanks(s, a1, eol);
            if (t0 == eol) {
                skipped++;
                continue;
            }
            int t1 = token(s, t0, eol);
            int n0 = blanks(s, t1, eol);
            if (n0 == eol) {
                skipped++;
                continue;
            }
            int n1 = token(s, n0, eol);
            int m0 = blanks(s, n1, eol);
            int m1 = m0 < eol ? token(s, m0, eol) : m0;
            if (t1 - t0 != 1 || a1 - a0 > 16) {
                skipped++;
                continue;
            }
            int d = s.charAt(a0) == '+' ? a0 + 1 : a0;
            if (d == a1) {
                skipped++;
                continue;
            }
            long addr = 0;
            boolean hex = true;
            for (int j = d; j < a1; j++) {
                int v = hexDigit(s.charAt(j));
                if (v < 0) {
                    hex = false;
                    break;
                }
                addr = (addr << 4) | v;
            }
            if (!hex) {
                skipped++;
                continue;
            }
            char type = s.charAt(t0);
            if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
                continue;
            }
            String module = "[kernel]";
            if (m1 > m0 && s.charAt(m0) == '[' && s.charAt(m1 - 1) == ']') {
                int len = m1 - m0;
                // module lines come in runs: one string per run
                if (lastModule == null || len != lastModule.length() || !s.startsWith(lastModule, m0)) {
                    lastModule = s.substring(m0, m1);
                }
                module = lastModule;
            }
            if (n == addrs.length) {
                int grown = n + (n >> 1) + 16;
                addrs = Arrays.copyOf(addrs, grown);
                names = Arrays.copyOf(names, grown);
                mods = Arrays.copyOf(mods, grown);
            }
            if (n > 0 && Long.compareUnsigned(addrs[n - 1], addr) > 0) {
                sorted = false;
            }
            addrs[n] = addr;
            names[n] = s.substring(n0, n1);
            mods[n] = module;
            n++;
        }
        if (!sorted) {
            // stable, so names at one address keep kallsyms order (resolve's tie-break); kallsyms is sorted
            // but for module and BPF symbols, so TimSort's runs make this cheap
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            long[] keys = addrs;
            Arrays.sort(order, (x, y) -> Long.compareUnsigned(keys[x], keys[y]));
            long[] sa = new long[n];
            String[] sn = new String[n];
            String[] sm = new String[n];
            for (int j = 0; j < n; j++) {
                sa[j] = addrs[order[j]];
                sn[j] = names[order[j]];
                sm[j] = mods[order[j]];
            }
            return new KernelSymbols(sa, sn, sm, skipped);
        }
        return new KernelSymbols(Arrays.copyOf(addrs, n), Arrays.copyOf(names, n), Arrays.copyOf(mods, n), skipped);
    }

    /** Parses the bytes of a kallsyms file as {@link #parse(String)} parses them decoded as ISO-8859-1 (pure). */
    public static KernelSymbols parse(byte[] data) {
        return parse(new String(data, StandardCharsets.ISO_8859_1));
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }

    /** The end of the field starting at {@code from}: the first blank before {@code eol}, or {@code eol}. */
    private static int token(String s, int from, int eol) {
        int sp = s.indexOf(' ', from, eol);
        int tab = s.indexOf('\t', from, eol);
        if (sp < 0) {
            return tab < 0 ? eol : tab;
        }
        return tab < 0 ? sp : Math.min(sp, tab);
    }

    /** The first non-blank at or after {@code from}, or {@code eol}. */
    private static int blanks(String s, int from, int eol) {
        int p = from;
        while (p < eol && blank(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Reads {@code procRoot/kallsyms} (normally {@code /proc}); fails when every address is hidden. */
    public static KernelSymbols read(Path procRoot) throws IOException {
        Path f = procRoot.resolve("kallsyms");
        LOADS.incrementAndGet();
        KernelSymbols k = parse(readAll(f));
        if (k.size() > 0 && k.addresses[k.size() - 1] == 0) {
            throw new IOException(f + " shows every address as 0: kernel.kptr_restrict hides them from this user; "
                    + "run as root (with CAP_SYSLOG) or set sysctl kernel.kptr_restrict=0");
        }
        return k;
    }

    /**
     * The whole file in reads of at most 64 KiB. /proc/kallsyms has size 0 and the kernel returns about a page
     * per read(2) (seq_file), so {@code Files.readAllBytes} asks for ever larger remainders and NIO backs each
     * read with a temporary direct buffer of that size: about 4x the CPU of these reads (docs/benchmarks.md,
     * "kernel symbols").
     */
    private static byte[] readAll(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 20];
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int r = in.read(buf, n, Math.min(READ_CHUNK, buf.length - n));
                if (r < 0) {
                    return n == buf.length ? buf : Arrays.copyOf(buf, n);
                }
                n += r;
            }
        }
    }

    private static final int READ_CHUNK = 64 * 1024;

    /**
     * The table of {@code procRoot/kallsyms} shared by every consumer in this process: read and parsed once and
     * reused for {@link #SHARED_MAX_AGE_NANOS}, so diagnose's on-CPU and off-CPU collectors, which symbolize one
     * after the other after the same window, pay for one load (docs/benchmarks.md, "kernel symbols"). It is
     * reloaded when older, because kallsyms changes while the system runs (modules, BPF programs and ftrace
     * trampolines add and remove text symbols). Thread-safe: a second caller waits for the first one's load.
     * A failed read is not remembered.
     */
    public static KernelSymbols shared(Path procRoot) throws IOException {
        Path key = procRoot.toAbsolutePath().normalize();
        synchronized (SHARED) {
            Loaded l = SHARED.get(key);
            long now = System.nanoTime();
            if (l != null && now - l.at() < SHARED_MAX_AGE_NANOS) {
                return l.symbols();
            }
            KernelSymbols k = read(key);
            SHARED.put(key, new Loaded(k, now));
            return k;
        }
    }

    /** How long {@link #shared} reuses a table: longer than diagnose's symbolizing, short next to a module's life. */
    static final long SHARED_MAX_AGE_NANOS = 30_000_000_000L;
    private static final Map<Path, Loaded> SHARED = new HashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private record Loaded(KernelSymbols symbols, long at) {}

    /** How many times this process has read a kallsyms file ({@link #read}, also through {@link #shared}); for tests and benchmarks. */
    public static long loads() {
        return LOADS.get();
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
