package io.boxscope.mem.top;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.RuntimeApis;
import io.boxscope.proc.container.RuntimeContainer;

/**
 * smem's per-process table for many processes, fast: one smaps_rollup read per process (the kernel
 * walks the page tables once and prints 20 lines instead of 25 per mapping), falling back to
 * summing smaps on kernels before 4.14, with the reads spread over a few threads.
 *
 * <p>A process that exits during the scan, or whose smaps we may not read, is skipped and counted,
 * never an error. Kernel threads and zombies (no memory of their own) are left out, as smem does.
 * Each process's cgroup file is read in the same pass, so a table with a CONTAINER column needs no
 * second walk over /proc.
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

    /**
     * Reads every pid in {@code pids} with {@code threads} threads: the calling thread and
     * {@code threads - 1} more, each taking the next pid in turn (plain threads: a parallel stream
     * costs more to start than the scan itself in a fresh JVM).
     */
    public static Scan scan(ProcMemReader reader, Collection<Integer> pids, int threads) {
        int[] list = new int[pids.size()];
        int k = 0;
        for (int pid : pids) {
            list[k++] = pid;
        }
        Worker w = new Worker(reader, list);
        Thread[] helpers = new Thread[Math.max(1, Math.min(threads, list.length)) - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = Thread.ofPlatform().daemon().name("boxscope-memtop").start(w);
        }
        w.run();
        boolean interrupted = false;
        for (Thread t : helpers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (w.failure.get() != null) {
            Throwable e = w.failure.get();
            throw new IllegalStateException("reading processes failed: " + e.getMessage(), e);
        }
        List<ProcessMemory> sorted = new ArrayList<>(list.length);
        for (ProcessMemory m : w.out) {
            if (m != null) {
                sorted.add(m);
            }
        }
        sorted.sort((a, b) -> Integer.compare(a.pid(), b.pid())); // not Comparator.comparingInt: see TopCommand.order
        return new Scan(sorted, w.exited.get(), w.denied.get(), w.kernel.get(), w.bad.get());
    }

    /** The shared state of one scan's threads; each process's result goes to its own slot. */
    private static final class Worker implements Runnable {
        final ProcMemReader reader;
        final int[] pids;
        final ProcessMemory[] out;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger exited = new AtomicInteger();
        final AtomicInteger denied = new AtomicInteger();
        final AtomicInteger kernel = new AtomicInteger();
        final AtomicInteger bad = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /**
         * Container by the text of /proc/PID/cgroup: most processes share a few such texts, and
         * parsing one and recognising its path takes splits and regexes.
         */
        final Map<String, ContainerRef> containers = new ConcurrentHashMap<>();
        /** Recognises containers as `containers` does (private cgroup namespaces, ctr containers included). */
        final ContainerDiscovery discovery;

        Worker(ProcMemReader reader, int[] pids) {
            this.reader = reader;
            this.discovery = ContainerDiscovery.of(reader.paths());
            this.pids = pids;
            this.out = new ProcessMemory[pids.length];
        }

        @Override
        public void run() {
            try {
                for (int i = next.getAndIncrement(); i < pids.length; i = next.getAndIncrement()) {
                    out[i] = read(pids[i]);
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                next.set(pids.length);
            }
        }

        private ProcessMemory read(int pid) {
            try {
                return one(pid);
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
        }

        private ProcessMemory one(int pid) throws IOException {
            Rollup r = reader.rollupOrSum(pid);
            if (r.fields().size() == 0) {
                kernel.incrementAndGet();
                return null;
            }
            String cmdline = reader.cmdline(pid);
            // The owner of /proc/PID is the effective UID (what smem shows); a stat is cheaper than status.
            int uid = reader.owner(pid);
            String command = commandLine(cmdline);
            String name;
            if (command.isEmpty()) {
                name = reader.comm(pid);
                command = "[" + name + "]";
            } else {
                String argv0 = command.split(" ", 2)[0];
                name = argv0.substring(argv0.lastIndexOf('/') + 1);
            }
            return new ProcessMemory(pid, uid, name, command, r, container(pid));
        }

        /** The container of {@code pid}, from /proc/PID/cgroup (cgroups(7)); HOST if the file is absent. */
        private ContainerRef container(int pid) throws IOException {
            String text;
            try {
                text = reader.readRaw(pid, "cgroup");
            } catch (NoSuchFileException e) {
                return ContainerRef.HOST; // a kernel without cgroups
            }
            ContainerRef ref = containers.get(text);
            if (ref == null) {
                ref = discovery.recognize(CgroupMembership.parse(text));
                containers.put(text, ref);
            }
            return ref;
        }
    }

    /**
     * Container names by full id, from the runtimes' APIs (Docker, Podman), asked only if some
     * process of {@code scan} is in a container: on a host without containers no socket is touched.
     * Containers the runtimes do not name are absent (show {@link ContainerRef#shortId()}).
     */
    public static Map<String, String> containerNames(Scan scan) {
        boolean any = false;
        for (ProcessMemory m : scan.processes()) {
            any |= !m.container().isHost();
        }
        if (!any) {
            return Map.of();
        }
        Map<String, String> names = new HashMap<>();
        for (Map.Entry<String, RuntimeContainer> e : RuntimeApis.defaults().lookup().byId().entrySet()) {
            if (!e.getValue().name().isEmpty()) {
                names.put(e.getKey(), e.getValue().name());
            }
        }
        return names;
    }

    /** What a table shows for a process's container: its name, else its short id; "-" on the host. */
    public static String containerLabel(ContainerRef ref, Map<String, String> names) {
        return ref.isHost() ? "-" : names.getOrDefault(ref.id(), ref.shortId());
    }

    /**
     * A raw /proc/PID/cmdline as smem shows it: the arguments joined by spaces, decoded as UTF-8;
     * empty for kernel threads and zombies (callers show "[comm]" then).
     */
    public static String commandLine(String rawCmdline) {
        return Mapping.decode(stripTrailingNuls(rawCmdline)).replace('\0', ' ');
    }

    private static String stripTrailingNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }
}
