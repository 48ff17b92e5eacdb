package io.boxscope.trace.live;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.trace.chisel.Chisels;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;

/** What the kernel chisel tests set up alike: a filter split for the kernel, a table chisel, its rows. */
final class ChiselFixtures {
    private ChiselFixtures() {}

    /** {@code filter} compiled and split into its kernel and user parts, as {@code trace} splits it. */
    static PushDown.Split split(String filter) {
        return PushDown.split(Filter.compile(filter, ServiceNames.none()), SyscallTable.current(), EventTable.sysdig(),
                ContainerResolver.NONE);
    }

    /** The table chisel {@code name}, without arguments, not per container. */
    static TableChisel chisel(String name) {
        return (TableChisel) Chisels.create(name, List.of(), false);
    }

    /** The chisel's rows: the key's parts joined by commas, to the row's value. */
    static Map<String, Long> rows(TableChisel c) {
        Map<String, Long> m = new HashMap<>();
        c.rows().forEach(e -> m.put(String.join(",", e.getKey()), e.getValue()));
        return m;
    }
}
