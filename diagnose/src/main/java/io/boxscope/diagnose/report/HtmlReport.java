package io.boxscope.diagnose.report;

import io.boxscope.mem.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.EbpfFindings;
import io.boxscope.diagnose.Rules;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.tools.stacks.FlameGraph;
import io.boxscope.diagnose.Metrics;
import io.boxscope.diagnose.OffCpu;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Verdict;

/**
 * {@code boxscope diagnose --html FILE}: one self-contained HTML file — inline CSS and SVG, no
 * script, no font, image or link that would make a request — so it can be mailed, attached to a
 * ticket and opened offline. The verdict comes first, then the charts and the figures. Every string
 * from the system is escaped ({@link Html#text}).
 */
public final class HtmlReport {
    private HtmlReport() {}

    static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
            main{max-width:980px;margin:0 auto;padding:24px}
            h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
            .sub{color:#5b6475;margin-bottom:16px}
            .verdict{background:#fff;border-left:6px solid #c0392b;border-radius:6px;padding:16px 20px;box-shadow:0 1px 3px #0002}
            .verdict.mostly_idle{border-color:#27ae60} .verdict.insufficient_data{border-color:#7f8c8d} .verdict.lock_sleep_bound{border-color:#8e44ad}
            .verdict.io_bound{border-color:#d35400} .verdict.cpu_bound,.verdict.cpu_throttled{border-color:#2471a3}
            .kind{font-size:20px;font-weight:600} .conf{color:#5b6475;margin-left:8px}
            ul{margin:6px 0;padding-left:22px} code{background:#eef0f4;padding:2px 6px;border-radius:4px;font-size:13px}
            .card{background:#fff;border-radius:6px;padding:12px 16px;margin-top:12px;box-shadow:0 1px 3px #0001}
            table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e6eb;vertical-align:top}
            th{width:140px;color:#5b6475;font-weight:500} table.top th{width:auto;word-break:break-all} h3{font-size:14px;margin:14px 0 6px}
            svg text{font:11px system-ui,sans-serif;fill:#5b6475} .ylab{text-anchor:end} .xlab.end{text-anchor:end}
            .plot{fill:#fafbfc;stroke:#d5d9e0} .grid{stroke:#eceff3} .legend{fill:#1d2330}
            .missing{color:#8a6d3b;background:#fcf8e3;border-radius:6px;padding:8px 12px}
            footer{color:#8a93a3;font-size:12px;margin-top:32px}
            """;

    public static String render(Diagnosis d) {
        Verdict v = d.verdict();
        Metrics m = d.metrics();
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        // No request may leave the page: forbid every fetch, allow only the inline style.
        // The flame graphs' one inline script is allowed by its hash; nothing else may run or load.
        boolean flames = d.ebpf().onCpuSamples() > 0 || d.ebpf().offCpuUs() > 0;
        b.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .append(flames ? "; script-src " + FlameGraph.scriptHash() : "").append("\">");
        b.append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        b.append("<title>").append(Html.text("boxscope diagnose: " + d.target().label())).append("</title>");
        b.append("<style>").append(CSS).append(FlameGraph.style()).append("</style></head><body><main>\n");
        b.append("<h1>Why is ").append(Html.text(d.target().label())).append(" slow?</h1>");
        b.append("<div class=\"sub\">").append(Html.text(describe(d.target()))).append(String.format(Locale.ROOT,
                " &middot; watched for %.1f s, %d samples", m.seconds(), m.samples())).append("</div>\n");

        b.append("<section class=\"verdict ").append(v.kind().name().toLowerCase(Locale.ROOT)).append("\" id=\"verdict\">");
        b.append("<span class=\"kind\">").append(Html.text(v.kind().text())).append("</span><span class=\"conf\">confidence: ")
                .append(v.confidence().name().toLowerCase(Locale.ROOT)).append("</span>");
        b.append("<p>").append(Html.text(v.summary())).append("</p>");
        list(b, "Evidence", v.evidence(), false);
        list(b, "Ruled out", v.ruledOut(), false);
        list(b, "Run next", v.nextCommands(), true);
        b.append("</section>\n");

        b.append("<h2>CPU</h2><div class=\"card\">").append(cpuChart(d)).append("</div>");
        b.append("<h2>Memory</h2><div class=\"card\">").append(memoryChart(d)).append("</div>");
        b.append("<h2>What its active threads were doing</h2><div class=\"card\">").append(states(m)).append(threadChart(d)).append("</div>");
        ebpf(b, d.ebpf());
        b.append("<h2>Figures</h2><div class=\"card\"><table>");
        row(b, "CPU", String.format(Locale.ROOT, "%.2f CPUs used; limit %s; %d CPU(s) available; throttled in %.0f%% of periods (%.2f s); run-queue wait %.0f%% of runnable time",
                m.cpuCores(), m.cpuQuota().isPresent() ? String.format(Locale.ROOT, "%.2f CPUs", m.cpuQuota().getAsDouble()) : "none",
                m.cpusAvailable(), 100 * m.throttledShare(), m.throttledSeconds(), 100 * m.runWaitShare()));
        row(b, "Threads", String.format(Locale.ROOT, "%d process(es), %d thread(s), %d active; %.1f wake-ups/s",
                m.processes(), m.threads(), m.activeThreads(), m.wakeupsPerSecond()));
        row(b, "Memory", m.memoryKnown() ? String.format(Locale.ROOT, "%s used (peak %s); working set %s; page cache %s; limit %s; %.1f major faults/s; OOM kills %s",
                Units.bytes(m.memoryUsageBytes()), Units.bytes(m.memoryPeakBytes()), Units.bytes(m.workingSetBytes()), Units.bytes(m.pageCacheBytes()),
                m.memoryLimitBytes() > 0 ? Units.bytes(m.memoryLimitBytes()) : "none", m.majorFaultsPerSecond(),
                m.oomKills() < 0 ? "unknown" : Long.toString(m.oomKills())) : "not measured");
        row(b, "Block I/O", (m.ioKnown() ? String.format(Locale.ROOT, "%s/s read (%.0f ops/s), %s/s written (%.0f ops/s), from %s",
                Units.bytes((long) m.readBytesPerSecond()), m.readOpsPerSecond(), Units.bytes((long) m.writeBytesPerSecond()), m.writeOpsPerSecond(),
                Rules.ioSource(m)) : "not measured")
                + m.ioCounterNotMeasured().map(why -> "; cgroup I/O counters not measured: " + why).orElse(""));
        d.processIo().ifPresent(pio -> row(b, "Process I/O", pio.sentence()));
        var p = m.pressure();
        row(b, "Pressure", String.format(Locale.ROOT, "(%s) cpu some %.0f%%; memory some %.0f%% full %.0f%%; io some %.0f%% full %.0f%%",
                p.scope().name().toLowerCase(Locale.ROOT), 100 * p.cpuSome(), 100 * p.memorySome(), 100 * p.memoryFull(),
                100 * p.ioSome(), 100 * p.ioFull()));
        List<String> top = new ArrayList<>();
        m.topCommsByCpu().forEach((comm, cores) -> top.add(String.format(Locale.ROOT, "%s %.2f", comm, cores)));
        row(b, "CPU by command", top.isEmpty() ? "-" : String.join(", ", top));
        row(b, "Exited processes", d.ebpf().exited().isEmpty() ? "not measured" : Rules.exited(d.ebpf()).orElse("none"));
        b.append("</table></div>\n");
        b.append("<h2>Not measured</h2><div class=\"missing\"><ul>");
        for (String s : v.unmeasured()) {
            b.append("<li>").append(Html.text(s)).append("</li>");
        }
        if (d.ebpf().onCpu().isEmpty()) {
            b.append("<li>flame graph of on-CPU time, top syscalls and files: need the eBPF collectors</li>");
        }
        b.append("</ul></div>");
        if (!d.problems().isEmpty() || d.vanishedThreads() > 0) {
            List<String> notes = new ArrayList<>(d.problems());
            if (d.vanishedThreads() > 0) {
                notes.add(d.vanishedThreads() + " thread reads skipped: the thread exited between listing and reading");
            }
            b.append("<h2>Notices</h2><div class=\"card\"><ul>");
            for (String s : notes) {
                b.append("<li>").append(Html.text(s)).append("</li>");
            }
            b.append("</ul></div>");
        }
        b.append("<footer>boxscope diagnose &middot; rules and thresholds: docs/diagnose.md</footer>");
        if (flames) {
            b.append("<script>").append(FlameGraph.scriptSource()).append("</script>");
        }
        b.append("</main></body></html>\n");
        return b.toString();
    }

    /** The in-kernel collectors' sections, each only when it was measured. */
    static void ebpf(StringBuilder b, EbpfFindings e) {
        e.runQueue().ifPresent(h -> b.append("<h2>Run-queue latency</h2><div class=\"card\" id=\"runqlat\">")
                .append(String.format(Locale.ROOT, "<p>How long its threads waited for a CPU once runnable (runqlat): %d waits, p50 &lt; %s, p99 &lt; %s.</p>",
                        h.count(), Rules.us(h.percentileUs(0.5)), Rules.us(h.percentileUs(0.99))))
                .append(Svg.histogram("Run-queue latency histogram", h)).append("</div>"));
        if (e.onCpu().isPresent()) {
            long total = e.onCpuSamples();
            b.append("<h2>On-CPU profile</h2><div class=\"card\" id=\"oncpu\">");
            b.append(String.format(Locale.ROOT, "<p>%d samples at %d Hz of what its threads ran (profile). Functions that were running:</p>",
                    total, e.onCpuHz()));
            b.append("<table class=\"top\"><tr><th>function</th><td><b>share of samples</b></td></tr>");
            for (EbpfFindings.Function f : e.topFunctions(10)) {
                row(b, f.name(), String.format(Locale.ROOT, "%.1f%% (%d)", 100.0 * f.samples() / Math.max(1, total), f.samples()));
            }
            b.append("</table>");
            unnamed(b, e.onCpuSymbolsMissing());
            if (total > 0) {
                b.append("<h3>Flame graph (click a frame to zoom, search to highlight)</h3>")
                        .append(FlameGraph.fragment(e.onCpu().get(), "samples"));
            }
            b.append("</div>");
        }
        if (e.offCpu().isPresent()) {
            long total = e.offCpuUs();
            b.append("<h2>Off-CPU time</h2><div class=\"card\" id=\"offcpu\">");
            b.append(String.format(Locale.ROOT, "<p>%.2f s off a CPU in total over its threads (offcputime), by why:</p>", total / 1e6));
            List<String> labels = new ArrayList<>();
            List<Double> shares = new ArrayList<>();
            List<String> colours = new ArrayList<>();
            String[] palette = {"#2471a3", "#d35400", "#8e44ad", "#a569bd", "#27ae60", "#95a5a6", "#7f8c8d", "#bdc3c7"};
            for (OffCpu r : OffCpu.values()) {
                long us = e.offCpuByReason().getOrDefault(r, 0L);
                if (us > 0) {
                    labels.add(Rules.reasonText(r));
                    shares.add(total > 0 ? (double) us / total : 0);
                    colours.add(palette[r.ordinal() % palette.length]);
                }
            }
            unnamed(b, e.offCpuSymbolsMissing());
            if (!labels.isEmpty()) {
                b.append(Svg.bars("Off-CPU time by reason", labels, shares, colours));
                b.append("<h3>Flame graph of off-CPU time (microseconds)</h3>").append(FlameGraph.fragment(e.offCpu().get(), "us"));
            }
            b.append("</div>");
        }
        e.blockIo().ifPresent(h -> b.append("<h2>Block I/O latency</h2><div class=\"card\" id=\"biolatency\">")
                .append(String.format(Locale.ROOT, "<p>Requests it issued, issue to completion (biolatency): %d I/Os, p50 &lt; %s, p99 &lt; %s.</p>",
                        h.count(), Rules.us(h.percentileUs(0.5)), Rules.us(h.percentileUs(0.99))))
                .append(Svg.histogram("Block I/O latency histogram", h)).append("</div>"));
        e.syscalls().ifPresent(list -> {
            b.append("<h2>System calls</h2><div class=\"card\" id=\"syscalls\"><table class=\"top\">");
            b.append("<tr><th>syscall</th><td><b>calls, time in it, failures</b></td></tr>");
            for (EbpfFindings.Syscall x : list) {
                row(b, x.name(), String.format(Locale.ROOT, "%d calls, %.3f s, %d failed", x.count(), x.totalNs() / 1e9, x.errors()));
            }
            b.append("</table>");
            if (!e.failures().isEmpty()) {
                b.append("<h3>Failures by errno</h3><table class=\"top\">");
                for (EbpfFindings.Failure f : e.failures()) {
                    row(b, f.name() + " " + f.errno(), f.count() + " times");
                }
                b.append("</table>");
            }
            b.append("</div>");
        });
        e.files().ifPresent(list -> {
            b.append("<h2>Files</h2><div class=\"card\" id=\"files\"><table class=\"top\">");
            b.append("<tr><th>file</th><td><b>time in read/write/fsync, bytes, fsyncs</b></td></tr>");
            list.stream().limit(15).forEach(f -> row(b, f.path(), String.format(Locale.ROOT, "%.3f s, %s, %d fsync (%s)",
                    f.totalNs() / 1e9, Units.bytes(f.bytes()), f.syncs(), f.descriptors() > 1
                            ? f.descriptors() + " descriptors, the most from pid " + f.pid() + " fd " + f.fd()
                            : "pid " + f.pid() + " fd " + f.fd())));
            if (list.isEmpty()) {
                b.append("<tr><td colspan=\"2\">no file reads or writes in the window</td></tr>");
            }
            b.append("</table></div>");
        });
    }

    static String describe(Target t) {
        return switch (t.kind()) {
            case CONTAINER -> "container " + t.container().map(c -> c.ref().shortId() + (c.image().isEmpty() ? "" : ", image " + c.image())
                    + ", " + c.ref().runtime().name().toLowerCase(Locale.ROOT)).orElse(t.label());
            case PROCESS -> "process " + t.label();
            case CGROUP -> "cgroup " + t.label();
        };
    }

    private static void list(StringBuilder b, String title, List<String> items, boolean code) {
        if (items.isEmpty()) {
            return;
        }
        b.append("<div><b>").append(title).append("</b><ul>");
        for (String s : items) {
            b.append("<li>").append(code ? "<code>" : "").append(Html.text(s)).append(code ? "</code>" : "").append("</li>");
        }
        b.append("</ul></div>");
    }

    /**
     * Above a flame graph: how many of its kernel frames are {@code [unknown]} because kallsyms could not be read, and
     * why, in the words every command uses ({@link KernelSymbolsMissing#sentence}); nothing when all were looked up.
     */
    private static void unnamed(StringBuilder b, java.util.Optional<KernelSymbolsMissing> missing) {
        missing.ifPresent(m -> b.append("<p class=\"missing unnamed\">")
                .append(Html.text(m.sentence(KernelSymbolsMissing.Shown.UNKNOWN))).append("</p>"));
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(Html.text(k)).append("</th><td>").append(Html.text(v)).append("</td></tr>");
    }

    private static String cpuChart(Diagnosis d) {
        // The first point has no rate (nothing before it to subtract): start at the second.
        List<Diagnosis.Point> all = d.timeline();
        List<Diagnosis.Point> t = all.size() > 1 ? all.subList(1, all.size()) : all;
        double[] xs = new double[t.size()];
        double[] used = new double[t.size()];
        double max = 0;
        for (int i = 0; i < t.size(); i++) {
            xs[i] = t.get(i).seconds();
            used[i] = t.get(i).cpuCores();
            max = Math.max(max, used[i]);
        }
        List<Svg.Series> series = new ArrayList<>();
        series.add(new Svg.Series("CPUs used", "#2471a3", xs, used, false));
        Metrics m = d.metrics();
        if (m.cpuQuota().isPresent()) {
            double q = m.cpuQuota().getAsDouble();
            series.add(new Svg.Series("limit", "#c0392b", new double[] {0, m.seconds()}, new double[] {q, q}, true));
            max = Math.max(max, q);
        }
        double end = t.isEmpty() ? 0 : t.getLast().seconds();
        return Svg.lines("CPUs used over time", series, end, Math.max(max, 0.1), v -> String.format(Locale.ROOT, "%.2f", v));
    }

    private static String memoryChart(Diagnosis d) {
        List<Diagnosis.Point> t = d.timeline();
        double[] xs = new double[t.size()];
        double[] used = new double[t.size()];
        double max = 0;
        for (int i = 0; i < t.size(); i++) {
            xs[i] = t.get(i).seconds();
            used[i] = t.get(i).memoryUsageBytes();
            max = Math.max(max, used[i]);
        }
        List<Svg.Series> series = new ArrayList<>();
        series.add(new Svg.Series("memory used", "#8e44ad", xs, used, false));
        Metrics m = d.metrics();
        if (m.memoryLimitBytes() > 0) {
            double lim = m.memoryLimitBytes();
            series.add(new Svg.Series("limit", "#c0392b", new double[] {0, m.seconds()}, new double[] {lim, lim}, true));
            max = Math.max(max, lim);
        }
        double end = t.isEmpty() ? 0 : t.getLast().seconds();
        return Svg.lines("Memory used over time", series, end, Math.max(max, 1), v -> Units.bytes((long) v));
    }

    private static String threadChart(Diagnosis d) {
        List<Diagnosis.Point> t = d.timeline();
        double[] xs = new double[t.size()];
        double[] run = new double[t.size()];
        double[] io = new double[t.size()];
        double max = 0;
        for (int i = 0; i < t.size(); i++) {
            xs[i] = t.get(i).seconds();
            run[i] = t.get(i).running();
            io[i] = t.get(i).ioWait();
            max = Math.max(max, Math.max(run[i], io[i]));
        }
        double end = t.isEmpty() ? 0 : t.getLast().seconds();
        return Svg.lines("Threads running or runnable, and in I/O wait, per sample",
                List.of(new Svg.Series("running or runnable", "#2471a3", xs, run, false), new Svg.Series("I/O wait", "#d35400", xs, io, false)),
                end, Math.max(max, 1), v -> String.format(Locale.ROOT, "%.1f", v));
    }

    private static String states(Metrics m) {
        return Svg.bars("Share of active threads' samples per state",
                List.of("on or waiting for a CPU", "I/O wait", "locks (futex)", "sleep (nanosleep)", "waiting for input", "other"),
                List.of(m.stateShare(OffCpu.RUNNING), m.stateShare(OffCpu.IO), m.stateShare(OffCpu.LOCK), m.stateShare(OffCpu.SLEEP),
                        m.stateShare(OffCpu.WAIT_INPUT), m.stateShare(OffCpu.OTHER)),
                List.of("#2471a3", "#d35400", "#8e44ad", "#a569bd", "#27ae60", "#95a5a6"));
    }

}
