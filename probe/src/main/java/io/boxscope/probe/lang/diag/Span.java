package io.boxscope.probe.lang.diag;

/**
 * A half-open range {@code [start, end)} of character offsets into a {@link SourceText}. Line and
 * column are computed from the source when a diagnostic is rendered, so nodes stay small.
 */
public record Span(int start, int end) {
    public Span {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span " + start + ".." + end);
        }
    }

    /** The smallest span covering both. */
    public Span to(Span other) {
        return new Span(Math.min(start, other.start), Math.max(end, other.end));
    }

    public static Span at(int offset) {
        return new Span(offset, offset);
    }
}
