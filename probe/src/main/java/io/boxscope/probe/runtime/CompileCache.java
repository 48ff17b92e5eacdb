package io.boxscope.probe.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.feature.RecentProblems;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.CompiledScriptCodec;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.ProbeKind;

/**
 * Compiled scripts kept for the rest of the boot, one file each in {@code compiled/} under the per-boot cache's
 * directory ({@link BootCache#directory()}, {@code /run/boxscope} for the command line), so a tool or a
 * {@code probe -e} run again skips parsing, the semantic pass and code generation (and the JIT's work on them): the
 * same program text compiles to the same instructions on the same kernel with the same Boxscope.
 *
 * <p>The key is everything the compiled form depends on: this format's version, the Boxscope build
 * ({@link #useBuild}: the jar's path, size and modification time), the boot and the kernel release
 * ({@link BootCache#key}, which is also null, and so no caching, when the process is not root), the architecture
 * ({@code os.arch}: syscall numbers and register layouts follow it), the kernel's BTF
 * file (size and modification time of {@code /sys/kernel/btf/vmlinux}), the loaded modules (names and sizes from
 * {@code /proc/modules}: a module loaded or replaced in the boot brings tracepoints and BTF of its own), the sysfs
 * root, whether the cgroup filter is compiled in, the check options (positional parameters, string length, map
 * keys, pid, ring size), and the program's name and text. Only scripts whose code depends on the kernel alone are
 * stored ({@link io.boxscope.probe.codegen.ProbeCompiler#cacheable}); the BPF cookie support the program was
 * compiled for is stored with it and asked again (a per-boot answer) before a hit is used.
 *
 * <p>A file is named by hashes of its key ({@link #fileName}) and holds the whole key, which must equal this process's; it is
 * trusted only as {@link BootCache} trusts its files (root's 0600 regular file in a root-owned directory nobody
 * else may write, opened without following links), its CRC-32 must match, and the decoder bounds every count
 * ({@link CompiledScriptCodec}). Anything else is a miss: counted with the reason ({@link #rejected},
 * {@link #problems}), then the script is compiled and the file replaced (written atomically, 0600). Nothing read
 * back is trusted beyond that: the kernel's verifier checks every program at load, as for a fresh compile. I/O
 * errors make the cache act empty; it never fails the command.
 */
public final class CompileCache {
    static final String FORMAT = "boxscope-compiled 1";
    private static final byte[] MAGIC = "BXCOMPL1".getBytes(StandardCharsets.US_ASCII);
    /**
     * Entries at most, so a loop over generated scripts cannot fill /run; storing one more first removes the oldest
     * (by modification time: the least recently stored, since a hit does not rewrite its file), counted in
     * {@link #evicted()}.
     */
    static final int MAX_ENTRIES = 256;
    static final long MAX_BYTES = 8 << 20;

    private static volatile String build;
    private static final AtomicLong HITS = new AtomicLong(), MISSES = new AtomicLong(), REJECTED = new AtomicLong(),
            STORED = new AtomicLong(), EVICTED = new AtomicLong(), ABANDONED = new AtomicLong();
    private static final RecentProblems PROBLEMS = new RecentProblems();

    private final Path dir;
    private final String key;

