package io.boxscope.probe.lang.ast;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/**
 * One attach point as written: {@code text} is the raw spelling ({@code t:syscalls:sys_enter_*}),
 * {@code provider} its first part as written ({@code t}, {@code tracepoint}, {@code BEGIN}), and
 * {@code parts} the remaining colon-separated parts with quotes removed. A uprobe path that contains
 * colons must be quoted. Canonical names and expansion are the semantic pass's job.
 */
public record AttachPoint(String text, String provider, List<String> parts, Span span) implements Node {
    public AttachPoint {
        parts = List.copyOf(parts);
    }
}
