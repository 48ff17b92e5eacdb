package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.Inspector;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * proc_exec_time: every process that exits, with how long it ran (from the clone the capture saw to its
 * procexit; processes already running when the capture began have no start and are left out, as sysdig's
 * proc.duration is empty for them), as sysdig 0.29's chisel prints it: a header, then
 * {@code %-13.13s %-12.12s %s} of duration, name and arguments, coloured red above 10 s, yellow above 3 s,
 * blue in a container and green on the host; {@code -pc} adds the container's id and name. The argument
 * {@code disable_colors} leaves the colours out.
 */
final class ProcExecTime extends StreamChisel {
    private static final long YELLOW_NS = 3_000_000_000L;
    private static final long RED_NS = 10_000_000_000L;

    private final boolean container;
    private final boolean color;

    ProcExecTime(ChiselInfo info, List<String> args, boolean container) {
        super(info, "evt.type=procexit");
        this.container = container;
        this.color = !(args.size() == 1 && args.get(0).equals("disable_colors"));
    }

    @Override
    public void start(Consumer<String> out) {
        if (container) {
            out.accept(String.format(Locale.ROOT, "%-13.13s %-20.20s %-20.20s %-12.12s %s", "proc.duration", "container.id",
                    "container.name", "proc.name", "proc.args"));
            out.accept(String.format(Locale.ROOT, "%-13.13s %-20.20s %-20.20s %-12.12s %s", "-------------",
                    "--------------------", "--------------------", "------------", "--------------------"));
        } else {
            out.accept(String.format(Locale.ROOT, "%-13.13s %-12.12s %s", "proc.duration", "proc.name", "proc.args"));
            out.accept(String.format(Locale.ROOT, "%-13.13s %-12.12s %s", "-------------", "------------", "--------------------"));
        }
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        Inspector.Thread t = e.fields().inspector().thread(e.event().tid());
        if (t == null || t.cloneTs() == 0) {
            return; // proc.duration is empty
        }
        long duration = e.event().ts() - t.cloneTs();
        String cn = e.text(CONTAINER);
        int c = duration > RED_NS ? RED : duration > YELLOW_NS ? YELLOW : !"host".equals(cn) ? BLUE : GREEN;
        String name = text(e, NAME, "");
        String args = text(e, ARGS, "");
        out.accept(sgr(color, c) + (container
                ? String.format(Locale.ROOT, "%-13.13s %-20.20s %-20.20s %-12.12s %s", Units.time(duration),
                        text(e, CONTAINER_ID, ""), cn == null ? "" : cn, name, args)
                : String.format(Locale.ROOT, "%-13.13s %-12.12s %s", Units.time(duration), name, args)));
    }


    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        out.accept(sgr(color, RESET));
    }
}
