package io.boxscope.bpf.prog;

/** Attach types used at load (expected_attach_type) and BPF_LINK_CREATE ({@code enum bpf_attach_type}). */
public enum AttachType {
    NONE(0), TRACE_RAW_TP(23), TRACE_FENTRY(24), TRACE_FEXIT(25), PERF_EVENT(41);

    private final int id;

    AttachType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
