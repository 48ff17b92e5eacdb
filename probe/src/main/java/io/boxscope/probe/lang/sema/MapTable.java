package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.boxscope.probe.lang.ast.Expr;

/**
 * Key and value types of every map, made consistent across all probes. The first use fixes a type;
 * later uses must agree (integers of any width agree, strings take the larger size), otherwise the
 * error is bpftrace's "Type mismatch for @x" / "Argument mismatch for @x".
 */
final class MapTable {
    private static final class Entry {
        SType key;
        SType value;
        List<Long> aggArgs = List.of();
    }

    private final Map<String, Entry> maps = new LinkedHashMap<>();

    boolean known(String name) {
        Entry e = maps.get(name);
        return e != null && e.value != null;
    }

    boolean exists(String name) {
        return maps.containsKey(name);
    }

    /** Names of the maps that have a value type. */
    List<String> names() {
        return maps.entrySet().stream().filter(e -> e.getValue().value != null).map(Map.Entry::getKey).toList();
    }

    SType value(String name) {
        Entry e = maps.get(name);
        return e == null ? null : e.value;
    }

    SType key(String name) {
        Entry e = maps.get(name);
        return e == null ? null : e.key;
    }

    /** Records the key type of an access; returns an error message on a mismatch. */
    String useKey(Expr.MapRef m, SType key) {
        Entry e = maps.computeIfAbsent(m.name(), n -> new Entry());
        SType k = widen(key);
        if (e.key == null) {
            e.key = k;
            return null;
        }
        SType u = unify(e.key, k);
        if (u == null) {
            return "Argument mismatch for " + m.display() + ": trying to access with arguments: " + args(k)
                    + " when map expects arguments: " + args(e.key);
        }
        e.key = u;
        return null;
    }

    /** Records an assigned value type; returns an error message on a mismatch. */
    String assign(Expr.MapRef m, SType value, List<Long> aggArgs) {
        Entry e = maps.computeIfAbsent(m.name(), n -> new Entry());
        SType v = widen(value);
        if (e.value == null) {
            e.value = v;
            e.aggArgs = List.copyOf(aggArgs);
            return null;
        }
        SType u = unify(e.value, v);
        if (u == null) {
            return "Type mismatch for " + m.display() + ": trying to assign value of type '" + v.display()
                    + "' when map already contains a value of type '" + e.value.display() + "'";
        }
        if (!aggArgs.isEmpty() && !e.aggArgs.isEmpty() && !aggArgs.equals(e.aggArgs)) {
            return "lhist() arguments for " + m.display() + " differ from an earlier use: " + aggArgs + " vs " + e.aggArgs
                    + " (min, max, step)";
        }
        e.value = u;
        return null;
    }

    static String args(SType key) {
        if (key instanceof SType.None) {
            return "[]";
        }
        if (key instanceof SType.Tuple t) {
            return t.elements().stream().map(SType::display).collect(Collectors.joining(", ", "[", "]"));
        }
        return "[" + key.display() + "]";
    }

    static SType widen(SType t) {
        return switch (t) {
            case SType.Int i -> new SType.Int(8, i.signed());
            case SType.Tuple tu -> new SType.Tuple(tu.elements().stream().map(MapTable::widen).toList());
            default -> t;
        };
    }

    /** The common type of two uses, or null if they cannot share a map slot. */
    static SType unify(SType a, SType b) {
        if (a instanceof SType.Int && b instanceof SType.Int) {
            return a;
        }
        if (a instanceof SType.Str x && b instanceof SType.Str y) {
            return x.size() >= y.size() ? x : y;
        }
        if (a instanceof SType.Buffer x && b instanceof SType.Buffer y) {
            return x.length() >= y.length() ? x : y;
        }
        if (a instanceof SType.Tuple x && b instanceof SType.Tuple y && x.elements().size() == y.elements().size()) {
            List<SType> out = new ArrayList<>();
            for (int i = 0; i < x.elements().size(); i++) {
                SType u = unify(x.elements().get(i), y.elements().get(i));
                if (u == null) {
                    return null;
                }
                out.add(u);
            }
            return new SType.Tuple(out);
        }
        if (a instanceof SType.Ptr && b instanceof SType.Ptr) {
            return a.equals(b) || ((SType.Ptr) b).pointee() instanceof SType.None ? a : null;
        }
        if (a instanceof SType.Stack x && b instanceof SType.Stack y && x.user() == y.user()) {
            return x;
        }
        return a.equals(b) ? a : null;
    }

    Map<String, MapInfo> result() {
        Map<String, MapInfo> out = new LinkedHashMap<>();
        maps.forEach((n, e) -> out.put(n, new MapInfo(n, e.key == null ? new SType.None() : e.key,
                e.value == null ? new SType.None() : e.value, e.aggArgs)));
        return out;
    }
}
