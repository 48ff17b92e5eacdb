package io.boxscope.diagnose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.tools.stacks.StackRun;
import io.boxscope.tools.stacks.StackSample;
import io.boxscope.tools.stacks.StackSamples;

/**
 * diagnose's in-kernel collectors, one probe-language script each (resources {@code ebpf-*.bt}),
 * attached for the same window as the /proc sampling: run-queue latency, on-CPU stacks, off-CPU
 * stacks, block I/O latency, system calls, file I/O. Each is filtered in the kernel on the target:
 * its cgroup v2 id ({@code cgroup == ID}: the cgroup the container's processes are in, not cgroups
 * below it) or, for a process target, its pid. Each is optional: one that cannot be compiled, loaded
 * or attached (an old kernel, a missing tracepoint, no CAP_BPF) is left out and named in
 * {@link EbpfFindings#unmeasured()}, and the others still run.
 */
final class Ebpf implements AutoCloseable {
    static final int PROFILE_HZ = 99;
    static final int TOP = 15;

    /** The collectors, by script name, with what they measure (for "not measured" lines). */
    enum Collector {
        RUNQLAT("runqlat", "run-queue latency histogram"),
        ONCPU("oncpu", "on-CPU profile"),
        OFFCPU("offcpu", "off-CPU time by stack and reason"),
        BIOLAT("biolat", "block I/O latency histogram"),
        SYSCALLS("syscalls", "system calls by count, time and errno"),
        FILES("files", "file I/O by bytes and time");

        final String script;
        final String what;

        Collector(String script, String what) {
            this.script = script;
            this.what = what;
        }
    }

    private final Map<Collector, StackRun.Started> running = new EnumMap<>(Collector.class);
    private final List<String> unmeasured = new ArrayList<>();
    private final HostPaths paths;

    private Ebpf(HostPaths paths) {
        this.paths = paths;
    }

    /** Starts every collector it can for {@code target}; never throws for a collector that fails. */
    static Ebpf start(Target target, HostPaths paths) {
        Ebpf e = new Ebpf(paths);
        Optional<String> filter;
        try {
            filter = filter(target, paths);
        } catch (IOException ex) {
            e.unmeasured.add("eBPF collectors: cannot name the target's cgroup for in-kernel filtering (" + ex.getMessage() + ")");
            return e;
        }
        if (filter.isEmpty()) {
            e.unmeasured.add("eBPF collectors (run-queue latency, profiles, block I/O latency, syscalls, files): the target's "
                    + "cgroup has no cgroup v2 directory to filter on in the kernel");
            return e;
        }
        for (Collector c : Collector.values()) {
            try {
                String src = script(c.script).replace("${FILTER}", filter.get()).replace("${HZ}", Integer.toString(PROFILE_HZ));
                e.running.put(c, StackRun.load("diagnose-" + c.script, src, paths.sysRoot(), null));
            } catch (Exception ex) {
                e.unmeasured.add(c.what + ": " + oneLine(ex));
            }
        }
        // Loading (the verifier) takes a while per script; attaching is quick: attach them all last, so
        // every collector watches the same window as the /proc sampling that starts next.
        for (var it = e.running.entrySet().iterator(); it.hasNext(); ) {
            var r = it.next();
            try {
                r.getValue().attach();
            } catch (Exception ex) {
                e.unmeasured.add(r.getKey().what + ": " + oneLine(ex));
                r.getValue().close();
                it.remove();
            }
        }
        return e;
    }

