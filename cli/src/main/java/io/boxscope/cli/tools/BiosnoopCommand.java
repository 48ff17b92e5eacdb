package io.boxscope.cli.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Opt;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Partitions;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.biosnoop.Biosnoop;
import io.boxscope.tools.biosnoop.BiosnoopTool;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;

/** libbpf-tools' biosnoop: one line per block I/O, on the block tracepoints. */
public final class BiosnoopCommand extends ToolCommand<Biosnoop.Event> {
    private static final DateTimeFormatter HMS_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    final Opt<Boolean> queued = flag("-Q", "--queued").help("Include OS queued time in I/O time.");
    final Opt<String> disk = option(String.class, null, "-d", "--disk").label("DISK").help("Trace this disk only.");
    final Opt<Integer> min = option(Integer.class, 0, "-m", "--min").label("MIN").help("Min latency to trace, in ms.");
    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("Include timestamp on output.");
    final Opt<List<String>> seconds = positionals(String.class).arity("0..1").label("duration")
            .help("Trace for this many seconds (default: until Ctrl-C).");

    private Biosnoop.Options options;
    private HostPaths paths;
    private long first = -1;

    public BiosnoopCommand() {
        super("biosnoop", null, false, "Trace block I/O: one line per completed I/O with its latency (libbpf-tools",
                "biosnoop, on the block tracepoints). Needs root.");
        examples("  boxscope biosnoop              trace all block I/O",
                "  boxscope biosnoop -Q           include OS queued time in I/O time",
                "  boxscope biosnoop -t           use timestamps instead",
                "  boxscope biosnoop 10           trace for 10 seconds only",
                "  boxscope biosnoop -d vda       trace vda only",
                "  boxscope biosnoop -m 1         trace for slower than 1ms",
                "  boxscope biosnoop --json 5     one JSON object per I/O, for 5 seconds");
    }

    @Override
    protected Schedule schedule() {
        if (!seconds.value().isEmpty()) {
            if (duration.value() != null) {
                throw new UsageException("give the duration once: as the argument or as --duration");
            }
            int s = IntervalCommand.whole(seconds.value().getFirst(), "duration", "seconds, above 0");
            if (s <= 0) {
                throw new UsageException("invalid duration: " + s + " (seconds, above 0)");
            }
            return Schedule.duration(Duration.ofSeconds(s));
        }
        return super.schedule();
    }

    @Override
    protected EventTool<Biosnoop.Event> tool(ToolTarget target) {
        if (target.pid() != null) {
            throw new UsageException("biosnoop traces disks, not processes: -p/--pid is not an option of it");
        }
        if (min.value() < 0) {
            throw new UsageException("invalid min latency: " + min.value() + " (ms)");
        }
        paths = global().paths();
        try {
            Long dev = null;
            if (disk.value() != null) {
                Partitions p = Partitions.read(paths);
                dev = p.dev(disk.value()).orElseThrow(() -> new io.boxscope.cli.NotFoundException("no disk " + disk.value()
                        + " in " + paths.procRoot().resolve("partitions") + "; disks: " + String.join(", ", p.names())));
            }
            options = new Biosnoop.Options(queued.value(), dev, min.value(), timestamp.value());
            return new BiosnoopTool(options, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paths.procRoot().resolve("partitions"), e);
        }
    }

    @Override
    protected String header(ToolTarget target) {
        return Biosnoop.header(options);
    }

    @Override
    protected String line(Biosnoop.Event e) {
        if (first < 0) {
            first = e.timeNs();
        }
        return Biosnoop.line(e, options, first, LocalTime.now().format(HMS_MS), escaping()); // the comm escaped (its only string a task chooses)
    }

    @Override
    protected Map<String, Object> json(Biosnoop.Event e) {
        Map<String, Object> o = Json.object();
        o.put("time_ns", e.timeNs());
        o.put("comm", e.comm());
        o.put("pid", e.pid());
        o.put("disk", e.disk());
        o.put("rwbs", e.rwbs());
        o.put("sector", e.sector());
        o.put("bytes", e.bytes());
        if (options.queued()) {
            o.put("queued_ns", e.queuedNs() < 0 ? null : e.queuedNs());
        }
        o.put("latency_ns", e.latencyNs());
        return o;
    }
}
