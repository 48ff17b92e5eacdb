package io.boxscope.trace.filter;

/**
 * sysdig 0.29's comparison operators, with their spelling. The order is the order in which the
 * compiler tries them (sinsp_filter_compiler::next_comparison_operator): it matches a prefix of
 * the text, so "==" is "=" followed by a value starting with "=", and "intersects" is "in"
 * followed by "tersects" (an error) — both as in sysdig 0.29.
 */
public enum CmpOp {
    EQ("="), NE("!="), LE("<="), LT("<"), GE(">="), GT(">"),
    CONTAINS("contains"), ICONTAINS("icontains"), STARTSWITH("startswith"), ENDSWITH("endswith"),
    GLOB("glob"), IN("in"), PMATCH("pmatch"), EXISTS("exists");

    private final String spelling;

    CmpOp(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** Whether the operator takes a parenthesized list of values. */
    public boolean takesList() {
        return this == IN || this == PMATCH;
    }
}
