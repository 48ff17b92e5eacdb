package io.boxscope.bpf.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * Consumers in one process share one table through {@link #shared}, which takes the kernel image's text
 * symbols from a per-boot cache when it can ({@link KallsymsCache}) and reads the whole file only for an
 * address outside the image's text or a name lookup.
 *
 * <p>The table is primitive arrays: sorted {@code long} addresses, names as offsets into one byte array (decoded
 * to a String only for the symbol a lookup returns) and a module index per symbol. Names are bytes as the kernel
 * wrote them, shown as ISO-8859-1 (one char per byte, so no input is refused or changed).
 */
public final class KernelSymbols {
    private final long[] addresses;
    private final int[] nameStart;
    private final byte[] names;
    private final int[] module;
    private final String[] moduleNames;
    private final int skipped;
    /** For a table of the kernel image's text only ({@link KallsymsCache}): its range, and where the rest comes from. */
    private final long textStart;
    private final long textEnd;
    private final Path rest;
    private KernelSymbols whole;

    KernelSymbols(long[] addresses, int[] nameStart, byte[] names, int[] module, String[] moduleNames, int skipped,
            long textStart, long textEnd, Path rest) {
        this.addresses = addresses;
        this.nameStart = nameStart;
        this.names = names;
        this.module = module;
        this.moduleNames = moduleNames;
        this.skipped = skipped;
        this.textStart = textStart;
        this.textEnd = textEnd;
        this.rest = rest;
    }

    static final String KERNEL = "[kernel]";

    /**
     * Parses kallsyms text (pure): {@link #parse(byte[])} of its ISO-8859-1 bytes. Kallsyms is bytes; a character
     * above U+00FF cannot come from the file and is refused.
     */
    public static KernelSymbols parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException("kallsyms text holds U+" + Integer.toHexString(s.charAt(i))
                        + " at " + i + ": kallsyms is bytes; pass them to parse(byte[])");
            }
        }
        return parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Parses the bytes of a kallsyms file (pure). Fields are separated by runs of spaces and tabs, lines by
     * {@code \n}; a line that starts with a blank, has fewer than three fields, a type field of other than one
     * byte, or an address that is not 1 to 16 hex digits (one leading {@code +} allowed, counted in the 16) is
     * counted in {@link #skipped()}; empty lines are ignored; a fourth field in brackets names the module.
     * One pass over the bytes with no per-line objects: the kept names are copied into one byte array and only
     * a new module's name becomes a String (docs/benchmarks.md, "kernel symbols").
     */
    public static KernelSymbols parse(byte[] b) {
        int end = b.length;
        int cap = Math.max(16, end / 40);
        long[] addrs = new long[cap];
        int[] starts = new int[cap + 1];
        int[] mods = new int[cap];
        byte[] blob = new byte[Math.max(64, end / 3)];
        int used = 0;
        List<String> modNames = new ArrayList<>(List.of(KERNEL));
        Map<String, Integer> modIndex = new HashMap<>(Map.of(KERNEL, 0));
        int lastMod = 0;
        int lastModFrom = -1;
        int lastModLen = 0;
        int n = 0;
        int skipped = 0;
        boolean sorted = true;
        int i = 0;
        while (i < end) {
            byte c = b[i];
            if (c == '\n') {
                i++;
                continue;
            }
            if (c == ' ' || c == '\t') {
                skipped++;
                i = nextLine(b, i);
                continue;
            }
            int a0 = i;
            int a1 = token(b, a0);
            int t0 = blanks(b, a1);
            int t1 = token(b, t0);
            int n0 = blanks(b, t1);
            int n1 = token(b, n0);
            if (t0 == t1 || n0 == n1) {
                skipped++;
                i = nextLine(b, n1);
                continue;
            }
            int m0 = blanks(b, n1);
            int m1 = token(b, m0);
            i = nextLine(b, m1);
            int d = b[a0] == '+' ? a0 + 1 : a0;
            if (t1 - t0 != 1 || a1 - a0 > 16 || d == a1) {
                skipped++;
                continue;
            }
            long addr = 0;
            int j = d;
            for (; j < a1; j++) {
                int v = HEX[b[j] & 0xff];
                if (v < 0) {
                    break;
                }
                addr = (addr << 4) | v;
            }
            if (j < a1) {
                skipped++;
                continue;
            }
            byte type = b[t0];
            if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
                continue;
            }
            int mod = 0;
            if (m1 > m0 && b[m0] == '[' && b[m1 - 1] == ']') {
                int len = m1 - m0;
                // module lines come in runs: one lookup per run
                if (lastModFrom < 0 || len != lastModLen || !Arrays.equals(b, m0, m1, b, lastModFrom, lastModFrom + len)) {
                    String name = new String(b, m0, len, StandardCharsets.ISO_8859_1);
                    Integer known = modIndex.get(name);
                    if (known == null) {
                        known = modNames.size();
                        modNames.add(name);
                        modIndex.put(name, known);
                    }
                    lastMod = known;
                    lastModFrom = m0;
                    lastModLen = len;
                }
                mod = lastMod;
            }
            if (n == addrs.length) {
                int grown = n + (n >> 1) + 16;
                addrs = Arrays.copyOf(addrs, grown);
                starts = Arrays.copyOf(starts, grown + 1);
                mods = Arrays.copyOf(mods, grown);
            }
            int len = n1 - n0;
            if (used + len > blob.length) {
                blob = Arrays.copyOf(blob, Math.max(blob.length * 2, used + len));
            }
            System.arraycopy(b, n0, blob, used, len);
            if (n > 0 && Long.compareUnsigned(addrs[n - 1], addr) > 0) {
                sorted = false;
            }
            addrs[n] = addr;
            starts[n] = used;
            mods[n] = mod;
            used += len;
            n++;
        }
        starts[n] = used;
        String[] modArray = modNames.toArray(String[]::new);
        if (sorted) {
            return new KernelSymbols(Arrays.copyOf(addrs, n), Arrays.copyOf(starts, n + 1), Arrays.copyOf(blob, used),
                    Arrays.copyOf(mods, n), modArray, skipped, 0, 0, null);
        }
        // stable, so names at one address keep kallsyms order (resolve's tie-break); kallsyms is sorted but for
        // module and BPF symbols, so the merge sort's already-ordered check makes this cheap
        int[] order = StableSort.byUnsigned(addrs, n);
        long[] sa = new long[n];
        int[] ss = new int[n + 1];
        int[] sm = new int[n];
        byte[] sb = new byte[used];
        int at = 0;
        for (int k = 0; k < n; k++) {
            int o = order[k];
            sa[k] = addrs[o];
            sm[k] = mods[o];
            int l = starts[o + 1] - starts[o];
            System.arraycopy(blob, starts[o], sb, at, l);
            ss[k] = at;
            at += l;
        }
        ss[n] = at;
        return new KernelSymbols(sa, ss, sb, sm, modArray, skipped, 0, 0, null);
    }

    private static final byte[] HEX = new byte[256];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
            HEX[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    /** The end of the field starting at {@code from}: the first blank or newline, or the end. */
    private static int token(byte[] b, int from) {
        int p = from;
        while (p < b.length) {
            byte c = b[p];
            if (c == ' ' || c == '\t' || c == '\n') {
                return p;
            }
            p++;
        }
        return p;
    }

    /** The first byte at or after {@code from} that is not a space or tab (a newline stops it), or the end. */
    private static int blanks(byte[] b, int from) {
        int p = from;
        while (p < b.length && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    /** Just past the newline at or after {@code from}, or the end. */
    private static int nextLine(byte[] b, int from) {
        int p = from;
        while (p < b.length && b[p] != '\n') {
            p++;
        }
        return p < b.length ? p + 1 : p;
    }

    /**
     * Reads {@code procRoot/kallsyms} (normally {@code /proc}); fails when every address is hidden, and when the file
     * names no text symbol at all (empty: a container runtime or an administrator bound /dev/null over it), which
     * would otherwise leave every kernel address unnamed without a word.
     */
    public static KernelSymbols read(Path procRoot) throws IOException {
        Path f = procRoot.resolve("kallsyms");
        LOADS.incrementAndGet();
        KernelSymbols k = parse(readAll(f));
        if (k.size() == 0) {
            throw new IOException(f + " lists no kernel text symbol (" + (k.skipped() > 0 ? k.skipped() + " lines unparsable" : "empty")
                    + "): it may be masked (/dev/null bound over it, as in some containers); the symbols need the host's kallsyms");
        }
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
     * The table of {@code procRoot/kallsyms} shared by every consumer in this process: got once and reused for
     * {@link #SHARED_MAX_AGE_NANOS}, so diagnose's on-CPU and off-CPU collectors, which symbolize one after the
     * other after the same window, pay for one load (docs/benchmarks.md, "kernel symbols"). It is got again when
     * older, because kallsyms changes while the system runs (modules, BPF programs and ftrace trampolines add and
     * remove text symbols). For the running kernel's {@code /proc}, with the per-boot caches on
     * ({@link io.boxscope.bpf.feature.BootCache#useDirectory}) and as root, the kernel image's text symbols come
     * from {@link KallsymsCache}, and the file is read only when a lookup needs more (an address outside
     * {@code [_stext, _etext)}: a module, a BPF program, a trampoline; or {@link #address}); else the file is read
     * now (and the cache written for the next process). Thread-safe: a second caller waits for the first one's
     * load. A failed read is not remembered.
     */
    public static KernelSymbols shared(Path procRoot) throws IOException {
        Path key = procRoot.toAbsolutePath().normalize();
        synchronized (SHARED) {
            Loaded l = SHARED.get(key);
            long now = System.nanoTime();
            if (l != null && now - l.at() < SHARED_MAX_AGE_NANOS) {
                return l.symbols();
            }
            KernelSymbols k = KallsymsCache.load(key);
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

    /**
     * Number of text symbols in the table now: for a table of the kernel image's text from the per-boot cache,
     * those until a lookup needed the whole file, then the whole file's.
     */
    public int size() {
        KernelSymbols w = loadedWhole();
        return w != null ? w.size() : addresses.length;
    }

    /** Lines that could not be parsed (for a cached table: when the file was parsed to make the cache). */
    public int skipped() {
        return skipped;
    }

    /** Whether this table holds only the kernel image's text (from the per-boot cache) until a lookup needs more. */
    public boolean imageTextOnly() {
        return rest != null && loadedWhole() == null;
    }

    private synchronized KernelSymbols loadedWhole() {
        return whole;
    }

    /**
     * The whole file's table, read on first need. Reading /proc/kallsyms after the cache said who may read it
     * fails only if the system changed meanwhile (kptr_restrict, a lost capability): then an unchecked error.
     */
    private synchronized KernelSymbols whole() {
        if (whole == null) {
            try {
                whole = read(rest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return whole;
    }

    /**
     * Whether {@link #resolve} answers for {@code address} without reading the file: the table is complete, the whole
     * file was read already, or the address lies in the image's text of a table from the per-boot cache. A caller
     * whose read of the rest failed ({@link UncheckedIOException} from {@link #resolve}) still gets these answers.
     */
    public boolean answersWithoutReading(long address) {
        return answers(address) || loadedWhole() != null;
    }

    /** Whether this table may answer for {@code address} itself: complete, or inside the image's text range. */
    private boolean answers(long address) {
        return rest == null
                || (Long.compareUnsigned(address, textStart) >= 0 && Long.compareUnsigned(address, textEnd) < 0);
    }

    /**
     * The text symbol containing {@code address}, or empty below the first symbol. For a cached image-only table
     * an address outside the image's text reads the whole file first ({@link UncheckedIOException} if that fails).
     */
    public Optional<Symbol> resolve(long address) {
        if (!answers(address)) {
            return whole().resolve(address);
        }
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
        int bestUnderscores = underscores(first);
        for (int j = first + 1; j <= i; j++) {
            int u = underscores(j);
            if (u < bestUnderscores) {
                best = j;
                bestUnderscores = u;
            }
        }
        List<String> aliases = new ArrayList<>(i - first);
        for (int j = first; j <= i; j++) {
            if (j != best) {
                aliases.add(name(j));
            }
        }
        return Optional.of(new Symbol(name(best), addresses[i], address - addresses[i], moduleNames[module[best]], aliases));
    }

    private String name(int i) {
        return new String(names, nameStart[i], nameStart[i + 1] - nameStart[i], StandardCharsets.ISO_8859_1);
    }

    private int underscores(int i) {
        int p = nameStart[i];
        int end = nameStart[i + 1];
        while (p < end && names[p] == '_') {
            p++;
        }
        return p - nameStart[i];
    }

    /**
     * The address of text symbol {@code name} (the first one, if several modules define it). A cached image-only
     * table reads the whole file first: a module may define the name too, and the first may be the module's.
     */
    public Optional<Long> address(String name) {
        if (rest != null) {
            return whole().address(name);
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0xff) {
                return Optional.empty();
            }
        }
        byte[] want = name.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < addresses.length; i++) {
            int s = nameStart[i];
            int e = nameStart[i + 1];
            if (e - s == want.length && Arrays.equals(names, s, e, want, 0, want.length)) {
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

    /**
     * The names of the text symbols, in address order, a name as often as kallsyms lists it (a static function of
     * several files, a module's copy): what probe matches a kprobe wildcard against when tracefs's list of traceable
     * functions cannot be read ({@code probe.lang.sema.LiveKernel}). A cached image-only table reads the whole file
     * first, since modules' functions are kprobe targets too ({@link UncheckedIOException} if that fails).
     */
    public List<String> names() {
        if (rest != null) {
            return whole().names();
        }
        List<String> out = new ArrayList<>(addresses.length);
        for (int i = 0; i < addresses.length; i++) {
            out.add(name(i));
        }
        return out;
    }

    /**
     * The kernel image's text of this complete table, for {@link KallsymsCache}: the symbols without a module in
     * {@code [_stext, _etext)} (include/asm-generic/sections.h: the image's code; modules, BPF programs and
     * trampolines are allocated elsewhere, so no other symbol can be the nearest one below an address there).
     * Empty when the file names no {@code _stext} or {@code _etext}, or when a module's symbol lies in the range.
     */
    Optional<Image> imageText() {
        long start = -1;
        long end = -1;
        boolean haveStart = false;
        boolean haveEnd = false;
        for (int i = 0; i < addresses.length && !(haveStart && haveEnd); i++) {
            if (module[i] != 0) {
                continue;
            }
            if (!haveStart && nameIs(i, "_stext")) {
                start = addresses[i];
                haveStart = true;
            } else if (!haveEnd && nameIs(i, "_etext")) {
                end = addresses[i];
                haveEnd = true;
            }
        }
        if (!haveStart || !haveEnd || Long.compareUnsigned(start, end) >= 0) {
            return Optional.empty();
        }
        int from = floor(start - 1) + 1;
        int to = floor(end - 1) + 1;
        if (start == 0) {
            from = 0;
        }
        for (int i = from; i < to; i++) {
            if (module[i] != 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new Image(start, end, Arrays.copyOfRange(addresses, from, to), from, to));
    }

    /** The image's text range and its symbols {@code [from, to)} of this table. */
    record Image(long start, long end, long[] addresses, int from, int to) {}

    /** Name offsets of symbols {@code [from, to)} rebased to 0 ({@code to - from + 1} of them). */
    int[] nameStarts(int from, int to) {
        int[] out = new int[to - from + 1];
        for (int i = from; i <= to; i++) {
            out[i - from] = nameStart[i] - nameStart[from];
        }
        return out;
    }

    /** The name bytes of symbols {@code [from, to)}. */
    byte[] nameBytes(int from, int to) {
        return Arrays.copyOfRange(names, nameStart[from], nameStart[to]);
    }

    private boolean nameIs(int i, String s) {
        int len = nameStart[i + 1] - nameStart[i];
        if (len != s.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (names[nameStart[i] + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A table of the image's text read from the cache; {@code rest} is the proc root to read for anything else. */
    static KernelSymbols imageOnly(long[] addresses, int[] nameStart, byte[] names, int skipped, long start, long end, Path rest) {
        return new KernelSymbols(addresses, nameStart, names, new int[addresses.length], new String[] {KERNEL}, skipped,
                start, end, rest);
    }

    @Override
    public String toString() {
        return "kernel symbols (" + size() + " text symbols" + (imageTextOnly() ? " of the kernel image, from the per-boot cache" : "")
                + (skipped > 0 ? ", " + skipped + " lines skipped" : "") + ")";
    }
}
