package io.boxscope.probe.lang.ast;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/**
 * A C {@code struct NAME { ... };} (or {@code union}) written in the script, as some bpftrace tools do
 * for kernel types that BTF has anyway. Fields are parsed as plain C declarations.
 */
public record StructDef(boolean union, String name, List<StructField> fields, Span span) implements Node {
    public StructDef {
        fields = List.copyOf(fields);
    }
}
