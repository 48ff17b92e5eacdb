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

    private final List<EventKind> events;
    private final Set<String> eventNames = new LinkedHashSet<>();
    private final Set<String> syscallNames = new LinkedHashSet<>();
    private final Map<String, String> syscallToEvent = new LinkedHashMap<>();
    private final List<String> paramOrder = new ArrayList<>();
    private final Map<String, String> paramTypes = new LinkedHashMap<>();

    private EventTable(List<EventKind> events, Map<String, String> syscallToEvent, Set<String> syscallNames) {
        this.events = List.copyOf(events);
        this.syscallToEvent.putAll(syscallToEvent);
        this.syscallNames.addAll(syscallNames);
        for (EventKind e : events) {
            eventNames.add(e.name());
            for (Map.Entry<String, String> p : e.params().entrySet()) {
                if (!paramTypes.containsKey(p.getKey())) {
                    paramTypes.put(p.getKey(), p.getValue());
                    paramOrder.add(p.getKey());
                }
            }
        }
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
        return new EventTable(events, table.syscallEvents(), new LinkedHashSet<>(table.syscallNames()));
    }

    /** Every event kind, enter and exit, in sysdig's table order. */
    public List<EventKind> events() {
        return events;
    }

    /**
     * Whether sysdig accepts {@code name} as an {@code evt.type} value: an event name or one of
     * its syscall names (sinsp_filter_check_event::validate_filter_value).
     */
    public boolean isEventType(String name) {
        return eventNames.contains(name) || syscallNames.contains(name);
    }

    /** Whether {@code name} is the name of an event kind (not only of a syscall). */
    public boolean isEventName(String name) {
        return eventNames.contains(name);
    }

    /**
     * The {@code evt.type} of the events a syscall produces: its special event's name when sysdig
     * has one that differs (pread64 → pread), otherwise the syscall's own name.
     */
    public String eventTypeOfSyscall(String kernelName) {
        return syscallToEvent.getOrDefault(kernelName, kernelName);
    }

    /**
     * The longest argument name of any event that {@code text} starts with, as sysdig resolves
     * {@code evt.arg.NAME} (sinsp_utils::find_longest_matching_evt_param), or null.
     */
    public String longestParamPrefix(String text) {
        String best = null;
        for (String p : paramOrder) {
            if (text.startsWith(p) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best;
    }

    /** The sysdig type (PT_...) of the first event argument with this name, or null. */
    public String paramType(String name) {
        return paramTypes.get(name);
    }
}
