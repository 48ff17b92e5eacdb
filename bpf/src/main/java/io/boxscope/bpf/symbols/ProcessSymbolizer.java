package io.boxscope.bpf.symbols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.bpf.elf.DebugFiles;
import io.boxscope.bpf.elf.ElfFile;

/**
 * User-space addresses of one process to names (bpftrace's {@code ustack} and {@code usym}). The address is
 * looked up in {@code /proc/PID/maps}; in a file mapping it becomes a file offset
 * ({@code address - start + offset}), then a link-time address through the file's PT_LOAD segments, then
 * a function of the file's symbol tables or its debug file ({@link ElfSymbolIndex}). Files are opened as
 * the process sees them ({@code /proc/PID/map_files/START-END}, which also works for deleted files and files
 * in other mount namespaces, else {@code /proc/PID/root/PATH}). Addresses in no file mapping (JIT code) are
 * looked up in the process's {@code /tmp/perf-NSPID.map} ({@link PerfMap}), read under its root with its
 * own pid namespace number.
 *
 * <p>Indexes are cached for the whole JVM by device and inode (a file mapped by many processes is read
 * once) and by build id (the same library in several containers). An address outside every mapping
 * makes one re-read of maps (the process may have mapped something since), and a check of the perf map's size;
 * within one <em>pass</em> ({@link #resolve(long, long)}: the stacks of one map read, all captured before it)
 * only the first such address does: the stacks of a process built without frame pointers end in addresses no
 * mapping holds, and re-reading maps, status and the perf map for each of them took 1.6-2.4 ms of CPU a frame,
 * ~100 ms of diagnose's off-CPU read beside a sysbench (issue 15, docs/benchmarks.md). What could not be read is
 * counted in {@link #problems()}. Not thread-safe.
 */
public final class ProcessSymbolizer {
    private static final int CACHE_LIMIT = 512;
    private static final Map<String, ElfSymbolIndex> BY_INODE = lru();
    private static final Map<String, ElfSymbolIndex> BY_BUILD_ID = lru();

    private final Path procRoot;
    private final int pid;
    private List<Mapping> maps;
    private PerfMap perfMap;
    private long perfMapSize = -1;
    /** The pass in which maps was last read ({@link #NO_PASS}: none, or read outside a pass). */
    private long mapsReadIn = NO_PASS;
    /** The pass in which the perf map was last looked for, and what that found (null: no perf map). */
    private long perfMapCheckedIn = NO_PASS;
    private PerfMap perfMapInPass;
    /** The last NSpid field of status, once read (a process's pid namespace does not change). */
    private String nsPid;
    private final List<String> problems = new ArrayList<>();

    private ProcessSymbolizer(Path procRoot, int pid) {
        this.procRoot = procRoot;
        this.pid = pid;
    }

