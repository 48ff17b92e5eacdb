package io.boxscope.trace.filter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled sysdig filter: parse ({@link FilterParser}), check ({@link FilterChecker}), then
 * {@link #matches} events through a {@link FieldSource}. Immutable and safe to share.
 *
 * <p>Semantics, as sysdig 0.29's (falcosecurity/libs filter.cpp): a comparison on a field the
 * event does not have is false, and {@code exists} is true exactly when it has it; strings compare
 * as bytes (strcmp for the orderings, strcasestr's ASCII case folding for icontains, fnmatch for
 * glob); numbers compare at the field's width, unsigned fields as unsigned; {@code in} is "equal to
 * one of"; {@code pmatch} is true when one of the paths is the value or a directory above it,
 * component by component. {@code proc.aname}/{@code proc.apid} without [N] match when any
 * ancestor (parent, grandparent, ...) matches.
 */
public final class Filter {
    /** How many generations of ancestors proc.aname/proc.apid look at, at most. */
    static final int MAX_ANCESTORS = 4096;

    private final String text;
    private final Expr root;
    private final List<String> notes;
    /** The same filter compiled to nodes ({@link CompiledFilter}): what {@link #matches} runs. */
    private final CompiledFilter.Node compiled;

    private Filter(String text, Expr root, List<String> notes) {
        this.text = text;
        this.root = root;
        this.notes = List.copyOf(notes);
        this.compiled = CompiledFilter.compile(root);
    }

    /**
     * Compiles {@code text} against boxscope's catalogue and sysdig's event table, with port names
     * from {@code services}. A blank filter accepts every event.
     *
     * @throws FilterException with the position and sysdig's words when the filter is bad
     */
    public static Filter compile(String text, ServiceNames services) {
        return compile(text, EventTable.sysdig(), services);
    }

    public static Filter compile(String text, EventTable events, ServiceNames services) {
        FilterParser.Parsed parsed = FilterParser.parse(text);
        if (parsed.root() == null) {
            return new Filter(text, new Expr.Const(true), List.of());
        }
        Expr root = new FilterChecker(text, events, services).check(parsed.root());
        return new Filter(text, root, parsed.notes());
    }

    /** Wraps an already built expression (push-down's residue). */
    public static Filter of(String text, Expr root) {
        return new Filter(text, root, List.of());
    }

    public String text() {
        return text;
    }

    public Expr root() {
        return root;
    }

    /** Surprises in how sysdig 0.29 reads this filter ("not not" is one "not", ...), for -v. */
    public List<String> notes() {
        return notes;
    }

    public boolean matches(FieldSource event) {
        return compiled.test(event);
    }

    /**
     * {@link #matches} by walking the expression, each comparison through {@link FieldSource#get}: the reference
     * the compiled nodes are tested against (CompiledFilterTest), not the path a capture runs.
     */
    public boolean matchesInterpreted(FieldSource event) {
        return eval(root, event);
    }

    static boolean eval(Expr e, FieldSource src) {
        return switch (e) {
            case Expr.And a -> {
                for (Expr t : a.terms()) {
                    if (!eval(t, src)) {
                        yield false;
                    }
                }
                yield true;
            }
            case Expr.Or o -> {
                for (Expr t : o.terms()) {
                    if (eval(t, src)) {
                        yield true;
                    }
                }
                yield false;
            }
            case Expr.Not n -> !eval(n.term(), src);
            case Expr.Const c -> c.value();
            case Expr.Check c -> check(c, src);
        };
    }

    static boolean check(Expr.Check c, FieldSource src) {
        FieldRef ref = c.field();
        if (ref.field() == Field.EVT_AROUND) {
            return around(c, src.get(ref));
        }
        List<Field> compares = ref.field().compares();
        if (!compares.isEmpty()) {
            // sysdig's filter-only fields (fd.ip, fd.port, fd.net...): = and the others hold when one
            // of the fields holds, != when all of them do, over the fields the event has.
            int present = 0;
            int held = 0;
            for (Field f : compares) {
                Value v = src.get(FieldRef.of(f));
                if (v != null) {
                    present++;
                    held += compare(c, v) ? 1 : 0;
                }
            }
            return present > 0 && (c.op() == CmpOp.NE ? held == present : held > 0);
        }
        if (ref.anyAncestor()) {
            for (int n = 1; n <= MAX_ANCESTORS; n++) {
                Value v = src.get(ref.ancestor(n));
                if (v == null) {
                    return false;
                }
                if (c.op() == CmpOp.EXISTS || compare(c, v)) {
                    return true;
                }
            }
            return false;
        }
        Value v = src.get(ref);
        if (v == null) {
            return ref.field().hostName() && hostName(c, src);
        }
        return c.op() == CmpOp.EXISTS || compare(c, v);
    }

    /**
     * fd.*ip.name without a value (sinsp_filter_check_fd::compare_domain, libs e5c53d64): the source resolves the
     * filter's names in order until one holds the socket's address ({@link FieldSource#hostNameMatch}); = and in hold
     * when one does, != when it does not; an event without a socket to compare holds for none of them.
     */
    private static boolean hostName(Expr.Check c, FieldSource src) {
        List<String> names = new java.util.ArrayList<>(c.values().size());
        for (Value w : c.values()) {
            names.add(w instanceof Value.Text t ? t.value() : String.valueOf(w));
        }
        Boolean m = src.hostNameMatch(c.field(), names);
        return m != null && (c.op() == CmpOp.NE ? !m : m);
    }

    /**
     * evt.around[T]=D (sinsp_filter_check_event::compare, libs e5c53d64): T lies in [ts - D ms, ts + D ms] of the
     * event's time, compared as unsigned 64-bit numbers (the bounds wrap as sysdig's do). The source gives the time.
     */
    private static boolean around(Expr.Check c, Value ts) {
        if (!(ts instanceof Value.Num n) || c.values().isEmpty()) {
            return false;
        }
        long t = Long.parseUnsignedLong(c.field().argName());
        long delta = ((Value.Num) c.values().get(0)).value() * 1_000_000L;
        return Long.compareUnsigned(t, n.value() - delta) >= 0 && Long.compareUnsigned(t, n.value() + delta) <= 0;
    }

    private static boolean compare(Expr.Check c, Value v) {
        FieldType type = c.field().type();
        return switch (type.kind()) {
            case STRING -> compareString(c.op(), cString(bytes(v, c)), c.values());
            case DOUBLE -> throw mismatch(c, v); // FilterChecker lets only exists through
            case BUFFER -> compareBuffer(c.op(), bytes(v, c), c.values());
            case SIGNED, UNSIGNED, BOOL -> compareNumber(c.op(), type, number(v, c), c.values());
            case NETWORK -> {
                byte[] a = switch (v) {
                    case Value.Addr addr -> addr.bytes();
                    default -> throw mismatch(c, v);
                };
                boolean any = false;
                for (Value w : c.values()) {
                    any |= inNetwork(a, (Value.Net) w);
                }
                yield c.op() == CmpOp.NE ? !any : any;
            }
            case ADDRESS -> {
                byte[] a = switch (v) {
                    case Value.Addr addr -> addr.bytes();
                    default -> throw mismatch(c, v);
                };
                boolean any = false;
                for (Value w : c.values()) {
                    any |= java.util.Arrays.equals(a, ((Value.Addr) w).bytes());
                }
                yield c.op() == CmpOp.NE ? !any : any;
            }
        };
    }

    /** A string comparison of {@code c} on the field's value {@code s} (present; not exists), as {@link #compare} does it. */
    static boolean stringHolds(Expr.Check c, String s, boolean asciiValue) {
        // =, contains, startswith, endswith with an ASCII value: a non-ASCII character of the field is UTF-8
        // bytes >= 0x80, which match no ASCII byte, so the field's characters compare as its bytes would
        // (the byte string holds the value, at the same place, exactly when the characters do)
        boolean plain = asciiValue && switch (c.op()) {
            case EQ, NE, CONTAINS, STARTSWITH, ENDSWITH -> true;
            case LT, LE, GT, GE, ICONTAINS, GLOB, IN, PMATCH, EXISTS -> false;
        };
        String b = plain || ascii(s) ? s : new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return compareString(c.op(), cString(b), c.values());
    }

    /** Whether every value of a string comparison is ASCII (for {@link #stringHolds}). */
    static boolean asciiValues(Expr.Check c) {
        for (Value v : c.values()) {
            if (!(v instanceof Value.Text t) || !ascii(t.value())) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException mismatch(Expr.Check c, Value v) {
        return new IllegalArgumentException("field source returned " + v.getClass().getSimpleName() + " for "
                + c.field() + " (type " + c.field().type().label() + ")");
    }

    /** A string or buffer value as bytes, one char per byte. */
    private static String bytes(Value v, Expr.Check c) {
        return switch (v) {
            case Value.Text t -> ascii(t.value()) ? t.value() : new String(t.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            case Value.Bytes b -> new String(b.bytes(), StandardCharsets.ISO_8859_1);
            default -> throw mismatch(c, v);
        };
    }

    /** ASCII text is its own UTF-8: the common case skips the re-encoding. */
    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** What C's string functions see: up to the first NUL. */
    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    private static long number(Value v, Expr.Check c) {
        return switch (v) {
            case Value.Num n -> n.value();
            case Value.Bool b -> b.value() ? 1 : 0;
            default -> throw mismatch(c, v);
        };
    }

    private static boolean compareString(CmpOp op, String s, List<Value> values) {
        String w = values.isEmpty() ? "" : ((Value.Text) values.getFirst()).value();
        return switch (op) {
            case EQ -> s.equals(w);
            case NE -> !s.equals(w);
            case LT -> s.compareTo(w) < 0;
            case LE -> s.compareTo(w) <= 0;
            case GT -> s.compareTo(w) > 0;
            case GE -> s.compareTo(w) >= 0;
            case CONTAINS -> s.contains(w);
            case ICONTAINS -> asciiLower(s).contains(asciiLower(w));
            case STARTSWITH -> s.startsWith(w);
            case ENDSWITH -> s.endsWith(w);
            case GLOB -> Glob.matches(w, s);
            case IN -> {
                for (Value x : values) {
                    if (((Value.Text) x).value().equals(s)) {
                        yield true;
                    }
                }
                yield false;
            }
            case PMATCH -> {
                for (Value x : values) {
                    if (pathPrefix(((Value.Text) x).value(), s)) {
                        yield true;
                    }
                }
                yield false;
            }
            case EXISTS -> true;
        };
    }

    private static boolean compareBuffer(CmpOp op, String s, List<Value> values) {
        List<String> ws = new ArrayList<>();
        for (Value x : values) {
            ws.add(new String(((Value.Bytes) x).bytes(), StandardCharsets.ISO_8859_1));
        }
        String w = ws.isEmpty() ? "" : ws.getFirst();
        return switch (op) {
            case EQ -> s.equals(w);
            case NE -> !s.equals(w);
            case CONTAINS -> s.contains(w);
            case STARTSWITH -> s.startsWith(w);
            case ENDSWITH -> s.endsWith(w);
            case IN -> ws.contains(s);
            case EXISTS -> true;
            case LT, LE, GT, GE, ICONTAINS, GLOB, PMATCH -> throw new IllegalStateException(op + " on a buffer passed the checker");
        };
    }

    private static boolean compareNumber(CmpOp op, FieldType type, long raw, List<Value> values) {
        long a = fit(raw, type);
        boolean unsigned = type.kind() != FieldType.Kind.SIGNED;
        if (op == CmpOp.IN) {
            for (Value x : values) {
                if (fit(number(x), type) == a) {
                    return true;
                }
            }
            return false;
        }
        long b = fit(number(values.getFirst()), type);
        int cmp = unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
        return switch (op) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            case CONTAINS, ICONTAINS, STARTSWITH, ENDSWITH, GLOB, IN, PMATCH, EXISTS ->
                    throw new IllegalStateException(op + " on a number passed the checker");
        };
    }

    private static long number(Value v) {
        return switch (v) {
            case Value.Num n -> n.value();
            case Value.Bool b -> b.value() ? 1 : 0;
            default -> throw new IllegalStateException("not a number: " + v);
        };
    }

    /** Whether an address is in a network; an address of the other family never is. */
    static boolean inNetwork(byte[] a, Value.Net net) {
        byte[] n = net.address().bytes();
        if (a.length != n.length) {
            return false;
        }
        int bits = net.prefixBits();
        for (int i = 0; i < bits / 8; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[bits / 8] & mask) == (n[bits / 8] & mask);
    }

    /** A number as a field of this width holds it: sign-extended or zero-extended. */
    static long fit(long v, FieldType type) {
        int bits = type.bits();
        if (bits >= 64 || bits == 0) {
            return v;
        }
        return type.kind() == FieldType.Kind.SIGNED ? (v << (64 - bits)) >> (64 - bits) : v & ((1L << bits) - 1);
    }

    /** strcasestr's folding in the C locale: ASCII letters only. */
    private static String asciiLower(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, (char) (c + 32));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * sysdig's path_prefix_search: both split on '/' into non-empty components; true when the
     * pattern's components are the first components of the value ("/a/b" matches "/a/b" and
     * "/a/b/c", not "/a/bc"; "/" matches every value).
     */
    static boolean pathPrefix(String pattern, String value) {
        List<String> p = components(pattern);
        List<String> v = components(value);
        return p.size() <= v.size() && v.subList(0, p.size()).equals(p);
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return Render.expr(root);
    }
}
