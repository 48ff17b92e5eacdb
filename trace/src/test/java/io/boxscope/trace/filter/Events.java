package io.boxscope.trace.filter;

import java.util.HashMap;
import java.util.Map;

/** A test event: field values by name as a filter writes them ("proc.name", "evt.arg.fd", "proc.aname[2]"). */
final class Events implements FieldSource {
    private final Map<String, Value> values = new HashMap<>();

    static Events of(Object... pairs) {
        Events e = new Events();
        for (int i = 0; i < pairs.length; i += 2) {
            e.put((String) pairs[i], pairs[i + 1]);
        }
        return e;
    }

    Events put(String field, Object v) {
        values.put(field, switch (v) {
            case Value val -> val;
            case String s -> new Value.Text(s);
            case Integer n -> new Value.Num(n);
            case Long n -> new Value.Num(n);
            case Boolean b -> new Value.Bool(b);
            case byte[] b -> new Value.Bytes(b);
            default -> throw new IllegalArgumentException(String.valueOf(v));
        });
        return this;
    }

    @Override
    public Value get(FieldRef field) {
        return values.get(field.toString());
    }
}
