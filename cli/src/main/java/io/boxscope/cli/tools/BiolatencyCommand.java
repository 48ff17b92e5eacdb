package io.boxscope.cli.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.proc.Partitions;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.biolatency.Biolatency;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;

/** libbpf-tools' biolatency: block I/O latency histograms, on the block tracepoints. */
public final class BiolatencyCommand extends IntervalCommand<Biolatency.Report> {
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Boolean> milliseconds = flag("-m", "--milliseconds").help("Millisecond histogram.");
    final Opt<Boolean> queued = flag("-Q", "--queued").help("Include OS queued time in I/O time.");
    final Opt<Boolean> perDisk = flag("-D", "--disk").help("Print a histogram per disk device.");
    final Opt<Boolean> perFlag = flag("-F", "--flag").help("Print a histogram per set of I/O flags.");
    final Opt<String> disk = option(String.class, null, "-d").label("DISK").help("Trace this disk only.");
    final Opt<Path> cgroup = option(Path.class, null, "-c", "--cgroup").label("CG")
            .help("Trace processes in this cgroup v2 directory (checked at start and completion, as libbpf-tools).");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    private Partitions partitions;

    public BiolatencyCommand() {
        super("biolatency", "Summarize block device I/O latency as a histogram (libbpf-tools biolatency,",
                "on the block tracepoints). Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope biolatency              summarize block I/O latency as a histogram",
                "  boxscope biolatency 1 10         print 1 second summaries, 10 times",
                "  boxscope biolatency -mT 1        1s summaries, milliseconds, and timestamps",
                "  boxscope biolatency -Q           include OS queued time in I/O time",
                "  boxscope biolatency -D           show each disk device separately",
                "  boxscope biolatency -F           show I/O flags separately",
                "  boxscope biolatency -d vda       trace vda only",
                "  boxscope biolatency --json 1 5   one JSON object per second");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return cgroupTarget(g, cgroup.value());
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Biolatency.Report> run(GlobalOptions g, ToolTarget target) throws IOException {
        partitions = Partitions.read(g.paths());
        Long dev = null;
        if (disk.value() != null) {
            dev = partitions.dev(disk.value()).orElseThrow(() -> new io.boxscope.cli.NotFoundException("no disk " + disk.value()
                    + " in " + g.paths().procRoot().resolve("partitions") + "; disks: " + String.join(", ", partitions.names())));
        }
        Biolatency.Options o = new Biolatency.Options(queued.value(), perDisk.value(), perFlag.value(), milliseconds.value(), dev);
        return Biolatency.run(o, partitions, timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Biolatency.header();
    }

    @Override
    protected View<Biolatency.Report> view() {
        return VIEW;
    }

    static final View<Biolatency.Report> VIEW = new View<>() {
        @Override
        public void text(Biolatency.Report r, Terminal t) {
            t.out().print(Text.safeLines(Biolatency.text(r)));
        }

        @Override
        public Object json(Biolatency.Report r) {
            List<Object> hists = new ArrayList<>();
            for (Biolatency.DiskHist h : r.hists()) {
                Map<String, Object> o = Json.object();
                if (h.disk() != null) {
                    o.put("disk", h.disk());
                }
                if (h.flags() != null) {
                    o.put("flags", h.flags());
                }
                o.put("buckets", HistJson.buckets(h.hist(), r.unit()));
                hists.add(o);
            }
            return HistJson.document(r.time(), hists);
        }
    };
}
