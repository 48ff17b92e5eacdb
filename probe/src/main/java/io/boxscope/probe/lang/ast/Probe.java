package io.boxscope.probe.lang.ast;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/**
 * {@code ATTACH[, ATTACH...] [/PREDICATE/] { BODY }}. {@code predicate} is null without one.
 */
public record Probe(List<AttachPoint> attachPoints, Expr predicate, Block body, Span span) implements Node {
    public Probe {
        attachPoints = List.copyOf(attachPoints);
    }
}
