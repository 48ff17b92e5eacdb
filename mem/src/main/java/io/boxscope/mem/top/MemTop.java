package io.boxscope.mem.top;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;

/**
 * smem's per-process table for many processes, fast: one smaps_rollup read per process (the kernel
 * walks the page tables once and prints 20 lines instead of 25 per mapping), falling back to
 * summing smaps on kernels before 4.14, with the reads spread over a few threads.
 *
 * <p>A process that exits during the scan, or whose smaps we may not read, is skipped and counted,
 * never an error. Kernel threads and zombies (no memory of their own) are left out, as smem does.
 */
public final class MemTop {
    private MemTop() {}

    /** The scan's result. {@code exited}: vanished mid-scan; {@code denied}: permission denied. */
    public record Scan(List<ProcessMemory> processes, int exited, int denied, int kernelThreads, int unparsable) {
        public Scan {
            processes = List.copyOf(processes);
        }
    }

    /** Every numeric entry of the proc root (a plain loop: this runs before the JIT has warmed up). */
    public static List<Integer> pids(io.boxscope.proc.HostPaths paths) throws IOException {
        String[] names = paths.procRoot().toFile().list();
        if (names == null) {
            throw new IOException("cannot list " + paths.procRoot());
        }
        List<Integer> out = new ArrayList<>(names.length);
        for (String n : names) {
            boolean digits = !n.isEmpty();
            for (int i = 0; digits && i < n.length(); i++) {
                char c = n.charAt(i);
                digits = c >= '0' && c <= '9';
            }
            if (digits) {
                out.add(Integer.parseInt(n));
            }
        }
        return out;
    }

    /** Reads every pid in {@code pids} with {@code threads} threads. */
    public static Scan scan(ProcMemReader reader, Collection<Integer> pids, int threads) {
        AtomicInteger exited = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        AtomicInteger kernel = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        List<Integer> list = new ArrayList<>(pids);
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        List<ProcessMemory> out;
        try {
            out = pool.submit(() -> list.parallelStream().map(pid -> {
                try {
                    return one(reader, pid, kernel);
                } catch (NoSuchProcessException e) {
                    exited.incrementAndGet();
                } catch (AccessDeniedException e) {
                    denied.incrementAndGet();
                } catch (ProcParseException e) {
                    bad.incrementAndGet();
                } catch (IOException e) {
                    // Other read errors on /proc/PID files happen when the process is being torn down.
                    if (reader.paths().procRoot().resolve(Integer.toString(pid)).toFile().isDirectory()) {
                        bad.incrementAndGet();
                    } else {
                        exited.incrementAndGet();
                    }
                }
                return null;
            }).filter(p -> p != null).toList()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading processes", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading processes failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdown();
        }
        List<ProcessMemory> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(ProcessMemory::pid));
        return new Scan(sorted, exited.get(), denied.get(), kernel.get(), bad.get());
    }

    private static ProcessMemory one(ProcMemReader reader, int pid, AtomicInteger kernel) throws IOException {
        Rollup r = reader.rollupOrSum(pid);
        String cmdline = reader.cmdline(pid);
        if (r.fields().size() == 0) {
            kernel.incrementAndGet();
            return null;
        }
        // The owner of /proc/PID is the effective UID (what smem shows); a stat is cheaper than status.
        int uid = reader.owner(pid);
        String command = Mapping.decode(stripTrailingNuls(cmdline)).replace('\0', ' ');
        String name;
        if (command.isEmpty()) {
            name = reader.comm(pid);
            command = "[" + name + "]";
        } else {
            String argv0 = command.split(" ", 2)[0];
            name = argv0.substring(argv0.lastIndexOf('/') + 1);
        }
        return new ProcessMemory(pid, uid, name, command, r);
    }

    private static String stripTrailingNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }
}
