package io.boxscope.bpf.btf;

import java.util.List;

/**
 * A function prototype resolved to C spellings, e.g. the one behind {@code btf_trace_sched_switch}:
 * {@code void (void *, bool, struct task_struct *, struct task_struct *, unsigned int)}.
 *
 * @param protoId    type id of the FUNC_PROTO
 * @param returnType C spelling of the return type
 * @param params     parameters in order
 * @param variadic   whether the prototype ends in {@code ...}
 */
public record FuncSignature(int protoId, String returnType, List<Arg> params, boolean variadic) {
    public FuncSignature {
        params = List.copyOf(params);
    }

    /** One parameter: its name (often empty in FUNC_PROTOs), type id and C spelling. */
    public record Arg(String name, int typeId, String type) {}
}
