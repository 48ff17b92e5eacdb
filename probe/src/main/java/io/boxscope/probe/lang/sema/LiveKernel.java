package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.probe.list.ProbeListException;
import io.boxscope.probe.list.UprobeTargets;

/**
 * {@link KernelInfo} from a tracefs tree, an optional BTF and a feature oracle. {@link #of(Path)} reads the
 * running system under a sys root (feature answers come from attaching for real, {@link Features#attach}).
 * The event list and BTF are read once, when first asked for.
 */
public final class LiveKernel implements KernelInfo {
    public interface FeatureOracle {
        Support attach(AttachKind kind);
    }

    private final Path sysRoot;
    /** Where {@code kallsyms} is read (kprobe wildcards when tracefs's function list cannot be read). */
    private final Path procRoot;
    private Tracefs tracefs;
    private KprobeFunctions kprobeFunctions;
    private final Path btfFile;
    private final FeatureOracle features;
    private List<TracepointId> events;
    private Optional<Btf> btf;
    private Optional<BootCache> typedefs;

    public LiveKernel(Tracefs tracefs, Path btfFile, FeatureOracle features) {
        this(tracefs, btfFile, features, PROC);
    }

    /** As above, with kallsyms read under {@code procRoot} (normally /proc). */
    public LiveKernel(Tracefs tracefs, Path btfFile, FeatureOracle features, Path procRoot) {
        this.sysRoot = null;
        this.procRoot = procRoot;
        this.tracefs = tracefs;
        this.btfFile = btfFile;
        this.features = features;
    }

    private static final Path PROC = Path.of("/proc");

    private LiveKernel(Path sysRoot) {
        this.sysRoot = sysRoot;
        this.procRoot = PROC;
        this.btfFile = sysRoot.resolve("kernel/btf/vmlinux");
        this.features = Features::attach;
    }

    /**
     * The running system seen through {@code sysRoot} (usually {@code /sys}); tracefs is located when
     * a tracepoint is first resolved, so programs without tracepoints need none.
     */
    public static LiveKernel of(Path sysRoot) {
        return new LiveKernel(sysRoot);
    }

    private synchronized Tracefs tracefs() throws IOException {
        if (tracefs == null) {
            tracefs = Tracefs.locate(sysRoot);
        }
        return tracefs;
    }

    @Override
    public synchronized List<TracepointId> tracepoints() throws IOException {
        if (events == null) {
            events = tracefs().events();
        }
        return events;
    }

    @Override
    public synchronized List<TracepointId> tracepoints(String system) throws IOException {
        return events != null ? KernelInfo.super.tracepoints(system) : tracefs().systemEvents(system);
    }

    @Override
    public synchronized boolean hasTracepoint(TracepointId tp) throws IOException {
        return events != null ? events.contains(tp) : tracefs().exists(tp);
    }

    @Override
    public EventFormat format(TracepointId tp) throws IOException {
        return tracefs().format(tp);
    }

    @Override
    public synchronized Optional<Btf> btf() throws IOException {
        if (btf == null) {
            btf = btfFile != null && java.nio.file.Files.isRegularFile(btfFile) ? Optional.of(Btf.read(btfFile)) : Optional.empty();
        }
        return btf;
    }

    /**
     * The per-boot typedef cache when the BTF read is the running kernel's own ({@code /sys/kernel/btf/vmlinux},
     * which the boot id and release in the cache's key identify) and the command line turned caching on.
     */
    @Override
    public synchronized Optional<BootCache> typedefCache() {
        if (typedefs == null) {
            typedefs = RUNNING_KERNEL_BTF.equals(btfFile) ? BootCache.shared("typedefs", BootCache.Scope.KERNEL)
                    : Optional.empty();
        }
        return typedefs;
    }

    private static final Path RUNNING_KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    /** Uses {@code cache} for typedefs whatever the BTF file (tests of the cache against this kernel). */
    public synchronized LiveKernel withTypedefCache(BootCache cache) {
        typedefs = Optional.of(cache);
        return this;
    }

