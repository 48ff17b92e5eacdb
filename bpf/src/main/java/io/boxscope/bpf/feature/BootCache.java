package io.boxscope.bpf.feature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers about the running kernel kept for the rest of the boot in one small file (usually under
 * {@code /run/boxscope}, a tmpfs the boot empties), so a later process need not ask the kernel again: a feature
 * probe attaches for real (an RCU grace period to detach a tracepoint, ~60-75 ms of CPU in a cold JVM), and the
 * typedefs of tracepoint formats need the 5.5 MB kernel BTF (~50 ms).
 *
 * <p>The file is trusted only when it cannot have been written by anyone but root: the process's effective uid
 * is 0, the directory is a real directory (not a symbolic link) owned by uid 0 and writable by nobody else, and
 * the file is a regular file (opened without following links) owned by uid 0 with mode 0600. Its first lines
 * must name the same key as this process computes: the format version, {@code /proc/sys/kernel/random/boot_id}
 * (a reboot, a new kernel), {@code /proc/sys/kernel/osrelease}, and for {@link Scope#PRIVILEGES} the effective
 * capabilities ({@code CapEff} in proc(5)'s {@code /proc/PID/status}) and the lockdown state
 * ({@code /sys/kernel/security/lockdown}, kernel_lockdown(7)), which change what the kernel lets this process do.
 * Anything else (a planted symbolic link, another owner, wider permissions, another key, lines that do not
 * parse) is ignored as if the file were absent, and the next {@link #put} replaces it. A write goes to a new
 * file created with O_EXCL and mode 0600 in the same directory and is renamed over the old one (rename(2) is
 * atomic and replaces a symbolic link itself, never its target), so a reader sees the old file or the new one.
 *
 * <p>Callers store only answers that cannot change during a boot for the same key (a feature that worked keeps
 * working; a failure may be transient, e.g. ENOMEM or a busy machine, and is probed again each time).
 * Two processes writing at once lose one's new entries, which are then asked again: a cost, never a wrong answer.
 * I/O errors make the cache act empty; it never fails the command it serves. They are not lost either: each is
 * counted with what failed ({@link #errors}, {@link #problems}), and the command line prints them when
 * {@code BOXSCOPE_DEBUG} is set.
 */
public final class BootCache {
    /** Bumped when the meaning of a stored answer changes (a probe that tests something else). */
    static final String FORMAT = "boxscope-boot-cache 1";

    /** What a stored answer depends on beyond the boot and the kernel. */
    public enum Scope {
        /** The kernel alone (BTF-derived facts). */
        KERNEL,
        /** The kernel and what this process may do (feature probes). */
        PRIVILEGES
    }

    private static volatile Path directory;
    /** The I/O errors of every cache of this process: how many, and the last {@link RecentProblems#KEPT} said in words. */
    private static final AtomicLong ERRORS = new AtomicLong();
    private static final RecentProblems PROBLEMS = new RecentProblems();

    private final Path dir;
    private final Path file;
    private final Scope scope;
    private Map<String, String> entries;
    private String key;
    private boolean usable;

    BootCache(Path dir, String name, Scope scope) {
        this.dir = dir;
        this.file = dir.resolve(name);
        this.scope = scope;
    }

    /**
     * Turns the per-boot caches on, in {@code dir} (the command line uses {@code /run/boxscope}), or off with
     * null (the default: a library user, a test or {@code BOXSCOPE_NO_CACHE=1} asks the kernel every time).
     */
    public static void useDirectory(Path dir) {
        directory = dir;
    }

    /** The configured directory ({@link #useDirectory}), if caching is on: other per-boot caches keep their files there. */
    public static Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** The cache named {@code name} in the configured directory, if caching is on. */
    public static Optional<BootCache> shared(String name, Scope scope) {
        Path d = directory;
        return d == null ? Optional.empty() : Optional.of(new BootCache(d, name, scope));
    }

    /**
     * I/O errors the caches of this process met so far (reading or making the directory, reading the file or
     * the key's /proc files, writing the file): each made its cache act empty, or kept an answer from being stored.
     */
    public static long errors() {
        return ERRORS.get();
    }

    /** What the last {@link RecentProblems#KEPT} of the {@link #errors} were: the file, the step and the error. */
    public static List<String> problems() {
        return PROBLEMS.list();
    }

    private void failed(String step, Exception e) {
        ERRORS.incrementAndGet();
        PROBLEMS.add(file + ": " + step + " failed (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }

    /** A cache in {@code dir} regardless of the configured directory (tests; tools with a directory of their own). */
    public static BootCache in(Path dir, String name, Scope scope) {
        return new BootCache(dir, name, scope);
    }

    /** The stored value for {@code k}, if the file is trustworthy, of this boot and key, and has it. */
    public synchronized Optional<String> get(String k) {
        load();
        return Optional.ofNullable(entries.get(k));
    }

    /**
     * Stores {@code value} for {@code k} and rewrites the file atomically (nothing is written when the
     * process is not root or the directory is not trustworthy). Keys and values must not hold tabs or newlines.
     */
    public synchronized void put(String k, String value) {
        if (k.indexOf('\t') >= 0 || k.indexOf('\n') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a boot cache entry may not hold a tab or a newline: " + k);
        }
        load();
        if (!usable || value.equals(entries.get(k))) {
            return;
        }
        entries.put(k, value);
        try {
            write();
        } catch (IOException | UncheckedIOException e) {
            usable = false; // a full /run or a read-only one: the command goes on without the cache
            failed("writing", e);
        }
    }

    /** Whether this process may read and write the cache (root, trustworthy directory); loads it. */
    public synchronized boolean usable() {
        load();
        return usable;
    }

    private void load() {
        if (entries != null) {
            return;
        }
        entries = new LinkedHashMap<>();
        try {
            key = key(scope);
            usable = key != null && trustedDirectory();
            if (usable) {
                read();
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            usable = false;
            entries.clear();
            failed("opening or reading", e);
        }
    }

    /** The directory exists (made 0700 if absent), is no symbolic link, belongs to root and nobody else may write it. */
    private boolean trustedDirectory() throws IOException {
        return trustedDirectory(dir);
    }

    /**
     * Whether {@code dir} may hold root's cache files: it exists (made 0700 if absent; its parent must exist), is no
     * symbolic link, belongs to uid 0 and nobody else may write it. Shared with probe's compile cache.
     */
    public static boolean trustedDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it: checked below like any other
            }
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isDirectory() && uid(dir) == 0 && !a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                && !a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /** Reads the file if it is root's 0600 regular file of this key; anything else leaves the cache empty. */
    private void read() throws IOException {
        byte[] bytes = readTrusted(file, MAX_BYTES);
        if (bytes == null) {
            return;
        }
        Map<String, String> parsed = parse(new String(bytes, StandardCharsets.UTF_8), key);
        if (parsed != null) {
            entries.putAll(parsed);
        }
    }


    /**
     * The bytes of {@code file} if it is a regular file (opened without following links) owned by uid 0 with mode
     * 0600 and at most {@code max} bytes long; null when it is absent or anything else (then it is not trusted).
     * The caller has checked the directory with {@link #trustedDirectory(Path)}.
     */
    public static byte[] readTrusted(Path file, long max) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isRegularFile() || uid(file) != 0 || !a.permissions().equals(OWNER_RW) || a.size() > max) {
            return null;
        }
        // NOFOLLOW_LINKS: O_NOFOLLOW, so a link swapped in after the check above fails the open (ELOOP).
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max + 1, a.size() + 1));
            while (ch.read(buf) > 0 && buf.hasRemaining()) {
                // keep reading
            }
            if (!buf.hasRemaining()) {
                return null; // grew past what the attributes said, or past max
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    static final long MAX_BYTES = 1 << 20;
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    /** The entries of a cache file's text, or null when it is not one of {@code key} (then it is ignored whole). */
    static Map<String, String> parse(String text, String key) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 3 || !lines[0].equals(FORMAT) || !lines[1].equals("key " + key)
                || !lines[lines.length - 1].isEmpty()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < lines.length - 1; i++) {
            int tab = lines[i].indexOf('\t');
            if (tab <= 0) {
                return null;
            }
            out.put(lines[i].substring(0, tab), lines[i].substring(tab + 1));
        }
        return out;
    }

    private void write() throws IOException {
        StringBuilder sb = new StringBuilder(FORMAT).append('\n').append("key ").append(key).append('\n');
        entries.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} as {@code file} (in a directory checked with {@link #trustedDirectory(Path)}): a new file
     * created with O_EXCL and mode 0600 beside it, renamed over the old one, so a reader sees the old file or the
     * new one, and a symbolic link planted at {@code file} is replaced, never followed.
     */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            Files.setPosixFilePermissions(tmp, OWNER_RW); // the umask may have taken bits away; never adds any
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * This process's key for {@code scope}, or null when it is not root (only root's answers are stored). Read
     * from procfs and securityfs each time a cache is opened: a few small files.
     */
    public static String key(Scope scope) throws IOException {
        String status = Files.readString(Path.of("/proc/self/status"));
        String uid = field(status, "Uid:");
        String[] ids = uid == null ? new String[0] : uid.trim().split("\\s+");
        if (ids.length < 2 || !ids[1].equals("0")) {
            return null;
        }
        StringBuilder k = new StringBuilder()
                .append("boot=").append(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip())
                .append(" release=").append(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        if (scope == Scope.PRIVILEGES) {
            String caps = field(status, "CapEff:");
            k.append(" cap_eff=").append(caps == null ? "?" : caps.strip());
            String lockdown;
            try {
                lockdown = Files.readString(Path.of("/sys/kernel/security/lockdown")).strip();
            } catch (IOException e) {
                lockdown = "absent"; // no securityfs or no lockdown LSM: nothing locked down
            }
            k.append(" lockdown=").append(lockdown.replace(' ', '_'));
        }
        String s = k.toString();
        return s.indexOf('\n') >= 0 ? null : s;
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length());
            }
        }
        return null;
    }
}
