package io.boxscope.bpf.symbols;

import io.boxscope.bpf.feature.BootCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * capabilities, lockdown) and {@code /proc/sys/kernel/kptr_restrict}, which with the capabilities decides whether
 * this process sees addresses at all (proc(5)); so a process that would see zeros never gets the cached ones and
 * fails as before. Root only (the key is null otherwise), kernel addresses being secret: the directory and file
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
    private static final List<String> PROBLEMS = new ArrayList<>();
    static final int PROBLEMS_KEPT = 8;

    /** Tables made from the cache. */
    public static long hits() {
        return HITS.get();
    }

    /** Loads with the cache on that found no trusted file (absent, or not root's 0600 regular file). */
    public static long misses() {
        return MISSES.get();
    }

    /** Files of another key (another boot, kernel, capability set or kptr_restrict), replaced. */
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

    /** The last {@link #PROBLEMS_KEPT} I/O errors and refusals, each with the file and the step. */
    public static List<String> problems() {
        synchronized (PROBLEMS) {
            return List.copyOf(PROBLEMS);
        }
    }

    private static void problem(String what) {
        synchronized (PROBLEMS) {
            if (PROBLEMS.size() == PROBLEMS_KEPT) {
                PROBLEMS.removeFirst();
            }
            PROBLEMS.add(what);
        }
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
        String s = k + " kptr_restrict=" + kptr;
        return s.indexOf('\n') >= 0 ? null : s;
    }

    /** The table from {@code file} if it holds {@code key}'s, else read from {@code procRoot} and stored in {@code file}. */
    static KernelSymbols load(Path procRoot, Path file, String key) throws IOException {
        try {
            byte[] bytes = BootCache.readTrusted(file, MAX_BYTES);
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

    /** The cached table in {@code bytes}, or null (counted stale or rejected) when it is not one of {@code key}. */
    static KernelSymbols decode(byte[] bytes, String key, Path procRoot, Path file) {
        int l1 = indexOf(bytes, 0);
        int l2 = l1 < 0 ? -1 : indexOf(bytes, l1 + 1);
        if (l2 < 0 || !new String(bytes, 0, l1, StandardCharsets.UTF_8).equals(FORMAT)) {
            return reject(file, "not a kallsyms cache of this format");
        }
        if (!new String(bytes, l1 + 1, l2 - l1 - 1, StandardCharsets.UTF_8).equals("key " + key)) {
            STALE.incrementAndGet();
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        buf.position(l2 + 1);
        if (buf.remaining() < 28 + 4 + 8) {
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
        crc.update(bytes, 0, bytes.length - 8);
        if (ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.nativeOrder()).getLong() != crc.getValue()) {
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
        for (int i = 0; i < n; i++) {
            if (starts[i] > starts[i + 1]
                    || (i > 0 && Long.compareUnsigned(addresses[i - 1], addresses[i]) > 0)
                    || Long.compareUnsigned(addresses[i], end) >= 0) {
                return reject(file, "symbols out of order or out of range");
            }
        }
        return KernelSymbols.imageOnly(addresses, starts, names, skipped, start, end, procRoot);
    }

    private static KernelSymbols reject(Path file, String why) {
        REJECTED.incrementAndGet();
        problem(file + ": ignored: " + why);
        return null;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length && i < from + 4096; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
