package io.boxscope.mem.smaps;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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

/**
 * Reads the per-process memory files under the proc root. A process that does not exist, or exits
 * while being read (the kernel then returns ESRCH or an empty file), becomes
 * {@link NoSuchProcessException}; another user's process without privilege becomes
 * {@link AccessDeniedException} (smaps needs PTRACE_MODE_READ, proc(5)).
 */
public final class ProcMemReader {
    private final HostPaths paths;

    public ProcMemReader(HostPaths paths) {
        this.paths = paths;
    }

    public HostPaths paths() {
        return paths;
    }

    /** The file's bytes as a byte string (one char per byte). */
    public String readRaw(int pid, String file) throws IOException {
        return new String(readBytes(pid, file), StandardCharsets.ISO_8859_1);
    }

    /** The file's bytes; errors mapped as described in the class comment. */
    public byte[] readBytes(int pid, String file) throws IOException {
        Path p = paths.pidFile(pid, file);
        try {
            return readFully(p, file.startsWith("smaps") && !file.equals("smaps_rollup") || file.equals("maps") ? 256 * 1024 : 4096);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(paths.procRoot().resolve(Integer.toString(pid)))) {
                throw new NoSuchProcessException(pid, paths.procRoot().toString());
            }
            throw e;
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            // Reading smaps of a process that exited after open() fails with ESRCH.
            if (!Files.isDirectory(paths.procRoot().resolve(Integer.toString(pid)))) {
                throw new NoSuchProcessException(pid, paths.procRoot().toString());
            }
            if (esrch(e)) {
                // The directory is still there but the memory is gone: a kernel thread, a zombie.
                throw new NoMemoryException(pid, file);
            }
            throw e;
        }
    }

    /**
     * Reads a /proc file (its size is reported as 0) with large reads: the kernel formats smaps a
     * buffer at a time, so few big reads beat many small ones for 10,000-mapping processes.
     */
    static byte[] readFully(Path p, int initial) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            byte[] buf = new byte[initial];
            int len = 0;
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (true) {
                int n = ch.read(bb);
                if (n < 0) {
                    break;
                }
                len += n;
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 4);
                    bb = ByteBuffer.wrap(buf);
                    bb.position(len);
                }
            }
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
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
        byte[] b = readBytes(pid, "smaps");
        return SmapsParser.parse(b, b.length, paths.pidFile(pid, "smaps").toString());
    }

    /** Every mapping, without details (cheaper: the kernel does not walk page tables). */
    public List<Mapping> maps(int pid) throws IOException {
        byte[] b = readBytes(pid, "maps");
        return SmapsParser.parse(b, b.length, paths.pidFile(pid, "maps").toString());
    }

    /**
     * smaps_rollup (Linux 4.14+), or empty when the kernel has no such file. An empty file (kernel
     * thread, or a process whose memory is gone) gives an empty rollup, not an error.
     */
    public Optional<Rollup> rollup(int pid) throws IOException {
        Path p = paths.pidFile(pid, "smaps_rollup");
        String text;
        try {
            text = readRaw(pid, "smaps_rollup");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NoMemoryException e) {
            return Optional.of(Rollup.EMPTY);
        }
        List<Mapping> m = SmapsParser.parse(text, p.toString());
        return Optional.of(m.isEmpty() ? Rollup.EMPTY : Rollup.of(m.getFirst().fields(), Rollup.Source.ROLLUP));
    }

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

    /** The command name (comm, up to 15 bytes), decoded as UTF-8. */
    public String comm(int pid) throws IOException {
        return Mapping.decode(readRaw(pid, "comm").strip());
    }

    /** The raw command line: arguments separated by NUL bytes. */
    public String cmdline(int pid) throws IOException {
        return readRaw(pid, "cmdline");
    }

    /**
     * Field 28 of /proc/PID/stat, startstack: the address of the bottom of the main thread's stack,
     * which pmap uses to label the mapping that contains it "[ stack ]".
     */
    public long startStack(int pid) throws IOException {
        String stat = readRaw(pid, "stat");
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).strip().split(" ");
        // f[0] is field 3 (state); startstack is field 28.
        return f.length > 25 ? Long.parseUnsignedLong(f[25]) : 0;
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
