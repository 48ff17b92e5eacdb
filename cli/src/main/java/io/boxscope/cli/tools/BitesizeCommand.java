package io.boxscope.cli.tools;

import java.io.IOException;
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
import io.boxscope.tools.bitesize.Bitesize;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;

/** libbpf-tools' bitesize: block I/O size histograms per process name, on block_rq_issue. */
public final class BitesizeCommand extends IntervalCommand<Bitesize.Report> {
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<String> comm = option(String.class, null, "-c", "--comm").label("COMM").help("Trace this comm only.");
    final Opt<String> disk = option(String.class, null, "-d", "--disk").label("DISK").help("Trace this disk only.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public BitesizeCommand() {
        super("bitesize", "Summarize block device I/O size as a histogram per process name (libbpf-tools",
                "bitesize, on block_rq_issue). Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bitesize                summarize block I/O size as a histogram",
                "  boxscope bitesize 1 10           print 1 second summaries, 10 times",
                "  boxscope bitesize -T 1           1s summaries with timestamps",
                "  boxscope bitesize -c fio         trace fio only",
                "  boxscope bitesize -d vda         trace vda only");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return cgroupTarget(g, null);
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Bitesize.Report> run(GlobalOptions g, ToolTarget target) throws IOException {
        Long dev = null;
        if (disk.value() != null) {
            Partitions p = Partitions.read(g.paths());
            dev = p.dev(disk.value()).orElseThrow(() -> new io.boxscope.cli.NotFoundException("no disk " + disk.value()
                    + " in " + g.paths().procRoot().resolve("partitions") + "; disks: " + String.join(", ", p.names())));
        }
        return Bitesize.run(new Bitesize.Options(comm.value(), dev), timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Bitesize.header();
    }

    @Override
    protected View<Bitesize.Report> view() {
        return VIEW;
    }

    static final View<Bitesize.Report> VIEW = new View<>() {
        @Override
        public void text(Bitesize.Report r, Terminal t) {
            t.processText(escape -> Bitesize.text(r, escape)); // bitesize.c: "Process Name = %s"
        }

        @Override
        public Object json(Bitesize.Report r) {
            List<Object> hists = new ArrayList<>();
            for (Bitesize.CommHist h : r.hists()) {
                Map<String, Object> o = Json.object();
                o.put("comm", h.comm());
                o.put("buckets", HistJson.buckets(h.hist(), "kbytes"));
                hists.add(o);
            }
            return HistJson.document(r.time(), hists);
        }
    };
}
