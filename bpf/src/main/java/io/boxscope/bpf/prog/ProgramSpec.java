package io.boxscope.bpf.prog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Objects;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.MapRef;
import io.boxscope.bpf.map.BpfMap;

/**
 * What to load: type, instructions, license (GPL-only helpers such as bpf_probe_read_kernel and
 * bpf_ringbuf_* need a GPL-compatible one), name, and for {@link ProgramType#TRACING} the expected
 * attach type and the BTF type id of the target ({@code btf_trace_<name>} for tp_btf).
 */
public record ProgramSpec(String name, ProgramType type, List<Insn> insns, String license, AttachType expectedAttachType,
        int attachBtfId, List<MapRef> mapRefs) {
    public ProgramSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        insns = List.copyOf(insns);
        mapRefs = List.copyOf(mapRefs);
        if (insns.isEmpty()) {
            throw new IllegalArgumentException("program " + name + " has no instructions");
        }
        for (MapRef r : mapRefs) {
            if (r.insn() + 1 >= insns.size() || !insns.get(r.insn()).isWideLoad()) {
                throw new IllegalArgumentException("program " + name + ": map reference '" + r.map() + "' at instruction "
                        + r.insn() + " is not on a 64-bit immediate load");
            }
        }
    }

    /** A program without symbolic map references. */
    public ProgramSpec(String name, ProgramType type, List<Insn> insns, String license, AttachType expectedAttachType,
            int attachBtfId) {
        this(name, type, insns, license, expectedAttachType, attachBtfId, List.of());
    }

    public static ProgramSpec of(String name, ProgramType type, List<Insn> insns) {
        return new ProgramSpec(name, type, insns, "GPL", AttachType.NONE, 0);
    }

    /** A program assembled with {@link Asm}, keeping its symbolic map references ({@link Asm#ldMap}). */
    public static ProgramSpec of(String name, ProgramType type, Asm asm) {
        return new ProgramSpec(name, type, asm.build(), "GPL", AttachType.NONE, 0, asm.mapRefs());
    }

    /** This spec with its map references resolved to descriptors: what the kernel loads. */
    public List<Insn> resolvedInsns(Function<String, BpfMap> maps) {
        if (mapRefs.isEmpty()) {
            return insns;
        }
        List<Insn> out = new ArrayList<>(insns);
        for (MapRef r : mapRefs) {
            BpfMap m = maps.apply(r.map());
            if (m == null) {
                throw new IllegalArgumentException("program " + name + ": instruction " + r.insn() + " refers to map '"
                        + r.map() + "', which is not among the maps given at load");
            }
            Insn i = out.get(r.insn());
            out.set(r.insn(), new Insn(i.code(), i.dst(), r.value() ? Insn.PSEUDO_MAP_VALUE : Insn.PSEUDO_MAP_FD, i.off(), m.fd()));
            if (r.value()) {
                Insn hi = out.get(r.insn() + 1);
                out.set(r.insn() + 1, new Insn(hi.code(), hi.dst(), hi.src(), hi.off(), r.offset()));
            }
        }
        return List.copyOf(out);
    }

    /** A tp_btf program for the raw tracepoint whose {@code btf_trace_<name>} BTF type id is given. */
    public static ProgramSpec tpBtf(String name, List<Insn> insns, int btfTraceTypeId) {
        return new ProgramSpec(name, ProgramType.TRACING, insns, "GPL", AttachType.TRACE_RAW_TP, btfTraceTypeId);
    }
}
