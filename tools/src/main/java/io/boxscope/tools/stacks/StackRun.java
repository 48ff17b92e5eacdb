package io.boxscope.tools.stacks;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.probe.runtime.Scripts;
import io.boxscope.proc.HostPaths;
import io.boxscope.tools.syscount.SyscountSession;

/**
 * Runs one probe-language script that aggregates in maps only (no printf): compile against the
 * running kernel, load, restrict to a cgroup when asked, attach, wait for the window or a stop, detach,
 * and read back the maps the caller shows (stacks symbolized then, while the processes are still there).
 */
public final class StackRun {
    private StackRun() {}

    /**
     * The stacks each stack map holds unless told otherwise ({@link CheckOptions#DEFAULT_MAP_KEYS}, 4,096): the size the
     * notice of unread stacks names ({@link StacksUnread.Advice}).
     */
    public static final int STACK_KEYS = CheckOptions.DEFAULT_MAP_KEYS;

    /**
     * Refuses a stack map size ({@code --stack-storage-size}) the runtime cannot make: 1 to {@link CheckOptions#MAX_MAP_KEYS}.
     *
     * @throws IllegalArgumentException the size is out of range, said with the range
     */
    public static void checkStackKeys(int stacks) {
        if (stacks < 1 || stacks > CheckOptions.MAX_MAP_KEYS) {
            throw new IllegalArgumentException("invalid stack storage size: " + stacks + " (1 to " + CheckOptions.MAX_MAP_KEYS + " stacks)");
        }
    }

    /**
     * What one run read back, and how long it watched; {@code lost} ring-buffer records, {@code skipped}
     * runs of its programs (the kernel did not run them: another BPF program was running on the CPU) and
     * the map updates that failed in the kernel ({@code failedUpdates}, one a place of the script and kind
     * of failure, as the probe runtime counts them: a full map leaves samples out of {@code maps}), and the distinct
     * kernel addresses of {@code maps} left unnamed because kallsyms could not be read ({@code unresolvedKernel}), with
     * why ({@code kernelSymbolsReason}, empty when every kernel address could be looked up). Only the maps the caller
     * shows are read back ({@link Started#finish}): offcputime's {@code @kst} (stacks of threads still off a CPU at
     * detach) is neither decoded nor symbolized, which cost a kallsyms lookup per frame for nothing.
     * {@link #kernelSymbolsMissing(String, int)} counts the stacks of one map the tool shows. {@code stacksUnread}: the
     * stacks of the maps read that bpf_get_stackid could not store (a full or colliding stack map: they show empty), by
     * errno, as {@code probe} counts them, less the EFAULTs of threads that had no such stack ({@link StacksUnread#lost});
     * empty when every one was read.
     */
    public record Result(List<MapDump> maps, Duration elapsed, long lost, long skipped, List<Event.MapUpdateFailed> failedUpdates,
                         java.util.Set<Long> unresolvedKernel, Optional<String> kernelSymbolsReason, Optional<StacksUnread> stacksUnread) {
        public Result {
            java.util.Objects.requireNonNull(stacksUnread, "stacksUnread");
            maps = List.copyOf(maps);
            failedUpdates = List.copyOf(failedUpdates);
            unresolvedKernel = java.util.Set.copyOf(unresolvedKernel);
            java.util.Objects.requireNonNull(kernelSymbolsReason, "kernelSymbolsReason");
        }

        /** The map called {@code name} (with its {@code @}), one of those {@link Started#finish} was asked to read. */
        public MapDump map(String name) {
            return maps.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("map " + name + " was not read back (read: "
                            + String.join(", ", maps.stream().map(MapDump::name).toList()) + ")"));
        }

