package io.boxscope.probe.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.symbols.Mapping;

/**
 * A USDT semaphore set by hand in one process, for kernels whose uprobe PMU cannot count it
 * ({@code ref_ctr_offset}, Linux 4.20+): the 16-bit counter at a file offset is found in the process's
 * mappings of that file (/proc/PID/maps) and incremented through /proc/PID/mem (proc(5)); closing decrements
 * it again. Racy against another tracer doing the same at the same instant, as bcc's and bpftrace's are.
 */
final class Semaphores implements AutoCloseable {
    private final Path mem;
    private final long address;
    private boolean closed;

    private Semaphores(Path mem, long address) {
        this.mem = mem;
        this.address = address;
    }

    /** Increments the semaphore at {@code fileOffset} of {@code file} in process {@code pid}. */
    static Semaphores increment(int pid, Path file, long fileOffset) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        String op = "set the USDT semaphore at offset 0x" + Long.toHexString(fileOffset) + " of " + file + " in process " + pid;
        long address = -1;
        try {
            Object inode = Files.getAttribute(file, "unix:ino");
            for (Mapping m : Mapping.parse(Files.readString(proc.resolve("maps")), new int[1])) {
                if (m.inode() == ((Number) inode).longValue() && fileOffset >= m.offset()
                        && fileOffset < m.offset() + (m.end() - m.start()) && m.perms().startsWith("rw")) {
                    address = m.start() + fileOffset - m.offset();
                    break;
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new BpfException(op, Errno.ENOENT.number(), e.getMessage());
        }
        if (address < 0) {
            throw new BpfException(op, Errno.ENOENT.number(), "the process does not map that part of the file writable");
        }
        Semaphores s = new Semaphores(proc.resolve("mem"), address);
        s.add(1, op);
        return s;
    }

    private void add(int delta, String op) {
        try (FileChannel ch = FileChannel.open(mem, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.nativeOrder());
            ch.read(b, address);
            short v = b.getShort(0);
            b.clear();
            b.putShort(0, (short) Math.max(0, v + delta));
            ch.write(b, address);
        } catch (IOException e) {
            throw new BpfException(op, Errno.EIO.number(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                add(-1, "reset a USDT semaphore");
            } catch (BpfException e) {
                // the process may have exited: nothing is left to reset
            }
        }
    }
}
