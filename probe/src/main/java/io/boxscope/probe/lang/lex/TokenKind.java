package io.boxscope.probe.lang.lex;

/** Token kinds of the expression and statement grammar (attach points are read raw by the parser). */
public enum TokenKind {
    IDENT("identifier"), INT("integer"), STRING("string"),
    VARIABLE("variable"), POSITIONAL("positional parameter"), POSITIONAL_COUNT("$#"), MAP("map"),
    LPAREN("("), RPAREN(")"), LBRACE("{"), RBRACE("}"), LBRACKET("["), RBRACKET("]"),
    COMMA(","), SEMI(";"), COLON(":"), QUESTION("?"), DOT("."), ARROW("->"),
    PLUS("+"), MINUS("-"), STAR("*"), SLASH("/"), PERCENT("%"),
    AMP("&"), PIPE("|"), CARET("^"), TILDE("~"), BANG("!"),
    SHL("<<"), SHR(">>"), LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!="),
    ANDAND("&&"), OROR("||"),
    ASSIGN("="), PLUS_ASSIGN("+="), MINUS_ASSIGN("-="), STAR_ASSIGN("*="), SLASH_ASSIGN("/="),
    PERCENT_ASSIGN("%="), AMP_ASSIGN("&="), PIPE_ASSIGN("|="), CARET_ASSIGN("^="),
    SHL_ASSIGN("<<="), SHR_ASSIGN(">>="),
    INC("++"), DEC("--"),
    /** The {@code /} that ends a predicate: a slash followed (after blanks) by {@code {}. */
    END_PREDICATE("/"),
    EOF("end of file");

    private final String text;

    TokenKind(String text) {
        this.text = text;
    }

    /** How an error message names this kind of token. */
    public String describe() {
        return switch (this) {
            case IDENT, INT, STRING, VARIABLE, POSITIONAL, MAP, EOF -> text;
            default -> "'" + text + "'";
        };
    }
}
