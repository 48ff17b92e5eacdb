package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.TracepointId;

/**
 * What the semantic pass asks of the machine, injected so the pass stays pure: tests pass a tracefs
 * tree of real captured format files, a BTF file, and fixed feature answers; {@link LiveKernel}
 * reads the running system.
 */
public interface KernelInfo {
    /** Every tracepoint (tracefs {@code available_events}). */
    List<TracepointId> tracepoints() throws IOException;

    /** The tracepoints of one system: {@link #tracepoints()} of that system (a live kernel reads only those). */
    default List<TracepointId> tracepoints(String system) throws IOException {
        return tracepoints().stream().filter(t -> t.system().equals(system)).toList();
    }

    /** Whether {@code tp} is one of {@link #tracepoints()} (a live kernel answers without reading the list). */
    default boolean hasTracepoint(TracepointId tp) throws IOException {
        return tracepoints().contains(tp);
    }

    /** A tracepoint's format file, parsed. */
    EventFormat format(TracepointId tp) throws IOException;

    /** The kernel's BTF, if it has any. */
    Optional<Btf> btf() throws IOException;

    /**
     * Where what this kernel's typedefs resolve to is kept for the boot (see {@code TypeFactory}), when the BTF
     * is the running kernel's and caching is on; none by default.
     */
    default Optional<io.boxscope.bpf.feature.BootCache> typedefCache() {
        return Optional.empty();
    }

    /**
     * What kprobe wildcards are matched against: tracefs's {@code available_filter_functions} when it can be read, else
     * the text symbols of {@code /proc/kallsyms}, else (empty names) the kernel's BTF functions. The default has no
     * list.
     */
    default KprobeFunctions kprobeFunctions() {
        return KprobeFunctions.btf("");
    }

    /** Whether programs can attach this way on this kernel (the bpf module's feature probes). */
    Support attach(AttachKind kind);

    /** A uprobe target (path or library/program name) as a file. */
    Path uprobeTarget(String target) throws IOException;

    /** Every file a uprobe target names: a path with wildcards is expanded (glob(3), as bpftrace); otherwise {@link #uprobeTarget}. */
    default List<Path> uprobeTargets(String target) throws IOException {
        return List.of(uprobeTarget(target));
    }

    /** Function symbols of an ELF file (for uprobe wildcards). */
    List<String> functions(Path elf) throws IOException;

    /**
     * Whether {@code elf} (or its debug file) has function {@code name}, also as a versioned name
     * ({@code pthread_create@GLIBC_2.2.5}): a uprobe on a function it lacks is skipped, as bpftrace does.
     */
    default boolean hasFunction(Path elf, String name) throws IOException {
        return functions(elf).contains(name);
    }

    /**
     * The value (st_value, unrelocated) of data symbol {@code name} (STT_OBJECT, as bcc resolves it for bpftrace's
     * {@code uaddr}) of {@code elf}, plain or versioned name; empty when the file has none.
     */
    default Optional<Long> objectSymbol(Path elf, String name) throws IOException {
        for (io.boxscope.bpf.elf.ElfSymbol s : io.boxscope.bpf.elf.ElfFile.read(elf).symbols()) {
            if (s.type() == io.boxscope.bpf.elf.ElfSymbol.Type.OBJECT && s.value() != 0
                    && (s.name().equals(name) || s.displayName().equals(name))) {
                return Optional.of(s.value());
            }
        }
        return Optional.empty();
    }

    /**
     * The ELF files process {@code pid} maps, its executable first, each as {@code /proc/PID/root/PATH} (the
     * process's view of the file, which bpftrace names its probes by); empty when the process is gone.
     */
    default List<Path> processFiles(int pid) throws IOException {
        return List.of();
    }

    /** The USDT probe sites of an ELF file ({@code .note.stapsdt}), in note order. */
    default List<io.boxscope.bpf.elf.UsdtNote> usdt(Path elf) throws IOException {
        return io.boxscope.bpf.elf.UsdtNote.of(io.boxscope.bpf.elf.ElfFile.read(elf));
    }
}
