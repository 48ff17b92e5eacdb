package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * fdcount_by: how many distinct file descriptors (fd number and name, fd above 0, named) each value of a
 * key field used, printed as sysdig's chisel prints it: key, a tab, the count, largest first, every key.
 */
final class FdCountBy extends StreamChisel {
    private static final OutputField FD_NUM = OutputField.parse("fd.num");

    private final OutputField key;
    private final Map<String, Set<String>> fds = new LinkedHashMap<>();

    FdCountBy(ChiselInfo info, String keyField) {
        super(info, "");
        this.key = OutputField.parse(keyField);
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        String k = e.text(key);
        String name = e.text(FD_NAME);
        if (k == null || !(e.value(FD_NUM) instanceof Value.Num n) || n.value() <= 0 || name == null || name.isEmpty()) {
            return;
        }
        fds.computeIfAbsent(k, x -> new HashSet<>()).add(n.value() + name);
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        List<Map.Entry<String, Set<String>>> l = new ArrayList<>(fds.entrySet());
        l.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        for (Map.Entry<String, Set<String>> x : l) {
            out.accept(x.getKey() + "\t" + x.getValue().size());
        }
    }
}