    private static Map<String, ElfSymbolIndex> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ElfSymbolIndex> e) {
                return size() > CACHE_LIMIT;
            }
        };
    }

    /** A symbolizer for process {@code pid} under {@code procRoot} (normally {@code /proc}). */
    public static ProcessSymbolizer of(Path procRoot, int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not a process id");
        }
        return new ProcessSymbolizer(procRoot, pid);
    }

    public int pid() {
        return pid;
    }

    /** No pass: {@link #resolve(long, long)} re-reads maps and the perf map for every address outside every mapping. */
    public static final long NO_PASS = -1;

    /** The function containing {@code address} in this process, or empty (then print the address). */
    public Optional<Symbol> resolve(long address) {
        return resolve(address, NO_PASS);
    }

    /**
     * As {@link #resolve(long)}, an address outside every mapping re-reading maps and the perf map only when they
     * were not read in {@code pass} yet (a number the caller changes for each batch of addresses captured before the
     * batch is resolved, such as the stacks of one map read: a mapping made after the first re-read of the pass
     * cannot hold an address captured before it). {@link #NO_PASS}: every time, as {@link #resolve(long)}.
     */
    public Optional<Symbol> resolve(long address, long pass) {
        Optional<Mapping> m = mappingOf(address, pass);
        if (m.isEmpty() && (pass == NO_PASS || mapsReadIn != pass)) {
            refresh();
            m = mappingOf(address, pass);
        }
        if (m.isPresent() && m.get().isFile()) {
            Optional<ElfSymbolIndex> idx = index(m.get());
            if (idx.isPresent()) {
                long vaddr = idx.get().vaddrOfFileOffset(address - m.get().start() + m.get().offset());
                return vaddr == -1 ? Optional.empty() : idx.get().resolve(vaddr, address, m.get().path());
            }
            return Optional.empty();
        }
        if (pass != NO_PASS && perfMapCheckedIn == pass) {
            return Optional.ofNullable(perfMapInPass).flatMap(p -> p.resolve(address));
        }
        Optional<PerfMap> p = perfMap();
        perfMapCheckedIn = pass;
        perfMapInPass = p.orElse(null);
        return p.flatMap(x -> x.resolve(address));
    }

    /** Forgets this process's maps and perf map, so they are read again on the next lookup. */
    public void refresh() {
        maps = null;
        perfMapSize = -1;
        mapsReadIn = NO_PASS;
        perfMapCheckedIn = NO_PASS;
    }

    /** What could not be read (maps lines, files, perf map), one message each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private Optional<Mapping> mappingOf(long address, long pass) {
        if (maps == null) {
            mapsReadIn = pass;
            Path f = procRoot.resolve(Integer.toString(pid)).resolve("maps");
            try {
                int[] skipped = {0};
                maps = Mapping.parse(Files.readString(f, StandardCharsets.ISO_8859_1), skipped);
                if (skipped[0] > 0) {
                    problems.add(f + ": " + skipped[0] + " lines were not mappings");
                }
            } catch (IOException e) {
                problems.add(f + ": " + (e instanceof NoSuchFileException ? "process " + pid + " has exited" : e.toString()));
                maps = List.of();
            }
        }
        for (Mapping m : maps) {
            if (m.contains(address)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private Optional<ElfSymbolIndex> index(Mapping m) {
        String key = m.device() + " " + m.inode();
        synchronized (BY_INODE) {
            ElfSymbolIndex cached = BY_INODE.get(key);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Path pidDir = procRoot.resolve(Integer.toString(pid));
        String path = m.path().endsWith(" (deleted)") ? m.path().substring(0, m.path().length() - 10) : m.path();
        List<Path> candidates = List.of(
                pidDir.resolve("map_files").resolve(Long.toHexString(m.start()) + "-" + Long.toHexString(m.end())),
                pidDir.resolve("root").resolve(path.substring(1)));
        for (Path file : candidates) {
            try {
                ElfFile elf = ElfFile.read(file);
                String buildId = elf.buildId().orElse("");
                ElfSymbolIndex idx = null;
                if (!buildId.isEmpty()) {
                    synchronized (BY_INODE) {
                        idx = BY_BUILD_ID.get(buildId);
                    }
                }
                if (idx == null) {
                    ElfFile debug = null;
                    if (!elf.hasSymtab()) {
                        Optional<Path> d = DebugFiles.find(elf, Path.of(path), DebugFiles.DEFAULT_ROOT);
                        if (d.isPresent()) {
                            debug = ElfFile.read(d.get());
                        }
                    }
                    idx = ElfSymbolIndex.of(elf, debug);
                }
                synchronized (BY_INODE) {
                    BY_INODE.put(key, idx);
                    if (!buildId.isEmpty()) {
                        BY_BUILD_ID.put(buildId, idx);
                    }
                }
                return Optional.of(idx);
            } catch (IOException | RuntimeException e) {
                if (file == candidates.get(candidates.size() - 1)) {
                    problems.add(m.path() + " (mapped at 0x" + Long.toHexString(m.start()) + "): " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<PerfMap> perfMap() {
        Path pidDir = procRoot.resolve(Integer.toString(pid));
        Path file = pidDir.resolve("root").resolve("tmp").resolve("perf-" + nsPid(pidDir) + ".map");
        try {
            long size = Files.size(file);
            if (size != perfMapSize || perfMap == null) {
                perfMap = PerfMap.parse(Files.readString(file, StandardCharsets.UTF_8), "perf-" + pid + ".map");
                perfMapSize = size;
                if (perfMap.skipped() > 0) {
                    problems.add(file + ": " + perfMap.skipped() + " lines were not START SIZE NAME");
                }
            }
            return Optional.of(perfMap);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            problems.add(file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The process's pid in its own pid namespace (last NSpid field of status), which names its perf map. */
    private String nsPid(Path pidDir) {
        if (nsPid != null) {
            return nsPid;
        }
        try {
            for (String line : Files.readAllLines(pidDir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).strip().split("\\s+");
                    nsPid = f[f.length - 1];
                    return nsPid;
                }
            }
        } catch (IOException e) {
            // fall back to the pid as we see it
        }
        return Integer.toString(pid);
    }

    /** Empties the JVM-wide caches of ELF indexes (tests; after a package upgrade replaced files in place). */
    public static void clearCache() {
        synchronized (BY_INODE) {
            BY_INODE.clear();
            BY_BUILD_ID.clear();
        }
    }
}
