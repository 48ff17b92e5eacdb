package io.boxscope.bpf.symbols;

import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.feature.RecentProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The kernel image's text symbols kept for the rest of the boot in {@code kallsyms} beside the other per-boot
 * caches ({@link BootCache}, usually {@code /run/boxscope}), so a process that symbolizes kernel stacks need not
 * have the kernel format the whole of {@code /proc/kallsyms} (5 MB, ~120,000 lines: ~60-130 ms of CPU, mostly
 * the kernel's) and parse it (docs/benchmarks.md, "kernel symbols").
 *
 * <p>Only the image's text is kept: the symbols without a module in {@code [_stext, _etext)}, which are fixed for
 * a boot (KASLR picks the base once). Module, BPF program and trampoline symbols come and go and lie between each
 * other in the module area, so an address there (and a name lookup) reads the file, as {@link KernelSymbols}
 * does without the cache; a module load therefore cannot make this cache stale, and it is not part of the key.
 *
 * <p>The key: {@link BootCache#key} for {@link BootCache.Scope#PRIVILEGES} (boot id, kernel release, effective
 * capabilities, lockdown), {@code /proc/sys/kernel/kptr_restrict} and {@code /proc/sys/kernel/perf_event_paranoid},
 * which with the capabilities decide whether this process sees addresses at all (kernel/kallsyms.c,
 * kallsyms_show_value: with kptr_restrict 0 a process sees them when it has CAP_SYSLOG or when
 * perf_event_paranoid is at most 1, kallsyms_for_perf; with 1 only with CAP_SYSLOG; with 2 never); so a process
 * that would see zeros never gets the cached ones and fails as before. Root only (the key is null otherwise), kernel addresses being secret: the directory and file
 * are trusted as {@link BootCache} trusts its own (root's, 0600, no links), written atomically, and a file is
 * used only when its format line and key match (else <em>stale</em>), its sizes add up to its length, its CRC32C
 * matches and its addresses and name offsets are ordered and in range (else <em>rejected</em>); either way the
 * file is read and the cache rewritten. Every outcome is counted ({@link #hits} ...) and I/O errors are said in
 * {@link #problems}, which the command line prints when {@code BOXSCOPE_DEBUG} is set; none fails the command.
 */
public final class KallsymsCache {
    private KallsymsCache() {}

    static final String FORMAT = "boxscope-kallsyms 1 " + ByteOrder.nativeOrder();
    static final String FILE = "kallsyms";
    /** A larger file is not trusted: well above a big distribution kernel's image text (~6 MB). */
    static final long MAX_BYTES = 64L << 20;

    private static final AtomicLong HITS = new AtomicLong();
    private static final AtomicLong MISSES = new AtomicLong();
    private static final AtomicLong STALE = new AtomicLong();
    private static final AtomicLong REJECTED = new AtomicLong();
    private static final AtomicLong STORED = new AtomicLong();
    private static final RecentProblems PROBLEMS = new RecentProblems();

    /** Tables made from the cache. */
    public static long hits() {
        return HITS.get();
    }

    /** Loads with the cache on that found no trusted file (absent, or not root's 0600 regular file). */
    public static long misses() {
        return MISSES.get();
    }

    /** Files of another key (another boot, kernel, capability set, kptr_restrict or perf_event_paranoid), replaced. */
    public static long stale() {
        return STALE.get();
    }

    /** Files that were damaged or not this cache's (format, sizes, checksum, order), replaced. */
    public static long rejected() {
        return REJECTED.get();
    }

    /** Files written. */
    public static long stored() {
        return STORED.get();
    }

    /** The last {@link RecentProblems#KEPT} I/O errors and refusals, each with the file and the step. */
    public static List<String> problems() {
        return PROBLEMS.list();
    }

    private static void problem(String what) {
        PROBLEMS.add(what);
    }

    /**
     * The table for {@code procRoot}: from the cache when it is on ({@link BootCache#directory}), the root is the
     * running kernel's {@code /proc} and this process is root; else (and on any doubt) {@link KernelSymbols#read}.
     */
    static KernelSymbols load(Path procRoot) throws IOException {
        Optional<Path> dir = BootCache.directory();
        if (dir.isEmpty() || !procRoot.equals(Path.of("/proc"))) {
            return KernelSymbols.read(procRoot);
        }
        Path file = dir.get().resolve(FILE);
        String key;
        try {
            key = key(procRoot);
            if (key != null && !BootCache.trustedDirectory(dir.get())) {
                problem(dir.get() + ": not a directory only root may write; the kallsyms cache is not used");
                key = null;
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            problem(file + ": computing the key failed (" + e + ")");
            key = null;
        }
        return key == null ? KernelSymbols.read(procRoot) : load(procRoot, file, key);
    }

    /** The key of this process for the kallsyms under {@code procRoot}, or null when it is not root. */
    static String key(Path procRoot) throws IOException {
        String k = BootCache.key(BootCache.Scope.PRIVILEGES);
        if (k == null) {
            return null;
        }
        String kptr = Files.readString(procRoot.resolve("sys/kernel/kptr_restrict")).strip();
        String paranoid;
        try {
            paranoid = Files.readString(procRoot.resolve("sys/kernel/perf_event_paranoid")).strip();
        } catch (NoSuchFileException e) {
            paranoid = "absent"; // a kernel without CONFIG_PERF_EVENTS: kallsyms_for_perf() is always false
        }
        String s = k + " kptr_restrict=" + kptr + " perf_event_paranoid=" + paranoid;
        return s.indexOf('\n') >= 0 ? null : s;
    }

    /** The table from {@code file} if it holds {@code key}'s, else read from {@code procRoot} and stored in {@code file}. */
    static KernelSymbols load(Path procRoot, Path file, String key) throws IOException {
        try {
            ByteBuffer bytes = readTrusted(file);
            if (bytes == null) {
                MISSES.incrementAndGet();
            } else {
                KernelSymbols k = decode(bytes, key, procRoot, file);
                if (k != null) {
                    HITS.incrementAndGet();
                    return k;
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            problem(file + ": reading failed (" + e + ")");
        }
        KernelSymbols whole = KernelSymbols.read(procRoot);
        store(whole, file, key);
        return whole;
    }

    /**
     * The bytes of {@code file} if it is a regular file owned by uid 0 with mode 0600 and at most
     * {@link #MAX_BYTES} long, opened without following links; null when absent or anything else. The trust rule
     * of {@link BootCache#readTrusted}, read in 64 KiB reads: one read of 4 MB into a heap buffer makes NIO
     * allocate a temporary direct buffer of that size, and mapping the file loads the mapping classes: ~35-55 ms
     * of CPU each in a fresh JVM, more than the parse the cache saves (docs/benchmarks.md, "kernel symbols").
     */
    static ByteBuffer readTrusted(Path file) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isRegularFile() || (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0
                || !a.permissions().equals(PosixFilePermissions.fromString("rw-------")) || a.size() > MAX_BYTES) {
            return null;
        }
        // NOFOLLOW_LINKS: O_NOFOLLOW, so a link swapped in after the check above fails the open (ELOOP)
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[(int) a.size()];
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, Math.min(64 * 1024, buf.length - n));
                if (r < 0) {
                    return null; // shorter than its attributes said: replaced meanwhile
                }
                n += r;
            }
            if (in.read() >= 0) {
                return null; // longer than its attributes said
            }
            return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        }
    }

    private static void store(KernelSymbols whole, Path file, String key) {
        Optional<KernelSymbols.Image> image = whole.imageText();
        if (image.isEmpty()) {
            problem(file + ": not written: kallsyms names no _stext/_etext, or a module symbol lies between them");
            return;
        }
        KernelSymbols.Image im = image.get();
        byte[] head = (FORMAT + "\nkey " + key + "\n").getBytes(StandardCharsets.UTF_8);
        int n = im.addresses().length;
        int[] starts = whole.nameStarts(im.from(), im.to());
        byte[] names = whole.nameBytes(im.from(), im.to());
        long size = head.length + 28L + 8L * n + 4L * (n + 1) + names.length + 8;
        if (size > MAX_BYTES) {
            problem(file + ": not written: " + size + " bytes is over the " + MAX_BYTES + " a reader trusts");
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.nativeOrder());
        buf.put(head).putInt(n).putInt(whole.skipped()).putLong(im.start()).putLong(im.end()).putInt(names.length);
        buf.asLongBuffer().put(im.addresses());
        buf.position(buf.position() + 8 * n);
        buf.asIntBuffer().put(starts);
        buf.position(buf.position() + 4 * (n + 1));
        buf.put(names);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putLong(crc.getValue());
        try {
            BootCache.writeAtomically(file, buf.array());
            STORED.incrementAndGet();
        } catch (IOException | UncheckedIOException | SecurityException e) {
            problem(file + ": writing failed (" + e + ")");
        }
    }

    /** The cached table in {@code buf}, or null (counted stale or rejected) when it is not one of {@code key}. */
    static KernelSymbols decode(ByteBuffer buf, String key, Path procRoot, Path file) {
        int l1 = indexOf(buf, 0);
        int l2 = l1 < 0 ? -1 : indexOf(buf, l1 + 1);
        if (l2 < 0 || !text(buf, 0, l1).equals(FORMAT)) {
            return reject(file, "not a kallsyms cache of this format");
        }
        if (!text(buf, l1 + 1, l2).equals("key " + key)) {
            STALE.incrementAndGet();
            return null;
        }
        int total = buf.limit();
        buf.position(l2 + 1);
        if (buf.remaining() < 28 + 8) {
            return reject(file, "truncated header");
        }
        int n = buf.getInt();
        int skipped = buf.getInt();
        long start = buf.getLong();
        long end = buf.getLong();
        int namesLen = buf.getInt();
        if (n < 1 || skipped < 0 || namesLen < 0
                || buf.remaining() != 8L * n + 4L * (n + 1) + namesLen + 8) {
            return reject(file, "sizes do not add up to the file's length (truncated or damaged)");
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(0, total - 8));
        if (buf.getLong(total - 8) != crc.getValue()) {
            return reject(file, "checksum mismatch (damaged)");
        }
        long[] addresses = new long[n];
        buf.asLongBuffer().get(addresses);
        buf.position(buf.position() + 8 * n);
        int[] starts = new int[n + 1];
        buf.asIntBuffer().get(starts);
        buf.position(buf.position() + 4 * (n + 1));
        byte[] names = new byte[namesLen];
        buf.get(names);
        if (Long.compareUnsigned(start, end) >= 0 || addresses[0] != start || starts[0] != 0 || starts[n] != namesLen) {
            return reject(file, "range or name offsets out of place");
        }
        // two plain loops (no calls: they run interpreted until compiled): offsets ascending, addresses ascending
        // as unsigned numbers (sign bit flipped), the last one below the range's end
        for (int i = 0; i < n; i++) {
            if (starts[i] > starts[i + 1]) {
                return reject(file, "name offsets out of order");
            }
        }
        long prev = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long x = addresses[i] ^ Long.MIN_VALUE;
            if (x < prev) {
                return reject(file, "symbols out of order");
            }
            prev = x;
        }
        if (Long.compareUnsigned(addresses[n - 1], end) >= 0) {
            return reject(file, "symbols out of range");
        }
        return KernelSymbols.imageOnly(addresses, starts, names, skipped, start, end, procRoot);
    }

    private static String text(ByteBuffer buf, int from, int to) {
        byte[] b = new byte[to - from];
        buf.get(from, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static KernelSymbols reject(Path file, String why) {
        REJECTED.incrementAndGet();
        problem(file + ": ignored: " + why);
        return null;
    }

    private static int indexOf(ByteBuffer b, int from) {
        for (int i = from; i < b.limit() && i < from + 4096; i++) {
            if (b.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
