package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.trace.scap.EventInfo;
import io.boxscope.trace.scap.EventTable;
import org.junit.jupiter.api.Test;

/**
 * {@link SyscallConfig#STATE_CALLS}: the calls a push-down sends state-only are those sysdig 0.29 parses whatever its
 * filter says. sinsp_parser::process_event (libs e5c53d64) runs the filter before the parser on an event without
 * EF_MODIFIES_STATE, so such an event changes no table when the filter drops it; the flags are the event table's
 * (events.tsv, generated from driver/event_table.c).
 */
class SyscallConfigTest {
    /** Every state call that has events of its own in sysdig 0.29's table has EF_MODIFIES_STATE on both of them. */
    @Test
    void everyStateCallModifiesStateInSysdigsEventTable() {
        EventTable table = EventTable.get();
        List<String> checked = new ArrayList<>();
        for (String call : SyscallConfig.STATE_CALLS) {
            String event = table.eventOfSyscall(call).orElse(call);
            List<EventInfo> events = table.all().stream().filter(i -> i.name().equals(event)).toList();
            assertFalse(events.isEmpty(), call + " (event " + event + ") has no events in sysdig 0.29's table: a generic"
                    + " event changes no table, so it is no state call");
            for (EventInfo i : events) {
                assertTrue(i.flags().contains("EF_MODIFIES_STATE"), call + ": " + i.constant() + " has " + i.flags()
                        + ": sysdig parses it only when its filter keeps it, so a push-down must not send it state-only");
            }
            checked.add(call);
        }
        assertEquals(SyscallConfig.STATE_CALLS.size(), checked.size());
    }

    /**
     * The fd-limit calls sinsp parses (parse_getrlimit_setrlimit_exit, parse_prlimit_exit) lack the flag, which is why
     * they are not state calls: checked here so that the reason stays true of the table.
     */
    @Test
    void theRlimitCallsDoNotModifyStateInSysdigsEventTable() {
        EventTable table = EventTable.get();
        for (String event : List.of("getrlimit", "setrlimit", "prlimit")) {
            List<EventInfo> events = table.all().stream().filter(i -> i.name().equals(event)).toList();
            assertEquals(2, events.size(), event);
            for (EventInfo i : events) {
                assertFalse(i.flags().contains("EF_MODIFIES_STATE"), i.constant() + " " + i.flags());
            }
            assertFalse(SyscallConfig.STATE_CALLS.contains(event));
        }
        assertFalse(SyscallConfig.STATE_CALLS.contains("prlimit64"));
    }
}
