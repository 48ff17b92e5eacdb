package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Per-probe state of the checker: the probe's kinds and attach points, its variables, loop depth. */
final class Scope {
    final List<Attach> attaches;
    final Set<ProbeKind> kinds = new LinkedHashSet<>();
    final Map<String, SType> variables = new LinkedHashMap<>();
    int loops;
    /** {@code args} record of each attach point, built when args is first used. */
    List<SType.Record> args;

    Scope(List<Attach> attaches, List<ProbeKind> writtenKinds) {
        this.attaches = new ArrayList<>(attaches);
        kinds.addAll(writtenKinds);
    }

    /** The first kind, for messages ("... can not be used with 'tracepoint' probes"). */
    ProbeKind kind() {
        return kinds.iterator().next();
    }

    boolean all(java.util.function.Predicate<ProbeKind> p) {
        return kinds.stream().allMatch(p);
    }
}