    CompileCache(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    /**
     * Turns the compile cache on for this Boxscope build ({@code id} names it: any change of the compiler must change
     * it), or off with null (the default: library users and tests that do not ask for it always compile).
     */
    public static void useBuild(String id) {
        build = id;
    }

    /** Scripts read back from the cache by this process. */
    public static long hits() {
        return HITS.get();
    }

    /** Lookups that found no file (then the script was compiled). */
    public static long misses() {
        return MISSES.get();
    }

    /** Files found and not used: damaged, foreign, another key, untrusted, or compiled for other cookie support. */
    public static long rejected() {
        return REJECTED.get();
    }

    /** Scripts this process wrote to the cache. */
    public static long stored() {
        return STORED.get();
    }

    /** Files this process removed, the oldest first, to store a script in a full directory ({@link #MAX_ENTRIES}). */
    public static long evicted() {
        return EVICTED.get();
    }

    /**
     * Temporary files ({@code .NAME.tmp-PID-N}) this process removed because their writer was killed before it could
     * rename or remove them: the PID is not running, or the file is older than {@link #ABANDONED_AFTER_MILLIS}.
     */
    public static long abandoned() {
        return ABANDONED.get();
    }

    /**
     * A temporary file this old is abandoned even if a process with its PID runs (the PID was reused, or the writer
     * lives in another PID namespace): a write of at most {@link #MAX_BYTES} to /run takes far less.
     */
    static final long ABANDONED_AFTER_MILLIS = 60_000;
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.tmp-([0-9]{1,18})-[0-9a-f]+");

    /** Why the last {@link RecentProblems#KEPT} rejected files or I/O errors were not used. */
    public static List<String> problems() {
        return PROBLEMS.list();
    }

    private static void problem(AtomicLong counter, String what) {
        counter.incrementAndGet();
        PROBLEMS.add(what);
    }

    /** The cache for this script in the configured directory, when the build is known and the process is root. */
    static Optional<CompileCache> of(SourceText source, Path sysRoot, CheckOptions options, boolean cgroupFilter) {
        String b = build;
        Optional<Path> base = BootCache.directory();
        if (b == null || base.isEmpty()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            return in(base.get().resolve("compiled"), b, source, sysRoot, options, cgroupFilter);
        } finally {
            keyNanos = System.nanoTime() - start;
        }
    }

    private static volatile long keyNanos = -1;

    /** How long computing the last key took (the boot, BTF and module facts it reads), in nanoseconds; -1 before any. */
    public static long lastKeyNanos() {
        return keyNanos;
    }

    /** As {@link #of}, in {@code dir} for build {@code b} (tests). */
    static Optional<CompileCache> in(Path dir, String b, SourceText source, Path sysRoot, CheckOptions options,
                                     boolean cgroupFilter) {
        try {
            String kernel = BootCache.key(BootCache.Scope.KERNEL);
            if (kernel == null) {
                return Optional.empty(); // not root: nothing is trusted or written
            }
            Path btf = sysRoot.resolve("kernel/btf/vmlinux");
            String btfId = Files.exists(btf) ? Files.size(btf) + "@" + Files.getLastModifiedTime(btf).toMillis() : "none";
            StringBuilder modules = new StringBuilder();
            Path procModules = Path.of("/proc/modules");
            if (Files.exists(procModules)) { // absent on a kernel built without module support
                for (String line : Files.readAllLines(procModules)) {
                    String[] f = line.split(" ", 3);
                    if (f.length >= 2) {
                        modules.append(f[0]).append(':').append(f[1]).append(',');
                    }
                }
            } else {
                modules.append("none");
            }
            String k = FORMAT + "\nbuild " + b + "\n" + kernel + "\narch " + System.getProperty("os.arch") + "\nbtf " + btfId + "\nmodules " + modules
                    + "\nsysroot " + sysRoot.toAbsolutePath().normalize() + "\ncgroup_filter " + cgroupFilter
                    + "\noptions " + options(options) + "\nname " + source.name() + "\ntext " + source.text();
            return Optional.of(new CompileCache(dir, k));
        } catch (IOException | RuntimeException e) {
            problem(REJECTED, "compile cache key: " + e);
            return Optional.empty();
        }
    }

    /**
     * Every component of {@code o}, written out: not the record's {@code toString}, whose first call bootstraps
     * {@code ObjectMethods} through method handles (milliseconds in a cold JVM).
     */
    private static String options(CheckOptions o) {
        StringBuilder sb = new StringBuilder().append("unsafe=").append(o.unsafe()).append(" strlen=").append(o.strlen())
                .append(" map_keys=").append(o.mapKeys()).append(" stack_keys=").append(o.stackKeys()).append(" pid=").append(o.pid()).append(" ring=").append(o.ringBytes())
                .append(" positionals=").append(o.positionals().size());
        for (String p : o.positionals()) {
            sb.append('\n').append(p.length()).append(':').append(p); // length first: no two lists read alike
        }
        return sb.toString();
    }

    /** The file of this key. */
    Path file() {
        return dir.resolve(fileName(key));
    }

    /**
     * The script stored under this key, if its file is trustworthy and whole and it was compiled for the cookie
     * support {@code supported} reports now for the kinds it needed.
     */
    Optional<CompiledScript> get(java.util.function.Function<Set<ProbeKind>, Set<ProbeKind>> supported) {
        long start = System.nanoTime();
        try {
            return lookup(supported);
        } finally {
            lookupNanos = System.nanoTime() - start;
        }
    }

    private static volatile long lookupNanos = -1;

    /** How long the last lookup took (reading, checking and decoding its file), in nanoseconds; -1 before any. */
    public static long lastLookupNanos() {
        return lookupNanos;
    }

    private Optional<CompiledScript> lookup(java.util.function.Function<Set<ProbeKind>, Set<ProbeKind>> supported) {
        Path f = file();
        byte[] bytes;
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !BootCache.trustedDirectory(dir)) {
                MISSES.incrementAndGet();
                return Optional.empty();
            }
            bytes = BootCache.readTrusted(f, MAX_BYTES);
            if (bytes == null) {
                if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                    problem(REJECTED, f + ": not root's 0600 regular file of at most " + MAX_BYTES + " bytes");
                } else {
                    MISSES.incrementAndGet();
                }
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            problem(REJECTED, f + ": reading failed (" + e + ")");
            return Optional.empty();
        }
        try {
            Entry e = Entry.parse(bytes);
            if (!e.key().equals(key)) {
                problem(REJECTED, f + ": holds another key");
                return Optional.empty();
            }
            Set<ProbeKind> now = supported.apply(e.cookiesNeeded());
            if (!now.equals(e.cookies())) {
                problem(REJECTED, f + ": compiled for BPF cookies on " + e.cookies() + ", the kernel now takes them on " + now);
                return Optional.empty();
            }
            CompiledScript s = CompiledScriptCodec.decode(e.script());
            HITS.incrementAndGet();
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            // CRC-checked and root-only, yet a decoder bug or an entry from a build with other records must not fail
            // the command: the program is compiled instead
            problem(REJECTED, f + ": damaged (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /**
     * Stores {@code s}, compiled for BPF cookies on {@code cookies} of the kinds {@code cookiesNeeded}, when it is
     * {@linkplain io.boxscope.probe.codegen.ProbeCompiler#cacheable cacheable}; errors are counted, never thrown.
     */
    void put(CompiledScript s, Set<ProbeKind> cookiesNeeded, Set<ProbeKind> cookies) {
        if (!io.boxscope.probe.codegen.ProbeCompiler.cacheable(s)) {
            return;
        }
        Path f = file();
        try {
            Path parent = dir.getParent();
            if (parent == null || !BootCache.trustedDirectory(parent) || !BootCache.trustedDirectory(dir)) {
                problem(REJECTED, f + ": not stored: " + dir + " is not a root-only directory");
                return;
            }
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                evictOldest();
            }
            BootCache.writeAtomically(f, new Entry(key, cookiesNeeded, cookies, CompiledScriptCodec.encode(s)).bytes());
            STORED.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            problem(REJECTED, f + ": writing failed (" + e + ")");
        }
    }

    /**
     * Makes room for one more entry: while the directory holds {@link #MAX_ENTRIES} entries or more, removes the
     * oldest by modification time (ties by name). Another process's file in the middle of being written
     * ({@code .NAME.tmp-PID-N}, {@link BootCache#writeAtomically}) is not an entry and is left alone, unless its
     * writer is gone ({@link #abandoned(Path, String)}: then it is removed and counted in {@link #abandoned()}); a
     * file another process removed first is not counted.
     */
    private void evictOldest() throws IOException {
        record Aged(Path file, long mtime) {}
        List<Aged> entries = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    if (abandoned(p, name) && Files.deleteIfExists(p)) {
                        ABANDONED.incrementAndGet();
                    }
                    continue;
                }
                try {
                    entries.add(new Aged(p, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis()));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed by another process since the listing
                }
            }
        }
        if (entries.size() < MAX_ENTRIES) {
            return;
        }
        entries.sort(java.util.Comparator.comparingLong(Aged::mtime).thenComparing(a -> a.file().getFileName().toString()));
        for (Aged a : entries.subList(0, entries.size() - MAX_ENTRIES + 1)) {
            if (Files.deleteIfExists(a.file())) {
                EVICTED.incrementAndGet();
            }
        }
    }

    /**
     * Whether {@code p} is a temporary file of {@link BootCache#writeAtomically} ({@code .NAME.tmp-PID-N}) whose
     * writer was killed between creating and renaming it: no process {@code PID} runs, or the file was last modified
     * more than {@link #ABANDONED_AFTER_MILLIS} ago. Other dot-files are not this cache's and are never abandoned.
     */
    static boolean abandoned(Path p, String name) throws IOException {
        java.util.regex.Matcher m = TEMPORARY.matcher(name);
        if (!m.matches()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return true;
        }
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
            return age > ABANDONED_AFTER_MILLIS;
        } catch (java.nio.file.NoSuchFileException gone) {
            return false; // renamed or removed by its writer since the listing
        }
    }

    /**
     * One file: magic, the key, the cookie kinds needed and granted (bit masks of {@link ProbeKind} ordinals, stable
     * within a build, which the key names), the encoded script, and the CRC-32 of all that.
     */
    record Entry(String key, Set<ProbeKind> cookiesNeeded, Set<ProbeKind> cookies, byte[] script) {
        byte[] bytes() {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + k.length + 8 + 4 + script.length + 8);
            b.put(MAGIC).putInt(k.length).put(k).putInt(mask(cookiesNeeded)).putInt(mask(cookies))
                    .putInt(script.length).put(script);
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, b.position());
            b.putLong(crc.getValue());
            return b.array();
        }

        static Entry parse(byte[] bytes) throws IOException {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                byte[] magic = new byte[MAGIC.length];
                b.get(magic);
                if (!java.util.Arrays.equals(magic, MAGIC)) {
                    throw new IOException("not a compile cache file");
                }
                CRC32 crc = new CRC32();
                crc.update(bytes, 0, bytes.length - 8);
                if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
                    throw new IOException("CRC-32 mismatch");
                }
                byte[] k = new byte[b.getInt()];
                b.get(k);
                Set<ProbeKind> needed = kinds(b.getInt());
                Set<ProbeKind> granted = kinds(b.getInt());
                byte[] script = new byte[b.getInt()];
                b.get(script);
                if (b.remaining() != 8) {
                    throw new IOException("length mismatch");
                }
                return new Entry(new String(k, StandardCharsets.UTF_8), needed, granted, script);
            } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException
                     | NegativeArraySizeException e) {
                throw new IOException("truncated or malformed (" + e.getClass().getSimpleName() + ")", e);
            }
        }

        private static int mask(Set<ProbeKind> kinds) {
            int m = 0;
            for (ProbeKind k : kinds) {
                m |= 1 << k.ordinal();
            }
            return m;
        }

        private static Set<ProbeKind> kinds(int mask) throws IOException {
            Set<ProbeKind> out = java.util.EnumSet.noneOf(ProbeKind.class);
            ProbeKind[] all = ProbeKind.values();
            if ((mask & ~((1 << all.length) - 1)) != 0) {
                throw new IOException("unknown probe kind bits " + Integer.toHexString(mask));
            }
            for (ProbeKind k : all) {
                if ((mask & 1 << k.ordinal()) != 0) {
                    out.add(k);
                }
            }
            return out;
        }
    }

    /**
     * A file name for {@code s}: its length, CRC-32 and 64-bit FNV-1a hash in hex. Not a cryptographic digest
     * (MessageDigest's first use loads the JDK's security providers, tens of milliseconds in a cold JVM): a name
     * two keys share costs a miss, never a wrong script, since the file holds the whole key and it must match.
     */
    static String fileName(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(b);
        long fnv = 0xcbf29ce484222325L;
        for (byte x : b) {
            fnv = (fnv ^ (x & 0xff)) * 0x100000001b3L;
        }
        return Integer.toHexString(b.length) + "-" + Long.toHexString(crc.getValue()) + "-" + Long.toHexString(fnv);
    }
}
