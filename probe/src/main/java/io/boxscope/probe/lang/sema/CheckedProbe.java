package io.boxscope.probe.lang.sema;

import java.util.List;
import java.util.Map;
import io.boxscope.probe.lang.ast.AttachPoint;
import io.boxscope.probe.lang.ast.Probe;

/**
 * A probe after the semantic pass: its concrete attach points (per attach point as written, in order),
 * and its scratch variables with their types (scoped to the probe, as in bpftrace 0.17).
 */
public record CheckedProbe(Probe probe, Map<AttachPoint, List<Attach>> expansions, Map<String, SType> variables) {
    public CheckedProbe {
        expansions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expansions));
        variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    }

    /** Every concrete attach point of this probe. */
    public List<Attach> attaches() {
        return expansions.values().stream().flatMap(List::stream).toList();
    }
}
