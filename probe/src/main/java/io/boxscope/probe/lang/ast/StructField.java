package io.boxscope.probe.lang.ast;

import io.boxscope.probe.lang.diag.Span;

/** One member of a {@link StructDef}: {@code TYPE NAME[N];}. */
public record StructField(TypeName type, String name, Span span) implements Node {}
