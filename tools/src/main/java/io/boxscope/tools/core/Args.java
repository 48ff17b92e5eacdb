package io.boxscope.tools.core;

import java.util.List;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.Value;

/**
 * Typed access to the arguments of one script {@code printf} record: a tool's script sends its
 * events as printfs whose arguments are the event's fields, in an order the script's header states.
 * A field of the wrong type is a defect of the tool (its Java and script disagree): it throws.
 */
public record Args(String format, List<Value> values) {
    public Args {
        values = List.copyOf(values);
    }

    public static Args of(Event.Printf p) {
        return new Args(p.format(), p.args());
    }

    /**
     * The record's tag: its format's first word ({@code "X"} of {@code "X %d %s\n"}). Scripts start
     * every printf with a tag, so that a record is recognised by what it is, not by its position
     * (two printfs with one format share a format number).
     */
    public String tag() {
        int sp = format.indexOf(' ');
        return sp < 0 ? format.strip() : format.substring(0, sp);
    }

    /** The one-letter tag that starts {@code format} ({@code "O %d ..."}: 'O'), or 0 when its tag is longer: {@link #tag()} without a String. */
    public static char tag(String format) {
        return format.length() >= 2 && format.charAt(1) == ' ' || format.length() == 1 ? format.charAt(0) : 0;
    }

    /** An integer field, sign- or zero-extended by its type in the script. */
    public long i(int index) {
        return switch (values.get(index)) {
            case Value.Int v -> v.bits();
            case Value.Pointer p -> p.address();
            case Value.Resolved r -> r.raw();
            default -> throw new IllegalStateException("field " + index + " is not an integer: " + values.get(index));
        };
    }

    /** A string field (a {@code str()}, {@code comm}, a char array); resolved values as their text. */
    public String s(int index) {
        return switch (values.get(index)) {
            case Value.Str v -> v.text();
            case Value.Resolved r -> r.text();
            default -> throw new IllegalStateException("field " + index + " is not a string: " + values.get(index));
        };
    }

    public int size() {
        return values.size();
    }
}
