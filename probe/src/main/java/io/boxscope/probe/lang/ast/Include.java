package io.boxscope.probe.lang.ast;

import io.boxscope.probe.lang.diag.Span;

/** {@code #include <linux/sched.h>} ({@code system}) or {@code #include "x.h"}. Only recorded: types come from BTF. */
public record Include(String path, boolean system, Span span) implements Node {}
