package io.boxscope.trace.output;

import io.boxscope.trace.scap.EventInfo;
import io.boxscope.trace.scap.EventTable;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code trace -L}: the events sysdig 0.29 can capture, one line each as {@code sysdig -L} prints them
 * ({@code > open(FSPATH name, FLAGS32 flags, UINT32 mode)}), from the event table: every event but the
 * unused slots, the old versions of events that have a newer one, and internal events (drops, infra...).
 */
public final class EventListing {
    private EventListing() {}

    public static List<String> lines() {
        List<String> out = new ArrayList<>();
        for (EventInfo e : EventTable.get().all()) {
            if (e.unused() || e.oldVersion() || e.category().equals("INTERNAL")) {
                continue;
            }
            StringBuilder b = new StringBuilder().append(e.direction()).append(' ').append(e.name()).append('(');
            for (int i = 0; i < e.params().size(); i++) {
                EventInfo.ParamInfo p = e.params().get(i);
                b.append(i == 0 ? "" : ", ").append(p.type() == io.boxscope.trace.scap.ParamType.DYN ? "DYNAMIC" : p.type().name()).append(' ').append(p.name());
            }
            out.add(b.append(')').toString());
        }
        return out;
    }
}
