package io.boxscope.bpf.tracefs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code events/<system>/<event>/format} file.
 *
 * @param name        the event name ({@code name:} line)
 * @param id          the event id ({@code ID:} line; perf_event_open's config for PERF_TYPE_TRACEPOINT), -1 if absent
 * @param fields      every field in file order, the {@code common_} ones first
 * @param printFormat the {@code print fmt:} text, empty if absent
 * @param problems    lines that could not be understood (kept, not silently dropped), each with its line number
 */
public record EventFormat(String name, int id, List<EventField> fields, String printFormat, List<String> problems) {
    public EventFormat {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        Objects.requireNonNull(printFormat, "printFormat");
        problems = List.copyOf(problems);
    }

    /** The event's own arguments: every field but the {@code common_} header (what bpftrace calls {@code args}). */
    public List<EventField> argFields() {
        return fields.stream().filter(f -> !f.isCommon()).toList();
    }

    /** The {@code common_} header fields. */
    public List<EventField> commonFields() {
        return fields.stream().filter(EventField::isCommon).toList();
    }

    public Optional<EventField> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }
}
