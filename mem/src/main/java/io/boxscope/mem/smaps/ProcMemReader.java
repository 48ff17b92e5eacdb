package io.boxscope.mem.smaps;

import java.io.IOException;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.ProcStat;

/**
 * Reads the per-process memory files under the proc root. A process that does not exist, or exits
 * while being read (the kernel then returns ESRCH or an empty file), becomes
 * {@link NoSuchProcessException}; another user's process without privilege becomes
 * {@link AccessDeniedException} (smaps needs PTRACE_MODE_READ, proc(5)).
 */
public final class ProcMemReader {
    private final HostPaths paths;

    /** The proc root with a trailing '/': file names are built as strings, no Path per read. */
    private final String root;

    public ProcMemReader(HostPaths paths) {
        this.paths = paths;
        String r = paths.procRoot().toString();
        this.root = r.endsWith("/") ? r : r + "/";
    }

    /** {@code <proc-root>/PID/FILE} as a string. */
    private String fileName(int pid, String file) {
        return new StringBuilder(root.length() + 24).append(root).append(pid).append('/').append(file).toString();
    }

    public HostPaths paths() {
        return paths;
    }

    /** The file's bytes as a byte string (one char per byte). */
    public String readRaw(int pid, String file) throws IOException {
        Buffer b = BUFFER.get();
        int n = readSmall(pid, file, b);
        String text = new String(b.bytes, 0, n, StandardCharsets.ISO_8859_1);
        b.shrink();
        return text;
    }

    /** The file's bytes; errors mapped as described in the class comment. */
    public byte[] readBytes(int pid, String file) throws IOException {
        Buffer b = BUFFER.get();
        int n = readSmall(pid, file, b);
        byte[] bytes = Arrays.copyOf(b.bytes, n);
        b.shrink();
        return bytes;
    }

    /**
     * One reusable read buffer per thread: mem top reads three small files for each of hundreds
     * of processes, and a fresh array (or a channel's temporary direct buffer) for each costs more
     * than the read in a JVM that has just started.
     */
    private static final class Buffer {
        static final int SIZE = 16 * 1024;
        byte[] bytes = new byte[SIZE];

        /** A long-lived thread does not keep the memory of one huge command line. */
        void shrink() {
            if (bytes.length > 64 * SIZE) {
                bytes = new byte[SIZE];
            }
        }
    }

    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

    /** Reads the whole file into {@code b} (grown as needed) and returns its length. */
    private int readSmall(int pid, String file, Buffer b) throws IOException {
        String name = fileName(pid, file);
        try (FileInputStream in = open(name)) {
            int len = 0;
            while (true) {
                if (len == b.bytes.length) {
                    b.bytes = Arrays.copyOf(b.bytes, len * 2);
                }
                int n = in.read(b.bytes, len, b.bytes.length - len);
                if (n < 0) {
                    return len;
                }
                len += n;
            }
        } catch (IOException e) {
            throw translate(pid, file, e);
        }
    }

    /**
     * A read error on /proc/PID/file as the exception the class comment promises (to be thrown);
     * throws {@link NoSuchProcessException} itself.
     */
    private IOException translate(int pid, String file, IOException e) {
        if (e instanceof AccessDeniedException) {
            return e;
        }
        // Reading smaps of a process that exited after open() fails with ESRCH.
        if (!Files.isDirectory(paths.procRoot().resolve(Integer.toString(pid)))) {
            throw new NoSuchProcessException(pid, paths.procRoot().toString());
        }
        if (!(e instanceof NoSuchFileException) && esrch(e)) {
            // The directory is still there but the memory is gone: a kernel thread, a zombie.
            return new NoMemoryException(pid, file);
        }
        return e;
    }

    /** Read size for maps and smaps: big enough that the kernel fills many entries per read call. */
    static final int CHUNK = 128 * 1024;