    /**
     * tracefs's {@code available_filter_functions} (bpftrace 0.17's list for kprobe wildcards), else the text symbols of
     * {@code kallsyms} under the proc root (read with the bpf module's {@link io.boxscope.bpf.symbols.KernelSymbols}),
     * else none: read once. Some kernels refuse the first even to root (EPERM here: lockdown-like policies) while
     * kallsyms stays readable. From kallsyms, the symbols that are not function entries are left out: the padding
     * before functions ({@code __pfx_NAME}, {@code __cfi_NAME}: CONFIG_FUNCTION_PADDING_ALIGNMENT and kCFI,
     * arch/x86/Kconfig) and the cold parts GCC splits off a function ({@code NAME.cold}), which ftrace's list does not
     * name either.
     */
    @Override
    public synchronized KprobeFunctions kprobeFunctions() {
        if (kprobeFunctions == null) {
            kprobeFunctions = readKprobeFunctions();
        }
        return kprobeFunctions;
    }

    private KprobeFunctions readKprobeFunctions() {
        String filterUnread;
        Path filter = null;
        try {
            filter = tracefs().root().resolve("available_filter_functions");
            return new KprobeFunctions(java.util.Optional.of(List.copyOf(io.boxscope.probe.list.ProbeLister.traceable(filter))),
                    filter.toString());
        } catch (IOException e) {
            filterUnread = (filter == null ? "tracefs" : filter.toString()) + " could not be read: " + reason(e);
        }
        Path kallsyms = procRoot.resolve("kallsyms");
        try {
            List<String> names = io.boxscope.bpf.symbols.KernelSymbols.read(procRoot).names().stream()
                    .filter(n -> !n.startsWith("__pfx_") && !n.startsWith("__cfi_") && !n.contains(".cold")).toList();
            return new KprobeFunctions(java.util.Optional.of(names), "the text symbols of " + kallsyms + " (" + filterUnread + ")");
        } catch (IOException | java.io.UncheckedIOException e) {
            return KprobeFunctions.btf(filterUnread + "; " + kallsyms + " could not be read: " + reason(e));
        }
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        return t instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
    }

    @Override
    public Support attach(AttachKind kind) {
        return features.attach(kind);
    }

    @Override
    public List<Path> uprobeTargets(String target) throws IOException {
        try {
            return UprobeTargets.resolveAll(target);
        } catch (ProbeListException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Path uprobeTarget(String target) throws IOException {
        try {
            return UprobeTargets.resolve(target);
        } catch (ProbeListException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean hasFunction(Path elf, String name) throws IOException {
        io.boxscope.bpf.elf.ElfFile file = io.boxscope.bpf.elf.ElfFile.read(elf);
        if (file.function(name).isPresent()) {
            return true;
        }
        java.util.Optional<Path> debug = io.boxscope.bpf.elf.DebugFiles.find(file, elf, io.boxscope.bpf.elf.DebugFiles.DEFAULT_ROOT);
        return debug.isPresent() && io.boxscope.bpf.elf.ElfFile.read(debug.get()).function(name).isPresent();
    }

    @Override
    public List<Path> processFiles(int pid) throws IOException {
        Path proc = Path.of("/proc", Integer.toString(pid));
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>();
        try {
            files.add(java.nio.file.Files.readSymbolicLink(proc.resolve("exe")).toString());
        } catch (IOException e) {
            // a kernel thread or a process gone: its mappings (if any) still follow
        }
        for (io.boxscope.bpf.symbols.Mapping m : io.boxscope.bpf.symbols.Mapping.parse(
                java.nio.file.Files.readString(proc.resolve("maps")), new int[1])) {
            if (m.isFile() && m.path().startsWith("/")) {
                files.add(m.path());
            }
        }
        Path root = proc.resolve("root");
        return files.stream().map(f -> root.resolve(f.substring(1))).filter(java.nio.file.Files::isRegularFile).toList();
    }

    /** Named functions of both symbol tables (and of the file's debug file), as {@code probe -l} lists them. */
    @Override
    public List<String> functions(Path elf) throws IOException {
        return io.boxscope.probe.list.ProbeLister.uprobeFunctions(elf);
    }
}
