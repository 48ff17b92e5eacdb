package io.boxscope.trace.filter;

/**
 * A filter that does not parse or does not check: what was wrong, where (a 0-based offset into the
 * filter), and the filter itself, so that a front end can print it with a caret under the column.
 */
public final class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String filter;
    private final int position;
    private final String problem;

    public FilterException(String filter, int position, String problem) {
        super("filter error at column " + (Math.max(0, Math.min(position, filter.length())) + 1) + ": " + problem);
        this.filter = filter;
        this.position = Math.max(0, Math.min(position, filter.length()));
        this.problem = problem;
    }

    /** The filter as given. */
    public String filter() {
        return filter;
    }

    /** 0-based offset of the problem; equal to the filter's length when the filter ended too early. */
    public int position() {
        return position;
    }

    /** What was wrong, in sysdig's words where sysdig has them. */
    public String problem() {
        return problem;
    }
}
