package io.boxscope.probe.lang.ast;

/** Prefix operators: {@code ! ~ - * &} (bpftrace has no unary plus). */
public enum UnaryOp {
    NOT("!"), BNOT("~"), NEG("-"), DEREF("*"), ADDR("&");

    private final String symbol;

    UnaryOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
