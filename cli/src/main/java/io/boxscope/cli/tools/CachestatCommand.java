package io.boxscope.cli.tools;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.cachestat.Cachestat;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;

/** libbpf-tools' cachestat: page cache hits and misses per interval, from tracepoints (docs/tools.md says how). */
public final class CachestatCommand extends IntervalCommand<Cachestat.Interval> {
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Print timestamp.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a line every INTERVAL seconds (default 1), COUNT times (default: until Ctrl-C).");

    private boolean json;

    public CachestatCommand() {
        super("cachestat", "Count page cache hits and misses per interval (libbpf-tools cachestat, from the",
                "filemap, writeback and block tracepoints: reads are counted, mmap and writes are not; see docs/tools.md).",
                "Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope cachestat               shows hits and misses to the file system page cache",
                "  boxscope cachestat -T            include timestamps",
                "  boxscope cachestat 1 10          print 1 second summaries, 10 times",
                "  boxscope cachestat --container web 5   one container's page cache use, every 5 s");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        json = g.json();
        return cgroupTarget(g, null);
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), 1);
    }

    @Override
    protected IntervalRun<Cachestat.Interval> run(GlobalOptions g, ToolTarget target) {
        return Cachestat.run(g.paths(), timestamp.value() || json);
    }

    @Override
    protected String header(int probes) {
        return Cachestat.header(timestamp.value());
    }

    @Override
    protected View<Cachestat.Interval> view() {
        return VIEW;
    }

    static final View<Cachestat.Interval> VIEW = new View<>() {
        @Override
        public void text(Cachestat.Interval i, Terminal t) {
            t.out().print(Cachestat.line(i));
        }

        @Override
        public Object json(Cachestat.Interval i) {
            Map<String, Object> o = Json.object();
            o.put("time", i.time());
            o.put("hits", i.hits());
            o.put("misses", i.misses());
            o.put("dirties", i.dirties());
            o.put("hit_share", i.ratio());
            o.put("buffers_kb", i.buffersKb());
            o.put("cached_kb", i.cachedKb());
            return o;
        }
    };
}