    /** {@code pid == N} for a process, {@code cgroup == ID} for a container or cgroup with a v2 directory. */
    static Optional<String> filter(Target t, HostPaths paths) throws IOException {
        if (t.kind() == Target.Kind.PROCESS && t.pid().isPresent()) {
            return Optional.of("pid == " + t.pid().getAsInt());
        }
        Optional<Path> dir = new CgroupFs(paths).unifiedDir(t.cgroups());
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
            return Optional.empty();
        }
        return Optional.of("cgroup == " + Long.toUnsignedString(CgroupFs.cgroupId(dir.get())));
    }

    /** Detaches every collector and reads what it measured (stacks and files named now, while the processes run). */
    EbpfFindings finish() {
        List<String> missing = new ArrayList<>(unmeasured);
        Map<Collector, StackRun.Result> results = new EnumMap<>(Collector.class);
        // Every collector's window ends now, before any map is read: reading and symbolizing the stacks
        // of one takes time the others must not keep counting.
        for (StackRun.Started r : running.values()) {
            try {
                r.detach();
            } catch (RuntimeException ex) {
                // finish() below detaches again and reports it
            }
        }
        for (Map.Entry<Collector, StackRun.Started> r : running.entrySet()) {
            try {
                results.put(r.getKey(), r.getValue().finish());
            } catch (RuntimeException ex) {
                missing.add(r.getKey().what + ": " + oneLine(ex));
            }
        }
        Optional<LatencyHistogram> runq = Optional.ofNullable(results.get(Collector.RUNQLAT)).map(r -> hist(r.map("@runq_us")));
        Optional<List<StackSample>> on = Optional.ofNullable(results.get(Collector.ONCPU))
                .map(r -> StackSamples.of(r.map("@oncpu"), StackSamples.Keys.STANDARD));
        Map<OffCpu, Long> reasons = new EnumMap<>(OffCpu.class);
        Optional<List<StackSample>> off = Optional.ofNullable(results.get(Collector.OFFCPU)).map(r -> offCpu(r.map("@offcpu"), reasons));
        Optional<LatencyHistogram> bio = Optional.ofNullable(results.get(Collector.BIOLAT)).map(r -> hist(r.map("@bio_us")));
        List<EbpfFindings.Failure> failures = new ArrayList<>();
        Optional<List<EbpfFindings.Syscall>> sys = Optional.ofNullable(results.get(Collector.SYSCALLS)).map(r -> syscalls(r, failures));
        Optional<List<EbpfFindings.FileIo>> files = Optional.ofNullable(results.get(Collector.FILES)).map(this::files);
        return new EbpfFindings(runq, on, PROFILE_HZ, off, reasons, bio, sys, failures, files, missing);
    }

    @Override
    public void close() {
        for (StackRun.Started s : running.values()) {
            s.close();
        }
    }

    static LatencyHistogram hist(MapDump m) {
        for (MapDump.Entry e : m.entries()) {
            if (e.value() instanceof MapValue.Hist h) {
                return new LatencyHistogram(h.buckets());
            }
        }
        return new LatencyHistogram(new long[0]);
    }

    /** Off-CPU stacks (key: tid, comm, ustack, kstack, prev_state) merged by stack, and the time by reason. */
    static List<StackSample> offCpu(MapDump m, Map<OffCpu, Long> reasons) {
        Map<StackSample, Long> merged = new LinkedHashMap<>();
        for (MapDump.Entry e : m.entries()) {
            if (!(e.value() instanceof MapValue.Sum s) || s.sum() <= 0 || e.key().size() < 5) {
                continue;
            }
            List<Value> k = e.key();
            int tid = k.get(0) instanceof Value.Int i ? (int) i.bits() : 0;
            String comm = k.get(1) instanceof Value.Str str ? str.text() : "";
            List<String> user = k.get(2) instanceof Value.Stack st ? StackSamples.names(st) : List.of();
            List<String> kernel = k.get(3) instanceof Value.Stack st ? StackSamples.names(st) : List.of();
            long state = k.get(4) instanceof Value.Int i ? i.bits() : -1;
            reasons.merge(OffCpu.ofStack(kernel, state), s.sum(), Long::sum);
            merged.merge(new StackSample(tid, comm, user, kernel, 0), s.sum(), Long::sum);
        }
        List<StackSample> out = new ArrayList<>();
        merged.forEach((x, w) -> out.add(new StackSample(x.pid(), x.comm(), x.user(), x.kernel(), w)));
        out.sort(Comparator.comparingLong(StackSample::weight).reversed());
        return out;
    }

    static List<EbpfFindings.Syscall> syscalls(StackRun.Result r, List<EbpfFindings.Failure> failures) {
        SyscallTable table = SyscallTable.current();
        Map<Long, long[]> by = new HashMap<>();
        for (MapDump.Entry e : r.map("@sc_count").entries()) {
            by.computeIfAbsent(key(e, 0), x -> new long[3])[0] += weight(e);
        }
        for (MapDump.Entry e : r.map("@sc_ns").entries()) {
            by.computeIfAbsent(key(e, 0), x -> new long[3])[1] += weight(e);
        }
        for (MapDump.Entry e : r.map("@sc_err").entries()) {
            long nr = key(e, 0);
            int errno = (int) key(e, 1);
            by.computeIfAbsent(nr, x -> new long[3])[2] += weight(e);
            Errno en = Errno.of(errno);
            failures.add(new EbpfFindings.Failure(table.name(nr), en == null ? Integer.toString(errno) : en.name(), weight(e)));
        }
        failures.sort(Comparator.comparingLong(EbpfFindings.Failure::count).reversed());
        if (failures.size() > TOP) {
            failures.subList(TOP, failures.size()).clear();
        }
        List<EbpfFindings.Syscall> out = new ArrayList<>();
        by.forEach((nr, v) -> out.add(new EbpfFindings.Syscall(table.name(nr), v[0], v[1], v[2])));
        out.sort(Comparator.comparingLong(EbpfFindings.Syscall::totalNs).reversed().thenComparing(EbpfFindings.Syscall::name));
        return out.size() > TOP ? List.copyOf(out.subList(0, TOP)) : out;
    }

    List<EbpfFindings.FileIo> files(StackRun.Result r) {
        Map<List<Long>, long[]> by = new LinkedHashMap<>();
        for (MapDump.Entry e : r.map("@f_bytes").entries()) {
            by.computeIfAbsent(List.of(key(e, 0), key(e, 1)), x -> new long[3])[0] += weight(e);
        }
        for (MapDump.Entry e : r.map("@f_ns").entries()) {
            by.computeIfAbsent(List.of(key(e, 0), key(e, 1)), x -> new long[3])[1] += weight(e);
        }
        for (MapDump.Entry e : r.map("@f_syncs").entries()) {
            by.computeIfAbsent(List.of(key(e, 0), key(e, 1)), x -> new long[3])[2] += weight(e);
        }
        List<EbpfFindings.FileIo> out = new ArrayList<>();
        by.forEach((k, v) -> {
            int pid = (int) (long) k.get(0);
            int fd = (int) (long) k.get(1);
            out.add(new EbpfFindings.FileIo(fdPath(pid, fd), pid, fd, v[0], v[1], v[2]));
        });
        out.sort(Comparator.comparingLong(EbpfFindings.FileIo::totalNs).reversed());
        return out;
    }

    /** What {@code /proc/PID/fd/FD} points at now; a description when the descriptor is closed or unreadable. */
    String fdPath(int pid, int fd) {
        try {
            return Files.readSymbolicLink(paths.procRoot().resolve(Integer.toString(pid)).resolve("fd").resolve(Integer.toString(fd)))
                    .toString();
        } catch (IOException | UnsupportedOperationException e) {
            return String.format(Locale.ROOT, "(pid %d fd %d, closed before the end of the window)", pid, fd);
        }
    }

    private static long key(MapDump.Entry e, int i) {
        return e.key().size() > i && e.key().get(i) instanceof Value.Int v ? v.bits() : -1;
    }

    private static long weight(MapDump.Entry e) {
        return switch (e.value()) {
            case MapValue.Count c -> c.count();
            case MapValue.Sum s -> s.sum();
            default -> 0;
        };
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String script(String name) throws IOException {
        try (InputStream in = Ebpf.class.getResourceAsStream("ebpf-" + name + ".bt")) {
            if (in == null) {
                throw new IOException("resource ebpf-" + name + ".bt missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
