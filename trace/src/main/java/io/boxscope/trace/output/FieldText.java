package io.boxscope.trace.output;

import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FieldType;
import io.boxscope.trace.filter.Value;

import java.nio.charset.StandardCharsets;

/**
 * A field's value as sysdig 0.29 prints it in {@code -p} formats and chisel tables
 * (sinsp_filter_check::rawval_to_string): numbers in decimal (unsigned types as unsigned), booleans as
 * {@code true}/{@code false}, addresses as inet_ntop writes them, strings and buffers as they are.
 */
public final class FieldText {
    private FieldText() {}

    /** The printed value, or null when the field has none (sysdig prints {@code <NA>}). */
    public static String of(FieldRef ref, Value v) {
        if (v == null) {
            return null;
        }
        return switch (v) {
            case Value.Text t -> t.value();
            case Value.Num n -> ref.type().kind() == FieldType.Kind.UNSIGNED ? Long.toUnsignedString(n.value()) : Long.toString(n.value());
            case Value.Bool b -> Boolean.toString(b.value());
            case Value.Addr a -> address(a.bytes());
            case Value.Bytes b -> new String(b.bytes(), StandardCharsets.ISO_8859_1);
            case Value.Net n -> address(n.address().bytes()) + "/" + n.prefixBits();
        };
    }

    /** Dotted IPv4, or inet_ntop's IPv6 text. */
    public static String address(byte[] a) {
        return io.boxscope.trace.scap.EventFormatter.ip(a);
    }
}
