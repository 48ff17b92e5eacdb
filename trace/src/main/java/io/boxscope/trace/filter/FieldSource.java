package io.boxscope.trace.filter;

import java.util.List;

/**
 * What a filter reads an event through: one method, so the filter does not depend on how events
 * are captured or stored (live ring buffer, .scap file, test data).
 *
 * <p>Contract: return the field's value for this event in the {@link Value} variant of its
 * {@link FieldRef#type()}, or {@code null} when the event has no such value (an event without a
 * file descriptor has no {@code fd.name}; a process with two ancestors has no
 * {@code proc.aname[3]}). A comparison on an absent field is false, except {@code exists}, which
 * is exactly "not absent" (sysdig's rule). For {@code proc.aname}/{@code proc.apid} without [N]
 * the filter asks for [1], [2], ... until the source answers null.
 *
 * <p>For push-down to be sound, a live capture must answer {@code proc.pid}, {@code thread.tid},
 * {@code evt.type} and {@code evt.failed} for every event with the values the kernel side saw
 * (see {@link KernelFilter}).
 */
@FunctionalInterface
public interface FieldSource {
    Value get(FieldRef field);

    /**
     * A number that decides {@code evt.type} for this event: two events of one source with the same key have
     * the same evt.type (a capture's event number, or for generic events the system call's). -1 when the
     * source has none: the filter then asks {@link #get} every time. A compiled {@link Filter} decides an
     * evt.type comparison once per key and then only looks the key up.
     */
    default int typeKey() {
        return -1;
    }

    /**
     * A string field's value as a String (what {@link #get} returns as {@link Value.Text}), or null when
     * absent: a source that holds the string already answers without a Value per event.
     */
    default String text(FieldRef field) {
        return get(field) instanceof Value.Text t ? t.value() : null;
    }

    /**
     * For fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name without a value: whether one of {@code names}, resolved
     * in order until one does, holds the address of the event's socket that the field names (and from then on the
     * field's value for that address is the name); null when the event has no IPv4/IPv6 socket with a role to compare.
     * A source that resolves no names answers null.
     */
    default Boolean hostNameMatch(FieldRef field, List<String> names) {
        return null;
    }
}