    /**
     * Parses maps or smaps as it is read, a chunk at a time into one buffer: a 10,000-mapping smaps
     * is 7 MB, which would otherwise be copied into ever larger arrays before parsing could start.
     * (Reading on a second thread, to overlap the kernel's formatting with parsing, was measured
     * slower on two cores: the JIT compiler threads want them too.) A plain FileInputStream: in a
     * JVM that has just started it was measured cheaper to open and read than a FileChannel.
     */
    private List<Mapping> parsed(int pid, String file) throws IOException {
        String name = fileName(pid, file);
        SmapsParser parser = new SmapsParser(name);
        long total = 0;
        try (FileInputStream in = open(name)) {
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf, 0, CHUNK)) >= 0) {
                parser.feed(buf, 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw translate(pid, file, e);
        }
        if (total > 0 && !hasMemory(pid)) {
            // The kernel ends maps/smaps early, without an error, once the address space is gone
            // (fs/proc/task_mmu.c, m_start: no mm, no more entries): what was read may be cut short.
            throw new NoSuchProcessException(pid, paths.procRoot().toString());
        }
        return parser.finish();
    }

    /**
     * Whether the process still has its address space after a read of maps or smaps: it is not a
     * zombie (state Z or X) and its virtual size (stat field 23) is not 0. A process that exits
     * releases its memory (exit_mm) before it turns into a zombie, so the size is what tells.
     * Throws {@link NoSuchProcessException} if it is gone altogether.
     */
    private boolean hasMemory(int pid) throws IOException {
        ProcStat st;
        try {
            st = stat(pid);
        } catch (ProcParseException e) {
            return true; // not the format proc(5) describes: do not guess
        }
        return st.state() != 'Z' && st.state() != 'X' && st.state() != 'x' && st.vsizeBytes() != 0;
    }

    /** Opens a file, failing as the NIO calls do: NoSuchFileException or AccessDeniedException. */
    private static FileInputStream open(String name) throws IOException {
        try {
            return new FileInputStream(name);
        } catch (FileNotFoundException e) {
            // FileInputStream reports every failed open so (missing, denied, ESRCH for a kernel
            // thread's smaps_rollup). ESRCH is common in mem top (every kernel thread) and its
            // message is what esrch() recognises; for the rest NIO opens the file again to say which.
            if (esrch(e)) {
                throw e;
            }
            Files.newByteChannel(Path.of(name)).close();
            throw e;
        }
    }

    static boolean esrch(IOException e) {
        return String.valueOf(e.getMessage()).contains("No such process");
    }

    /** /proc/PID exists but has no address space to show (kernel thread or zombie): ESRCH on smaps_rollup. */
    public static final class NoMemoryException extends IOException {
        private static final long serialVersionUID = 1L;

        public NoMemoryException(int pid, String file) {
            super("process " + pid + " has no memory of its own (kernel thread or zombie): " + file + " is empty");
        }
    }

    /** Every mapping with its smaps details. */
    public List<Mapping> smaps(int pid) throws IOException {
        return parsed(pid, "smaps");
    }

    /** Every mapping, without details (cheaper: the kernel does not walk page tables). */
    public List<Mapping> maps(int pid) throws IOException {
        return parsed(pid, "maps");
    }

    /**
     * smaps_rollup (Linux 4.14+), or empty when the kernel has no such file. An empty file (kernel
     * thread, or a process whose memory is gone) gives an empty rollup, not an error.
     */
    public Optional<Rollup> rollup(int pid) throws IOException {
        Buffer b = BUFFER.get();
        int n;
        try {
            n = readSmall(pid, "smaps_rollup", b);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NoMemoryException e) {
            return Optional.of(Rollup.EMPTY);
        }
        SmapsParser parser = new SmapsParser(fileName(pid, "smaps_rollup"), rollupSchema);
        parser.feed(b.bytes, 0, n);
        b.shrink();
        List<Mapping> m = parser.finish();
        if (m.isEmpty()) {
            return Optional.of(Rollup.EMPTY);
        }
        SmapsFields f = m.getFirst().fields();
        rollupSchema = f;
        return Optional.of(Rollup.of(f, Rollup.Source.ROLLUP));
    }

    /** The last rollup's fields: every process's rollup has the same keys, so their Strings are shared. */
    private volatile SmapsFields rollupSchema = SmapsFields.EMPTY;

    /** smaps_rollup if the kernel has it, else the sum of smaps (as smem does everywhere). */
    public Rollup rollupOrSum(int pid) throws IOException {
        Optional<Rollup> r = rollup(pid);
        return r.isPresent() ? r.get() : Rollup.sum(smaps(pid));
    }

    public ProcStatus status(int pid) throws IOException {
        return ProcStatus.parse(Mapping.decode(readRaw(pid, "status")));
    }

    /** The UID owning /proc/PID: the process's effective UID while it is dumpable (proc(5)). */
    public int owner(int pid) throws IOException {
        Path dir = paths.procRoot().resolve(Integer.toString(pid));
        try {
            return ((Number) Files.getAttribute(dir, "unix:uid")).intValue();
        } catch (NoSuchFileException e) {
            throw new NoSuchProcessException(pid, paths.procRoot().toString());
        } catch (UnsupportedOperationException e) {
            return status(pid).uid();
        }
    }

    /**
     * The command name (comm, up to 15 bytes) exactly as the process set it, decoded as UTF-8: only
     * the newline the kernel appends is removed (a name may end in spaces or hold a newline, and
     * status's Name line escapes it, so this is the file to read; proc(5)).
     */
    public String comm(int pid) throws IOException {
        String raw;
        try {
            raw = readRaw(pid, "comm");
        } catch (NoSuchFileException e) {
            return status(pid).name(); // a copied proc tree without comm (Linux < 2.6.33 had none)
        }
        return Mapping.decode(raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw);
    }

    /** The raw command line: arguments separated by NUL bytes. */
    public String cmdline(int pid) throws IOException {
        return readRaw(pid, "cmdline");
    }

    /** /proc/PID/stat, parsed (comm, state, vsize, startstack...). */
    public ProcStat stat(int pid) throws IOException {
        return ProcStat.parse(readRaw(pid, "stat"));
    }

    /** Inodes of SysV shared memory segments, from /proc/sysvipc/shm (column "inode"); empty if unreadable. */
    public Set<Long> sysvShmInodes() {
        Set<Long> out = new HashSet<>();
        try {
            List<String> lines = Files.readAllLines(paths.procRoot().resolve("sysvipc").resolve("shm"));
            if (lines.isEmpty()) {
                return out;
            }
            List<String> head = List.of(lines.getFirst().strip().split("\\s+"));
            int col = head.indexOf("inode");
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.strip().split("\\s+");
                if (col >= 0 && col < f.length) {
                    out.add(Long.parseLong(f[col]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No SysV IPC here, or not readable: no mapping is recognised by inode.
        }
        return out;
    }
}