        /**
         * The distinct kernel addresses left unnamed in the stacks a tool shows: the kernel stack at key position
         * {@code kernelKey} of each entry of map {@code name} whose value is a positive count or sum (the entries
         * {@link StackSamples#of} keeps), each address once however many stacks hold it; empty when there is none.
         */
        public Optional<KernelSymbolsMissing> kernelSymbolsMissing(String name, int kernelKey) {
            if (unresolvedKernel.isEmpty() || kernelSymbolsReason.isEmpty()) {
                return Optional.empty();
            }
            java.util.Set<Long> shown = new java.util.HashSet<>();
            for (MapDump.Entry e : map(name).entries()) {
                if (StackSamples.weight(e) > 0 && kernelKey >= 0 && kernelKey < e.key().size()
                        && e.key().get(kernelKey) instanceof io.boxscope.probe.output.Value.Stack st) {
                    for (io.boxscope.probe.output.Value.Frame f : st.frames()) {
                        if (unresolvedKernel.contains(f.address())) {
                            shown.add(f.address());
                        }
                    }
                }
            }
            return shown.isEmpty() ? Optional.empty() : Optional.of(new KernelSymbolsMissing(shown.size(), kernelSymbolsReason.get()));
        }
    }

    /**
     * @param paths where /sys is (the kernel's BTF and tracepoints) and /proc (kallsyms and the processes' mappings,
     *        which name the stacks' frames)
     * @param cgroupDir a cgroup v2 directory the probes are restricted to (and its descendants), or null
     * @param duration how long to watch; zero or negative: until {@code stop} says so
     * @param shown the maps the caller shows (with their {@code @}): the only ones read back and symbolized
     */
    public static Result run(String name, String source, HostPaths paths, Path cgroupDir, Duration duration,
            SyscountSession.Stop stop, List<String> shown)
            throws ProgramException, AccessDeniedException, ProbeRunException, InterruptedException {
        return run(name, source, paths, cgroupDir, duration, stop, shown, STACK_KEYS);
    }

    /** As above, with stack maps of {@code stackKeys} stacks (profile's and offcputime's --stack-storage-size). */
    public static Result run(String name, String source, HostPaths paths, Path cgroupDir, Duration duration,
            SyscountSession.Stop stop, List<String> shown, int stackKeys)
            throws ProgramException, AccessDeniedException, ProbeRunException, InterruptedException {
        try (Started s = load(name, source, paths, cgroupDir, CheckOptions.DEFAULT_MAP_KEYS, stackKeys)) {
            s.attach();
            long start = System.nanoTime();
            long end = duration.isPositive() ? start + duration.toNanos() : Long.MAX_VALUE;
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0 || stop.await(Math.min(left, 200_000_000L))) {
                    break;
                }
            }
            return s.finish(shown);
        }
    }

    /**
     * Compiles and loads {@code source} (the slow part: the verifier) and returns it unattached: the
     * caller attaches when its window starts (diagnose loads several before its /proc sampling begins,
     * so all of them watch the same window), waits, then {@link Started#finish}.
     */
    public static Started load(String name, String source, Path sysRoot, Path cgroupDir)
            throws ProgramException, AccessDeniedException, ProbeRunException {
        return load(name, source, new HostPaths(HostPaths.DEFAULT.procRoot(), sysRoot), cgroupDir, CheckOptions.DEFAULT_MAP_KEYS);
    }

    /** As above, stacks named from {@code paths.procRoot()} (kallsyms, the processes' mappings). */
    public static Started load(String name, String source, HostPaths paths, Path cgroupDir)
            throws ProgramException, AccessDeniedException, ProbeRunException {
        return load(name, source, paths, cgroupDir, CheckOptions.DEFAULT_MAP_KEYS);
    }

    /** As above, with room for {@code mapKeys} keys in each hash map (bpftrace's BPFTRACE_MAP_KEYS_MAX). */
    public static Started load(String name, String source, Path sysRoot, Path cgroupDir, int mapKeys)
            throws ProgramException, AccessDeniedException, ProbeRunException {
        return load(name, source, new HostPaths(HostPaths.DEFAULT.procRoot(), sysRoot), cgroupDir, mapKeys);
    }

    /** As above, stacks named from {@code paths.procRoot()}, with room for {@code mapKeys} keys in each hash map. */
    public static Started load(String name, String source, HostPaths paths, Path cgroupDir, int mapKeys)
            throws ProgramException, AccessDeniedException, ProbeRunException {
        return load(name, source, paths, cgroupDir, mapKeys, mapKeys);
    }

    /** As above, with stack maps of {@code stackKeys} stacks. */
    public static Started load(String name, String source, HostPaths paths, Path cgroupDir, int mapKeys, int stackKeys)
            throws ProgramException, AccessDeniedException, ProbeRunException {
        CompiledScript script = Scripts.compile(new SourceText(name, source), paths.sysRoot(),
                // stack maps of mapKeys stacks, not probe's 131,072 (CheckOptions.DEFAULT_STACK_KEYS: 136 MB of locked kernel
                // memory a map at 127 frames): profile and offcputime keep one each, diagnose both at once; libbpf-tools'
                // profile and offcputime hold 1,024 (--stack-storage-size). A stack that collides is counted (stacksUnread)
                new CheckOptions(false, List.of(), CheckOptions.DEFAULT_STRLEN, mapKeys).withStackKeys(stackKeys), cgroupDir != null);
        ProbeSession session = ProbeSession.load(script, Output.text(), name, paths.procRoot());
        try {
            if (cgroupDir != null) {
                session.filterCgroup(cgroupDir);
            }
            return new Started(session);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** A loaded script: {@link #attach}, then {@link #finish} detaches and reads it, {@link #close} releases it. */
    public static final class Started implements AutoCloseable {
        private final ProbeSession session;
        private long start;
        private long end;

        private Started(ProbeSession session) {
            this.session = session;
        }

        /** Attaches every probe; the window starts now. */
        public void attach() throws ProbeRunException {
            session.attach();
            start = System.nanoTime();
        }

        /**
         * The loaded script itself, for a caller that reads its maps while it stays attached
         * ({@code boxscope serve}: {@link ProbeSession#map}, {@link ProbeSession#seed},
         * {@link ProbeSession#forget}, and its lost, skipped and failed-update counters).
         */
        public ProbeSession session() {
            return session;
        }

        /** Detaches every probe: the window ends now (idempotent; several runs end together this way). */
        public void detach() {
            if (end == 0) {
                session.detach();
                end = System.nanoTime();
            }
        }

        /**
         * Detaches (if not yet), then reads the maps called {@code shown} (with their {@code @}; stacks symbolized
         * now, which can take a while). The script's other maps (per-thread state such as offcputime's {@code @kst})
         * are not read: decoding them named every frame of their stacks for no output.
         */
        public Result finish(List<String> shown) {
            detach();
            List<MapDump> maps = new java.util.ArrayList<>();
            for (String m : new java.util.LinkedHashSet<>(shown)) {
                maps.add(session.map(m));
            }
            // gathered while the maps above were read and their stacks named
            return new Result(maps, Duration.ofNanos(end - start), session.lost(), session.skipped(),
                    session.mapUpdateFailures(), session.unresolvedKernelAddresses(), session.kernelSymbolsUnavailable(),
                    session.stacksUnread().flatMap(StacksUnread::lost));
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
