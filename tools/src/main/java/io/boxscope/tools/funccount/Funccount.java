package io.boxscope.tools.funccount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;

/**
 * BCC's funccount (tools/funccount.py; libbpf-tools have none) on tracepoints and uprobes: calls per
 * function or event, counted in the kernel, printed per interval ({@code -i}) or at the end, as
 * funccount.py prints them.
 */
public final class Funccount {
    private Funccount() {}

    /** One function's count. */
    public record Count(String func, long count) {}

    /** One interval (or the whole run): local time with -T (else null), counts ascending as BCC sorts them. */
    public record Report(String time, List<Count> counts) {
        public Report {
            counts = List.copyOf(counts);
        }
    }

    /** The report from the script's {@code @counts[probe]} map; zero counts left out, ascending by count. */
    public static Report report(MapDump counts, String time) {
        List<Count> out = new ArrayList<>();
        for (MapDump.Entry e : counts.entries()) {
            long n = switch (e.value()) {
                case MapValue.Count c -> c.count();
                default -> throw new IllegalStateException(counts.name() + " is not a count() map: " + e.value());
            };
            String probe = switch (e.key().getFirst()) {
                case Value.Str s -> s.text();
                case Value.Resolved r -> r.text();
                default -> e.key().getFirst().toString();
            };
            if (n != 0) {
                out.add(new Count(FuncPattern.funcName(probe), n));
            }
        }
        out.sort(Comparator.comparingLong(Count::count).thenComparing(Count::func));
        return new Report(time, out);
    }

    /**
     * The run: the pattern's counting script, in process {@code pid} only when not null (-p), a report
     * per interval (or one at the end) from what {@code @counts} gained since the previous one.
     */
    public static IntervalRun<Report> run(FuncPattern pattern, Integer pid, boolean timestamp) {
        return new IntervalRun<>(new ToolScript("funccount", pattern.script(), io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_STRLEN), List.of(pid == null ? "0" : Integer.toString(pid)),
                List.of("@counts"), (maps, time) -> report(maps.apply("@counts"), timestamp ? time : null));
    }

    /**
     * Refuses what this kernel cannot count before anything is loaded: a kernel-function pattern
     * without kprobes, with one line naming a tracepoint to count instead.
     *
     * @throws IllegalArgumentException the message to print
     */
    public static void check(FuncPattern pattern, Path sysRoot) throws IOException {
        if (pattern.kind() != FuncPattern.Kind.KPROBE) {
            return;
        }
        if (Features.attach(AttachKind.KPROBE) instanceof Support.Unsupported u) {
            Set<String> syscalls = new HashSet<>();
            for (TracepointId t : Tracefs.locate(sysRoot).events("syscalls:*")) {
                syscalls.add(t.event());
            }
            throw new IllegalArgumentException(pattern.noKprobesMessage(u.cause(), syscalls));
        }
    }

    /** {@code Tracing N functions for "PATTERN"... Hit Ctrl-C to end.} (BCC on Python 3 prints the pattern as b'...'; not copied.) */
    public static String header(int functions, String pattern) {
        return String.format(Locale.ROOT, "Tracing %d functions for \"%s\"... Hit Ctrl-C to end.\n", functions, pattern);
    }

    /** A blank line, the time with -T, {@code FUNC COUNT} and one {@code %-36s %8d} line per function. */
    public static String text(Report r) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        sb.append(String.format("%-36s %8s\n", "FUNC", "COUNT"));
        for (Count c : r.counts()) {
            sb.append(String.format(Locale.ROOT, "%-36s %8d\n", c.func(), c.count()));
        }
        return sb.toString();
    }

    public static String detaching() {
        return "Detaching...\n";
    }
}
