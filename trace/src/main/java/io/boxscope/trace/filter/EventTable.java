package io.boxscope.trace.filter;

import io.boxscope.trace.scap.EventInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * sysdig 0.29's event and syscall names, as the filter needs them: which {@code evt.type} values
 * exist, which event arguments {@code evt.arg.NAME} may name and their types, and which syscall
 * produces an event of which name (for the push-down of {@code evt.type} into the kernel).
 *
 * <p>A view of the module's one event table, {@link io.boxscope.trace.scap.EventTable} (falcosecurity/libs
 * at the commit Debian's sysdig 0.29.3 is built from): every event but the unused slots, with sysdig's
 * EC_/PT_ spellings; the PPM_SC_* names; the syscalls with events of their own. A syscall that has no
 * event of its own in sysdig is reported as a "generic" event whose {@code evt.type} is the syscall's name.
 */
public final class EventTable {
    /** One event kind: its name, direction ('>' enter, '<' exit), category and argument names → types. */
    public record EventKind(String name, char dir, String category, Set<String> flags, Map<String, String> params) {}

    private static volatile EventTable instance;

    /** The scap table this view is made from; the view's sets and maps are built on the first question. */
    private final io.boxscope.trace.scap.EventTable source;
    private volatile Built built;

    /**
     * The view's contents. Built on first use, not when the table is made: every filter resolves its fields through
     * this table, and most (proc.name, fd.name, container.id) never ask it anything, while building it (a map per
     * event kind, every argument's PT_ name) was part of every filtered run's start-up (trace -r, issue 13).
     */
    private record Built(List<EventKind> events, Set<String> eventNames, Set<String> syscallNames,
                         Map<String, String> syscallToEvent, List<String> paramOrder, Map<String, String> paramTypes) {}

    private EventTable(io.boxscope.trace.scap.EventTable source) {
        this.source = source;
    }

    private Built built() {
        Built b = built;
        if (b == null) {
            b = build(source);
            built = b;
        }
        return b;
    }

    private static Built build(io.boxscope.trace.scap.EventTable table) {
        List<EventKind> events = kinds(table);
        Set<String> eventNames = new LinkedHashSet<>();
        List<String> paramOrder = new ArrayList<>();
        Map<String, String> paramTypes = new LinkedHashMap<>();
        for (EventKind e : events) {
            eventNames.add(e.name());
            for (Map.Entry<String, String> p : e.params().entrySet()) {
                if (!paramTypes.containsKey(p.getKey())) {
                    paramTypes.put(p.getKey(), p.getValue());
                    paramOrder.add(p.getKey());
                }
            }
        }
        return new Built(List.copyOf(events), eventNames, new LinkedHashSet<>(table.syscallNames()),
                new LinkedHashMap<>(table.syscallEvents()), paramOrder, paramTypes);
    }

    /** The table built into boxscope (sysdig 0.29.3's). */
    public static EventTable sysdig() {
        EventTable t = instance;
        if (t == null) {
            t = of(io.boxscope.trace.scap.EventTable.get());
            instance = t;
        }
        return t;
    }

    /** The filter's view of a scap event table. */
    static EventTable of(io.boxscope.trace.scap.EventTable table) {
        return new EventTable(table);
    }

    /** Every event kind but the unused slots, with sysdig's EC_ and PT_ spellings. */
    private static List<EventKind> kinds(io.boxscope.trace.scap.EventTable table) {
        List<EventKind> events = new ArrayList<>();
        for (EventInfo e : table.all()) {
            if (e.unused()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (EventInfo.ParamInfo p : e.params()) {
                params.putIfAbsent(p.name(), "PT_" + p.type().name());
            }
            Set<String> flags = new LinkedHashSet<>(e.flags());
            events.add(new EventKind(e.name(), e.direction(), "EC_" + e.category(), Collections.unmodifiableSet(flags),
                    Collections.unmodifiableMap(params)));
        }
        return events;
    }

    /** Every event kind, enter and exit, in sysdig's table order. */
    public List<EventKind> events() {
        return built().events();
    }

    /**
     * Whether sysdig accepts {@code name} as an {@code evt.type} value: an event name or one of
     * its syscall names (sinsp_filter_check_event::validate_filter_value).
     */
    public boolean isEventType(String name) {
        Built b = built();
        return b.eventNames().contains(name) || b.syscallNames().contains(name);
    }

    /** Whether {@code name} is the name of an event kind (not only of a syscall). */
    public boolean isEventName(String name) {
        return built().eventNames().contains(name);
    }

    /**
     * The {@code evt.type} of the events a syscall produces: its special event's name when sysdig
     * has one that differs (pread64 → pread), otherwise the syscall's own name.
     */
    public String eventTypeOfSyscall(String kernelName) {
        return built().syscallToEvent().getOrDefault(kernelName, kernelName);
    }

    /**
     * The longest argument name of any event that {@code text} starts with, as sysdig resolves
     * {@code evt.arg.NAME} (sinsp_utils::find_longest_matching_evt_param), or null.
     */
    public String longestParamPrefix(String text) {
        String best = null;
        for (String p : built().paramOrder()) {
            if (text.startsWith(p) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best;
    }

    /** The sysdig type (PT_...) of the first event argument with this name, or null. */
    public String paramType(String name) {
        return built().paramTypes().get(name);
    }
}
