package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * bottlenecks: the 10 system calls that took longest, each printed at the end as its enter line and its
 * exit line ({@code NUM) S.NNNNNNNNN NAME (TID) > TYPE ARGS}), as sysdig 0.29's chisel keeps them: an
 * event with no latency is an enter and becomes its thread's last line; an exit goes before the first kept
 * call it is strictly slower than (so equal latencies keep their order of arrival), with the last enter line
 * of its thread ({@code nil} when there was none), and the list keeps 10. Context switches are skipped.
 */
final class Bottlenecks extends StreamChisel {
    private static final int HOW_MANY = 10;
    private static final OutputField NUM = OutputField.parse("evt.num");
    private static final OutputField TID = OutputField.parse("thread.tid");
    private static final OutputField EVT_ARGS = OutputField.parse("evt.args");

    private record Slow(long latency, String enter, String exit) {}

    private final List<Slow> slow = new ArrayList<>();
    private final Map<String, String> lastLines = new HashMap<>();

    Bottlenecks(ChiselInfo info) {
        super(info, "");
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        String type = e.text(TYPE);
        if ("switch".equals(type) || !(e.value(LATENCY) instanceof Value.Num latency)) {
            return;
        }
        String name = e.text(NAME) == null ? "" : e.text(NAME);
        String tid = e.text(TID);
        long l = latency.value();
        if (l == 0) {
            lastLines.put(tid, e.text(NUM) + ") 0.000000000 " + name + " (" + tid + ") > " + type + " " + e.text(EVT_ARGS));
            return;
        }
        for (int j = 0; j < HOW_MANY; j++) {
            if (j >= slow.size() || l > slow.get(j).latency()) {
                String exit = e.text(NUM) + ") " + l / 1_000_000_000L + "." + String.format("%09d", l % 1_000_000_000L) + " "
                        + name + " (" + tid + ") < " + type + " " + e.text(EVT_ARGS);
                slow.add(j, new Slow(l, lastLines.getOrDefault(tid, "nil"), exit));
                break;
            }
        }
        if (slow.size() > HOW_MANY) {
            slow.removeLast();
        }
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        for (Slow s : slow) {
            out.accept(s.enter());
            out.accept(s.exit());
        }
    }
}
