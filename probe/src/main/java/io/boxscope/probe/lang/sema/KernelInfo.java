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

    /** Whether {@code tp} is one of {@link #tracepoints()} (a live kernel answers without reading the list). */
    default boolean hasTracepoint(TracepointId tp) throws IOException {
        return tracepoints().contains(tp);
    }

    /** A tracepoint's format file, parsed. */
    EventFormat format(TracepointId tp) throws IOException;

    /** The kernel's BTF, if it has any. */
    Optional<Btf> btf() throws IOException;

    /** Whether programs can attach this way on this kernel (the bpf module's feature probes). */
    Support attach(AttachKind kind);

    /** A uprobe target (path or library/program name) as a file. */
    Path uprobeTarget(String target) throws IOException;

    /** Function symbols of an ELF file (for uprobe wildcards). */
    List<String> functions(Path elf) throws IOException;

    /** The USDT probe sites of an ELF file ({@code .note.stapsdt}), in note order. */
    default List<io.boxscope.bpf.elf.UsdtNote> usdt(Path elf) throws IOException {
        return io.boxscope.bpf.elf.UsdtNote.of(io.boxscope.bpf.elf.ElfFile.read(elf));
    }
}
