package io.boxscope.bpf.prog;

/** Program types Boxscope loads ({@code enum bpf_prog_type}, include/uapi/linux/bpf.h). */
public enum ProgramType {
    SOCKET_FILTER(1), KPROBE(2), TRACEPOINT(5), PERF_EVENT(7), RAW_TRACEPOINT(17), TRACING(26);

    private final int id;

    ProgramType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
