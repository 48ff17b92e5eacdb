package io.boxscope.probe.lang.ast;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/**
 * A whole program as parsed: {@code #include} lines (kept, resolved from BTF later), C struct
 * definitions, and probes in source order.
 */
public record Program(List<Include> includes, List<StructDef> structs, List<Probe> probes, Span span) implements Node {
    public Program {
        includes = List.copyOf(includes);
        structs = List.copyOf(structs);
        probes = List.copyOf(probes);
    }
}
