package io.boxscope.bpf.prog;

import java.util.List;
import java.util.Objects;
import io.boxscope.bpf.asm.Insn;

/**
 * What to load: type, instructions, license (GPL-only helpers such as bpf_probe_read_kernel and
 * bpf_ringbuf_* need a GPL-compatible one), name, and for {@link ProgramType#TRACING} the expected
 * attach type and the BTF type id of the target ({@code btf_trace_<name>} for tp_btf).
 */
public record ProgramSpec(String name, ProgramType type, List<Insn> insns, String license, AttachType expectedAttachType,
        int attachBtfId) {
    public ProgramSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        insns = List.copyOf(insns);
        if (insns.isEmpty()) {
            throw new IllegalArgumentException("program " + name + " has no instructions");
        }
    }

    public static ProgramSpec of(String name, ProgramType type, List<Insn> insns) {
        return new ProgramSpec(name, type, insns, "GPL", AttachType.NONE, 0);
    }

    /** A tp_btf program for the raw tracepoint whose {@code btf_trace_<name>} BTF type id is given. */
    public static ProgramSpec tpBtf(String name, List<Insn> insns, int btfTraceTypeId) {
        return new ProgramSpec(name, ProgramType.TRACING, insns, "GPL", AttachType.TRACE_RAW_TP, btfTraceTypeId);
    }
}
