package io.boxscope.trace.filter;

import java.util.List;

/**
 * A checked filter turned once into nodes that evaluate it with less work per event than walking the
 * {@link Expr} tree ({@link Filter#eval}), with the same results:
 *
 * <ul>
 *   <li>an {@code evt.type} comparison is decided once per {@link FieldSource#typeKey} (the event number, or the
 *       system call of a generic event) and then looked up in an array: no name per event;</li>
 *   <li>a comparison on any other string field reads the field as a String ({@link FieldSource#text}: no
 *       {@link Value} per event) and remembers the strings it compared with their results, in a table by the
 *       string's hash: the events of one thread carry the same proc.name object, the events on one fd the same
 *       fd.name object (the fd's record holds it until the fd is renamed, closed or replaced), so an event of a
 *       thread or on an fd seen before costs a hash read and one slot, however the threads' events interleave;</li>
 *   <li>everything else (numbers, addresses, ancestors, filter-only fields) is evaluated as {@link Filter#eval}
 *       does.</li>
 * </ul>
 *
 * <p>A node's memory only ever holds what the interpreted comparison gave for the same key or a string of the same
 * characters (a string comparison's answer depends on the characters alone: {@link Filter#stringHolds}),
 * so a compiled filter stays safe to share between threads: a racing thread at worst compares again.
 * {@code CompiledFilterTest} holds the compiled and the interpreted results equal on fixture captures.
 */
final class CompiledFilter {
    private CompiledFilter() {}

    /** Event numbers below 1024, generic events' system calls up to 1024 + this. */
    private static final int TYPE_KEYS = 1024 + 2048;

    sealed interface Node permits All, Any, Negate, Fixed, TypeCheck, StringCheck, Interpreted {
        boolean test(FieldSource src);
    }

    record All(Node[] terms) implements Node {
        @Override
        public boolean test(FieldSource src) {
            for (Node n : terms) {
                if (!n.test(src)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Any(Node[] terms) implements Node {
        @Override
        public boolean test(FieldSource src) {
            for (Node n : terms) {
                if (n.test(src)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Negate(Node term) implements Node {
        @Override
        public boolean test(FieldSource src) {
            return !term.test(src);
        }
    }

    record Fixed(boolean value) implements Node {
        @Override
        public boolean test(FieldSource src) {
            return value;
        }
    }

    /** evt.type: the interpreted result per type key (0 not known yet, 1 true, 2 false). */
    static final class TypeCheck implements Node {
        private final Expr.Check check;
        private final byte[] verdicts = new byte[TYPE_KEYS];

        TypeCheck(Expr.Check check) {
            this.check = check;
        }

        @Override
        public boolean test(FieldSource src) {
            int k = src.typeKey();
            if (k < 0 || k >= TYPE_KEYS) {
                return Filter.check(check, src);
            }
            byte v = verdicts[k];
            if (v == 0) {
                v = Filter.check(check, src) ? (byte) 1 : (byte) 2;
                verdicts[k] = v;
            }
            return v == 1;
        }
    }

    /** A string compared, its hash, and what the comparison gave. */
    private record Seen(String value, int hash, boolean result) {}

    /**
     * Slots of {@link StringCheck}'s table: a power of two. The strings in flight at once are the names of the
     * fds and threads the events interleave (tens to hundreds); a new name takes the slot of an older one.
     */
    static final int STRING_SLOTS = 1024;

    /**
     * A string field (not evt.type, not an any-ancestor field, not a filter-only one), read as a String, its
     * comparison remembered per string in a direct-mapped table by {@link String#hashCode} (which a String
     * computes once and keeps: a name object seen again costs a field read). A slot answers for the same object,
     * or for another object with the same characters (equals): the answer depends on the characters only. A name
     * that changes (an fd closed and opened again, dup2 over it, a connect naming it, an execve renaming the
     * thread) is another string, so it finds its own slot or compares again: nothing to invalidate.
     */
    static final class StringCheck implements Node {
        private final Expr.Check check;
        private final boolean asciiValues;
        // racy on purpose: a Seen is immutable (final fields), a thread that misses compares again
        private final Seen[] seen = new Seen[STRING_SLOTS];

        StringCheck(Expr.Check check) {
            this.check = check;
            this.asciiValues = Filter.asciiValues(check);
        }

        @Override
        public boolean test(FieldSource src) {
            String s = src.text(check.field());
            if (s == null) {
                return false; // absent: false, != and exists included (Filter.check)
            }
            if (check.op() == CmpOp.EXISTS) {
                return true;
            }
            int h = s.hashCode();
            int slot = (h ^ (h >>> 16)) & (STRING_SLOTS - 1);
            Seen l = seen[slot];
            if (l != null && (l.value() == s || l.hash() == h && l.value().equals(s))) {
                return l.result();
            }
            boolean r = Filter.stringHolds(check, s, asciiValues);
            seen[slot] = new Seen(s, h, r);
            return r;
        }
    }

    record Interpreted(Expr.Check check) implements Node {
        @Override
        public boolean test(FieldSource src) {
            return Filter.check(check, src);
        }
    }

    static Node compile(Expr e) {
        return switch (e) {
            case Expr.And a -> new All(compileAll(a.terms()));
            case Expr.Or o -> new Any(compileAll(o.terms()));
            case Expr.Not n -> new Negate(compile(n.term()));
            case Expr.Const c -> new Fixed(c.value());
            case Expr.Check c -> compileCheck(c);
        };
    }

    private static Node[] compileAll(List<Expr> terms) {
        Node[] out = new Node[terms.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(terms.get(i));
        }
        return out;
    }

    private static Node compileCheck(Expr.Check c) {
        FieldRef ref = c.field();
        if (!ref.field().compares().isEmpty() || ref.anyAncestor() || ref.field().hostName()) {
            return new Interpreted(c);
        }
        if (ref.field() == Field.EVT_TYPE) {
            return new TypeCheck(c);
        }
        if (ref.type().kind() == FieldType.Kind.STRING) {
            return new StringCheck(c);
        }
        return new Interpreted(c);
    }
}
