package io.boxscope.trace.filter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a filter the way sysdig 0.29 does (falcosecurity/libs' sinsp_filter_compiler, the
 * character-driven compiler sysdig 0.29.3 ships): same tokens, same accepted texts, same
 * precedence, and its error messages. What that means, in short (docs/trace.md has the details):
 *
 * <ul>
 * <li>Keywords are lowercase and read letter by letter: after a comparison, 'a' must start "and"
 *     and 'o' "or" (blanks may even sit between the letters); 'n' anywhere starts "not".</li>
 * <li>A field name runs to a blank or one of {@code ( ) ! = < >}; the operator is matched as a
 *     prefix of what follows, in the order of {@link CmpOp}.</li>
 * <li>A value is a bare word (to a blank or parenthesis; in a list also to a comma) or quoted with
 *     either quote kind (closed by either kind); {@code \\}, {@code \"} and {@code \xHH} are
 *     escapes, any other backslash stays.</li>
 * <li>There is no precedence between "and" and "or": one level of parentheses may use only one
 *     of them ("expression mixes 'and' and 'or' in an ambiguous way"). "not" applies to the next
 *     comparison or parenthesis; "not not" is one "not"; a "not" right after a comparison (no
 *     "and"/"or") reuses the last "and"/"or", or when there was none its comparison is ignored.</li>
 * </ul>
 *
 * Pure: text in, {@link Parsed} out, or a {@link FilterException} with the position.
 */
public final class FilterParser {
    private static final int NONE = 0;
    private static final int NOT = 1;
    private static final int OR = 2;
    private static final int AND = 4;

    /** Deeper nesting is refused: the tree is walked recursively (sysdig sets no limit). */
    static final int MAX_NESTING = 1000;

    /** The tree and what sysdig's reading does that a reader might not expect. */
    public record Parsed(Ast root, List<String> notes) {
        public Parsed {
            notes = List.copyOf(notes);
        }
    }

    private final String s;
    private final int size;
    private int pos = -1;
    private boolean needExpression = true;
    private int lastBoolop = NONE;
    private int lastBoolopPos = -1;
    private int nest;
    private final Group root = new Group(null, -1);
    private Group cur = root;
    private final List<String> notes = new ArrayList<>();

    private FilterParser(String filter) {
        this.s = filter;
        this.size = filter.length();
    }

    /** Parses {@code filter}; an empty or blank filter has no tree (null root): it accepts everything. */
    public static Parsed parse(String filter) {
        return new FilterParser(filter).compile();
    }

    private record Term(int boolop, int opPos, Object node) {}

    private static final class Group {
        final Group parent;
        final int openPos;
        final List<Term> terms = new ArrayList<>();

        Group(Group parent, int openPos) {
            this.parent = parent;
            this.openPos = openPos;
        }
    }

    private FilterException error(int at, String problem) {
        return new FilterException(s, at, problem);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean special(char c) {
        return c == '(' || c == ')' || c == '!' || c == '=' || c == '<' || c == '>';
    }

    private static boolean bracket(char c) {
        return c == '(' || c == ')';
    }

    /** The char at i, or 0 past the end (C++'s std::string::operator[] at size()). */
    private char at(int i) {
        return i >= 0 && i < size ? s.charAt(i) : 0;
    }

    /** Moves to the next non-blank char and returns it, or 0 at the end. */
    private char next() {
        while (true) {
            pos++;
            if (pos >= size) {
                return 0;
            }
            if (!blank(s.charAt(pos))) {
                return s.charAt(pos);
            }
        }
    }

    private Parsed compile() {
        if (s.isBlank()) {
            return new Parsed(null, List.of());
        }
        while (true) {
            char a = next();
            switch (a) {
                case 0 -> {
                    if (nest != 0) {
                        throw error(size, "filter error: unexpected end of filter: expected ')' to close the '(' at column "
                                + (cur.openPos + 1));
                    }
                    if (needExpression) {
                        throw error(size, "filter error: unexpected end of filter: expected a comparison (FIELD OPERATOR VALUE)");
                    }
                    checkAmbiguity(root);
                    return new Parsed(toAst(root), notes);
                }
                case '(' -> {
                    if (!needExpression) {
                        throw error(pos, "unexpected '(' after " + s.substring(0, pos));
                    }
                    if (nest >= MAX_NESTING) {
                        throw error(pos, "filter error: more than " + MAX_NESTING + " nested parentheses");
                    }
                    Group g = new Group(cur, pos);
                    cur.terms.add(new Term(lastBoolop, lastBoolopPos, g));
                    cur = g;
                    lastBoolop = NONE;
                    lastBoolopPos = -1;
                    nest++;
                }
                case ')' -> {
                    if (cur.parent == null) {
                        // sysdig 0.29 crashes on this (it pops the outermost expression); we say why.
                        throw error(pos, "filter error: unexpected ')': no '(' is open");
                    }
                    checkAmbiguity(cur);
                    cur = cur.parent;
                    nest--;
                }
                case 'o' -> {
                    if (pos != 0 && !needExpression) {
                        int at = pos;
                        if (next() != 'r') {
                            throw error(pos, "syntax error in filter");
                        }
                        lastBoolop = OR;
                        lastBoolopPos = at;
                        needExpression = true;
                    } else {
                        parseCheck();
                        needExpression = false;
                    }
                }
                case 'a' -> {
                    if (pos != 0 && !needExpression) {
                        int at = pos;
                        if (next() != 'n' || next() != 'd') {
                            throw error(pos, "syntax error in filter");
                        }
                        lastBoolop = AND;
                        lastBoolopPos = at;
                        needExpression = true;
                    } else {
                        parseCheck();
                        needExpression = false;
                    }
                }
                case 'n' -> {
                    int at = pos;
                    if (next() != 'o' || next() != 't') {
                        throw error(pos, "syntax error in filter");
                    }
                    if ((lastBoolop & NOT) != 0 && needExpression) {
                        notes.add("'not not' at column " + (at + 1) + " is a single 'not' in sysdig 0.29 (the two do not cancel)");
                    }
                    if (!needExpression) {
                        notes.add("'not' at column " + (at + 1) + " follows a comparison without 'and' or 'or': "
                                + (lastBoolop == NONE ? "sysdig 0.29 ignores the comparison after it"
                                        : "sysdig 0.29 reads it as '" + (lastBoolop == AND ? "and" : "or") + " not'"));
                    }
                    lastBoolop |= NOT;
                    if (lastBoolopPos < 0) {
                        lastBoolopPos = at;
                    }
                    needExpression = true;
                }
                default -> {
                    if (needExpression) {
                        parseCheck();
                        needExpression = false;
                    } else {
                        throw error(pos, "syntax error in filter (expected 'and', 'or' or ')' after a comparison)");
                    }
                }
            }
        }
    }

    /** sysdig's gen_event_filter_expression::get_expr_boolop() == -1, pointing at the culprit. */
    private void checkAmbiguity(Group g) {
        if (g.terms.size() <= 2) {
            return;
        }
        int b0 = g.terms.get(1).boolop() & ~NOT;
        for (int l = 2; l < g.terms.size(); l++) {
            Term t = g.terms.get(l);
            if ((t.boolop() & ~NOT) != b0) {
                throw error(t.opPos() >= 0 ? t.opPos() : g.openPos + 1,
                        "expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.");
            }
        }
    }

    private void parseCheck() {
        int fieldPos = pos;
        String field = nextOperand(true, false).text();
        int opPos = skipBlankAt();
        CmpOp op = nextComparisonOperator(opPos);
        List<Ast.Operand> values = new ArrayList<>();
        if (op.takesList()) {
            int open = skipBlankAt();
            if (at(pos) != '(') {
                throw error(open, "expected '(' after 'in/intersects/pmatch' operand");
            }
            pos++;
            while (true) {
                values.add(nextOperand(false, true));
                next();
                if (at(pos) == ')') {
                    break;
                } else if (at(pos) == ',') {
                    pos++;
                } else {
                    throw error(pos, "expected either ')' or ',' after a value inside the 'in/pmatch' clause");
                }
            }
        } else if (op == CmpOp.EXISTS) {
            pos--; // the compile loop's next() must see the char right after "exists"
        } else {
            values.add(nextOperand(false, false));
        }
        cur.terms.add(new Term(lastBoolop, lastBoolopPos, new Ast.Compare(field, fieldPos, op, opPos, values)));
    }

    /** sysdig's "if(isblank(m_fltstr[m_scanpos])) next();" before an operand or operator. */
    private int skipBlankAt() {
        if (blank(at(pos))) {
            next();
        }
        return pos;
    }

    private CmpOp nextComparisonOperator(int start) {
        for (CmpOp op : CmpOp.values()) {
            if (s.startsWith(op.spelling(), pos)) {
                pos += op.spelling().length();
                return op;
            }
        }
        throw error(start, "filter error: unrecognized comparison operator after " + s.substring(0, Math.min(start, size))
                + " (expected one of = != < <= > >= contains icontains startswith endswith glob in pmatch exists)");
    }

    /** sysdig's next_operand: a field name (first) or a value, with its quoting and escapes. */
    private Ast.Operand nextOperand(boolean first, boolean inList) {
        skipBlankAt();
        int valuePos = pos;
        boolean quoted = false;
        if (pos < size && (s.charAt(pos) == '"' || s.charAt(pos) == '\'')) {
            quoted = true;
            pos++;
        }
        int start = pos;
        Bytes res = new Bytes();
        final int normal = 0, slash = 1, number = 2, bad = 3;
        int state = normal;
        int[] nums = new int[2];
        int numPos = 0;
        while (pos < size && state != bad) {
            char c = s.charAt(pos);
            boolean end = first
                    ? blank(c) || special(c)
                    : (!quoted && (blank(c) || bracket(c) || (inList && c == ',')))
                            || (quoted && state != slash && (c == '"' || c == '\''));
            if (end) {
                if (state != normal) {
                    state = bad;
                    break;
                }
                if (c == '(' || c == ')' || (inList && c == ',')) {
                    pos--;
                }
                return new Ast.Operand(res.done(), valuePos);
            }
            switch (state) {
                case normal -> {
                    if (c == '\\' && !first) {
                        state = slash;
                    } else {
                        res.add(c);
                    }
                }
                case slash -> {
                    if (c == '\\' || c == '"') {
                        state = normal;
                        res.add(c);
                    } else if (c == 'x') {
                        state = number;
                    } else {
                        state = normal;
                        res.add('\\');
                        res.add(c);
                    }
                }
                case number -> {
                    int digit = c >= '0' && c <= '9' ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                    if (digit < 0) {
                        state = bad;
                    } else {
                        nums[numPos++] = digit;
                    }
                    if (numPos == 2 && state != bad) {
                        res.addByte(nums[0] * 16 + nums[1]);
                        numPos = 0;
                        state = normal;
                    }
                }
                default -> throw new IllegalStateException("escape state " + state);
            }
            pos++;
        }
        if (state == bad) {
            // sysdig: m_fltstr.substr(start, m_scanpos), a length that is really an offset.
            throw error(start, "filter error: unrecognized escape sequence at " + s.substring(start, (int) Math.min(size, (long) start + pos)));
        } else if (quoted) {
            throw error(valuePos, "filter error: unclosed quotes");
        }
        return new Ast.Operand(res.done(), valuePos);
    }

    /** A value's bytes: the filter's chars as UTF-8, \xHH escapes as single bytes. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final StringBuilder chars = new StringBuilder();

        void add(char c) {
            chars.append(c);
        }

        void addByte(int b) {
            flush();
            out.write(b);
        }

        private void flush() {
            out.writeBytes(chars.toString().getBytes(StandardCharsets.UTF_8));
            chars.setLength(0);
        }

        String done() {
            flush();
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private Ast toAst(Group g) {
        if (g.terms.isEmpty()) {
            return new Ast.Empty(g.openPos);
        }
        List<Ast> nodes = new ArrayList<>();
        for (Term t : g.terms) {
            Ast n = t.node() instanceof Group sub ? toAst(sub) : (Ast) t.node();
            nodes.add((t.boolop() & NOT) != 0 ? new Ast.Not(n) : n);
        }
        if (nodes.size() == 1) {
            return nodes.getFirst();
        }
        int b0 = g.terms.get(1).boolop() & ~NOT;
        return switch (b0) {
            case AND -> new Ast.And(nodes);
            case OR -> new Ast.Or(nodes);
            default -> {
                // "A not B" or "() A": sysdig 0.29 evaluates the first term alone.
                notes.add("sysdig 0.29 evaluates only the first of " + nodes.size()
                        + " terms not joined by 'and' or 'or'; the others are checked but ignored");
                yield nodes.getFirst();
            }
        };
    }
}
