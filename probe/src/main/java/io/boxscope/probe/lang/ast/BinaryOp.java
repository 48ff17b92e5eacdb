package io.boxscope.probe.lang.ast;

/** Binary operators with C's precedence (higher binds tighter); all are left-associative. */
public enum BinaryOp {
    MUL("*", 10), DIV("/", 10), MOD("%", 10),
    ADD("+", 9), SUB("-", 9),
    SHL("<<", 8), SHR(">>", 8),
    LT("<", 7), LE("<=", 7), GT(">", 7), GE(">=", 7),
    EQ("==", 6), NE("!=", 6),
    BAND("&", 5),
    BXOR("^", 4),
    BOR("|", 3),
    LAND("&&", 2),
    LOR("||", 1);

    private final String symbol;
    private final int precedence;

    BinaryOp(String symbol, int precedence) {
        this.symbol = symbol;
        this.precedence = precedence;
    }

    public String symbol() {
        return symbol;
    }

    public int precedence() {
        return precedence;
    }

    public boolean isComparison() {
        return precedence == 6 || precedence == 7;
    }

    public boolean isLogical() {
        return this == LAND || this == LOR;
    }
}
