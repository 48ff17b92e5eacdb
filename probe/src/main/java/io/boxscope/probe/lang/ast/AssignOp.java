package io.boxscope.probe.lang.ast;

/** {@code =} and the compound assignments; {@link #binary()} is the operator a compound one applies. */
public enum AssignOp {
    ASSIGN("=", null),
    ADD("+=", BinaryOp.ADD),
    SUB("-=", BinaryOp.SUB),
    MUL("*=", BinaryOp.MUL),
    DIV("/=", BinaryOp.DIV),
    MOD("%=", BinaryOp.MOD),
    AND("&=", BinaryOp.BAND),
    OR("|=", BinaryOp.BOR),
    XOR("^=", BinaryOp.BXOR),
    SHL("<<=", BinaryOp.SHL),
    SHR(">>=", BinaryOp.SHR);

    private final String symbol;
    private final BinaryOp binary;

    AssignOp(String symbol, BinaryOp binary) {
        this.symbol = symbol;
        this.binary = binary;
    }

    public String symbol() {
        return symbol;
    }

    /** The binary operator of a compound assignment; null for plain {@code =}. */
    public BinaryOp binary() {
        return binary;
    }
}
