package io.boxscope.cli.diagnose;

import io.boxscope.mem.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.Neighbours;
import io.boxscope.diagnose.EbpfFindings;
import io.boxscope.diagnose.LatencyHistogram;
import io.boxscope.diagnose.Metrics;
import io.boxscope.diagnose.OffCpu;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Verdict;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.proc.json.Json;

/** The text and JSON views of a {@link Diagnosis}. Every name from the system goes through Text.safe. */
public final class DiagnoseViews {
    private DiagnoseViews() {}

    /** {@code boxscope diagnose}'s view, also used by the demo. */
    public static final View<Diagnosis> VIEW = new View<>() {
        @Override
        public void text(Diagnosis d, Terminal t) {
            t.out().print(DiagnoseViews.text(d));
        }

        @Override
        public Object json(Diagnosis d) {
            return DiagnoseViews.json(d);
        }
    };

    /** The live view's column header. */
    static final String LIVE_HEADER = String.format(Locale.ROOT, "%-8s %7s  %-30s %6s %6s %5s %5s %5s %10s",
            "TIME", "T(s)", "VERDICT (confidence)", "CPUS", "THROT", "R", "D", "LOCK", "MEMORY");

    /** One line per interval; JSON: one object per interval. */
    static final View<io.boxscope.diagnose.Diagnose.Live> LIVE = new View<>() {
        @Override
        public void text(io.boxscope.diagnose.Diagnose.Live l, Terminal t) {
            Metrics m = l.metrics();
            t.out().println(String.format(Locale.ROOT, "%-8s %7.1f  %-30s %6.2f %5.0f%% %4.0f%% %4.0f%% %4.0f%% %10s",
                    java.time.LocalTime.now().withNano(0), l.seconds(),
                    l.verdict().kind().text() + " (" + l.verdict().confidence().name().toLowerCase(Locale.ROOT) + ")",
                    m.cpuCores(), 100 * m.throttledShare(), pct(m, OffCpu.RUNNING), pct(m, OffCpu.IO),
                    pct(m, OffCpu.LOCK) + pct(m, OffCpu.SLEEP), m.memoryKnown() ? Units.bytes(m.memoryUsageBytes()) : "-"));
        }

        @Override
        public Object json(io.boxscope.diagnose.Diagnose.Live l) {
            Metrics m = l.metrics();
            Map<String, Object> o = Json.object();
            o.put("t_s", l.seconds());
            o.put("verdict", l.verdict().kind().name().toLowerCase(Locale.ROOT));
            o.put("confidence", l.verdict().confidence().name().toLowerCase(Locale.ROOT));
            o.put("used_cpus", m.cpuCores());
            o.put("throttled_share", m.throttledShare());
            o.put("memory_usage_bytes", m.memoryKnown() ? m.memoryUsageBytes() : null);
            Map<String, Object> states = Json.object();
            for (OffCpu s : OffCpu.values()) {
                states.put(s.name().toLowerCase(Locale.ROOT), m.stateShare(s));
            }
            o.put("state_share", states);
            return o;
        }
    };

    public static String describe(Target t) {
        return switch (t.kind()) {
            case CONTAINER -> t.label() + t.container().map(c -> " (container " + c.ref().shortId()
                    + (c.image().isEmpty() ? "" : ", image " + c.image()) + ")").orElse("");
            case PROCESS -> t.label();
            case CGROUP -> "cgroup " + t.label();
        };
    }

    public static String text(Diagnosis d) {
        Verdict v = d.verdict();
        Metrics m = d.metrics();
        StringBuilder b = new StringBuilder();
        b.append("VERDICT     ").append(v.kind().text()).append("   (confidence: ")
                .append(v.confidence().name().toLowerCase(Locale.ROOT)).append(")\n");
        b.append("  ").append(Text.safe(v.summary())).append("\n\n");
        section(b, "EVIDENCE", v.evidence());
        section(b, "RULED OUT", v.ruledOut());
        section(b, "NOT MEASURED", v.unmeasured());
        b.append("FIGURES (").append(String.format(Locale.ROOT, "%.1f s, %d samples", m.seconds(), m.samples())).append(")\n");
        b.append(String.format(Locale.ROOT, "  CPU        %.2f CPUs used; limit %s; %d CPU(s) available; throttled in %.0f%% of periods (%.2f s); run-queue wait %.0f%% of runnable time%n",
                m.cpuCores(), m.cpuQuota().isPresent() ? String.format(Locale.ROOT, "%.2f CPUs", m.cpuQuota().getAsDouble()) : "none",
                m.cpusAvailable(), 100 * m.throttledShare(), m.throttledSeconds(), 100 * m.runWaitShare()));
        b.append(String.format(Locale.ROOT, "  THREADS    %d process(es), %d thread(s), %d active: on CPU %.0f%%, I/O wait %.0f%%, locks %.0f%%, sleep %.0f%%, input %.0f%%, other %.0f%%; %.1f wake-ups/s%n",
                m.processes(), m.threads(), m.activeThreads(), pct(m, OffCpu.RUNNING), pct(m, OffCpu.IO), pct(m, OffCpu.LOCK),
                pct(m, OffCpu.SLEEP), pct(m, OffCpu.WAIT_INPUT), pct(m, OffCpu.OTHER), m.wakeupsPerSecond()));
        if (m.memoryKnown()) {
            b.append(String.format(Locale.ROOT, "  MEMORY     %s used (peak %s in the window, %s%s); working set %s; page cache %s; limit %s; %.1f major faults/s; OOM kills %s%n",
                    Units.bytes(m.memoryUsageBytes()), Units.bytes(m.memoryPeakBytes()), m.memoryGrowthBytes() >= 0 ? "+" : "-",
                    Units.bytes(Math.abs(m.memoryGrowthBytes())), Units.bytes(m.workingSetBytes()), Units.bytes(m.pageCacheBytes()),
                    m.memoryLimitBytes() > 0 ? Units.bytes(m.memoryLimitBytes()) : "none", m.majorFaultsPerSecond(),
                    m.oomKills() < 0 ? "unknown" : Long.toString(m.oomKills())));
        } else {
            b.append("  MEMORY     not measured\n");
        }
        if (m.ioKnown()) {
            b.append(String.format(Locale.ROOT, "  BLOCK I/O  %s/s read (%.0f ops/s), %s/s written (%.0f ops/s), from %s%n",
                    Units.bytes((long) m.readBytesPerSecond()), m.readOpsPerSecond(), Units.bytes((long) m.writeBytesPerSecond()), m.writeOpsPerSecond(),
                    io.boxscope.diagnose.Rules.ioSource(m)));
        } else {
            b.append("  BLOCK I/O  not measured\n");
        }
        m.ioCounterNotMeasured().ifPresent(why -> b.append("             cgroup I/O counters not measured: ").append(Text.safe(why)).append('\n'));
        d.processIo().ifPresent(pio -> b.append("  PROC I/O   ").append(pio.sentence()).append('\n'));
        var p = m.pressure();
        b.append(String.format(Locale.ROOT, "  PRESSURE   (%s) cpu some %.0f%%; memory some %.0f%% full %.0f%%; io some %.0f%% full %.0f%%%n",
                p.scope().name().toLowerCase(Locale.ROOT), 100 * p.cpuSome(), 100 * p.memorySome(), 100 * p.memoryFull(),
                100 * p.ioSome(), 100 * p.ioFull()));
        if (!m.topCommsByCpu().isEmpty()) {
            List<String> parts = new ArrayList<>();
            m.topCommsByCpu().forEach((comm, cores) -> parts.add(String.format(Locale.ROOT, "%s %.2f", comm, cores)));
            b.append("  TOP CPU    ").append(Text.safe(String.join(", ", parts))).append('\n');
        }
        hostText(b, d.neighbours());
        ebpfText(b, d.ebpf());
        b.append('\n');
        section(b, "NEXT", v.nextCommands());
        if (d.vanishedThreads() > 0 || !d.problems().isEmpty()) {
            List<String> notes = new ArrayList<>();
            if (d.vanishedThreads() > 0) {
                notes.add(d.vanishedThreads() + " thread reads skipped: the thread exited between listing and reading");
            }
            notes.addAll(d.problems());
            section(b, "NOTICES", notes);
        }
        return b.toString();
    }

    /**
     * The HOST line: the host's busy CPUs, the other containers that used most CPU (the first {@link Neighbours#TOP};
     * "and N more" when there were more, --json lists them all), and what ran outside containers. Nothing when the
     * host was not measured.
     */
    static void hostText(StringBuilder b, Neighbours n) {
        if (n.hostCpus() == 0) {
            return;
        }
        List<String> others = new ArrayList<>();
        for (Neighbours.Neighbour x : n.top()) {
            others.add(String.format(Locale.ROOT, "%s %.2f%s", x.name(), x.usedCpus(), x.sharesCpus() ? "" : " (other CPUs)"));
        }
        // the list is cut at Neighbours.TOP: say how many more (--json has every one), and how many stopped
        int more = n.measured().size() - n.top().size();
        String list = (others.isEmpty() ? "" : ": " + String.join(", ", others)) + (more > 0 ? " and " + more + " more" : "")
                + (n.stopped() > 0 ? " (" + n.stopped() + " stopped during the window)" : "");
        b.append(Text.safe(String.format(Locale.ROOT, "  HOST       %.2f of %d CPUs busy; %s%s; outside containers %.2f CPUs",
                n.hostBusyCpus(), n.hostCpus(), Text.count(n.containers(), "other container", "other containers"), list,
                n.outsideContainersCpus()))).append('\n'); // the newline outside Text.safe, which escapes it
    }

    /** The {@code host} object of --json: every other container measured, most CPU first ({@code containers}). */
    static Map<String, Object> hostJson(Neighbours n) {
        Map<String, Object> host = Json.object();
        host.put("cpus", n.hostCpus());
        host.put("busy_cpus", n.hostBusyCpus());
        host.put("outside_containers_cpus", n.outsideContainersCpus());
        host.put("other_containers", n.containers());
        host.put("stopped_containers", n.stopped());
        List<Object> top = new ArrayList<>();
        for (Neighbours.Neighbour x : n.measured()) { // every one measured (the text names the first Neighbours.TOP)
            Map<String, Object> e = Json.object();
            e.put("name", x.name());
            e.put("container_id", x.id());
            e.put("used_cpus", x.usedCpus());
            e.put("shares_cpus", x.sharesCpus());
            top.add(e);
        }
        host.put("containers", top);
        return host;
    }

    /** The in-kernel collectors' figures, one line each, for what was measured. */
    static void ebpfText(StringBuilder b, EbpfFindings e) {
        io.boxscope.diagnose.Rules.exited(e).ifPresent(x -> b.append("  EXITED     ").append(Text.safe(x)).append('\n'));
        e.runQueue().filter(h -> h.count() > 0).ifPresent(h -> b.append(String.format(Locale.ROOT,
                "  RUNQ LAT   p50 < %d us, p99 < %d us over %d waits (runqlat)%n", h.percentileUs(0.5), h.percentileUs(0.99), h.count())));
        long total = e.onCpuSamples();
        if (total > 0) {
            List<String> parts = new ArrayList<>();
            e.topFunctions(5).forEach(f -> parts.add(String.format(Locale.ROOT, "%s %.0f%%", f.name(), 100.0 * f.samples() / total)));
            b.append(String.format(Locale.ROOT, "  ON-CPU     %d samples at %d Hz: ", total, e.onCpuHz())).append(Text.safe(String.join(", ", parts)))
                    .append('\n');
        }
        if (e.offCpuUs() > 0) {
            List<String> parts = new ArrayList<>();
            e.offCpuByReason().entrySet().stream().sorted(Map.Entry.<OffCpu, Long>comparingByValue().reversed())
                    .forEach(x -> parts.add(String.format(Locale.ROOT, "%s %.2f s", x.getKey().name().toLowerCase(Locale.ROOT), x.getValue() / 1e6)));
            b.append("  OFF-CPU    ").append(String.join(", ", parts)).append(" (offcputime)\n");
        }
        // kernel frames the stacks above could not name (kallsyms unreadable): said, never left silent
        e.onCpuSymbolsMissing().ifPresent(x -> b.append("  UNNAMED    on-CPU stacks: ")
                .append(Text.safe(x.sentence(KernelSymbolsMissing.Shown.UNKNOWN))).append('\n'));
        e.offCpuSymbolsMissing().ifPresent(x -> b.append("  UNNAMED    off-CPU stacks: ")
                .append(Text.safe(x.sentence(KernelSymbolsMissing.Shown.UNKNOWN))).append('\n'));
        e.blockIo().filter(h -> h.count() > 0).ifPresent(h -> b.append(String.format(Locale.ROOT,
                "  BIO LAT    p50 < %d us, p99 < %d us over %d I/Os (biolatency)%n", h.percentileUs(0.5), h.percentileUs(0.99), h.count())));
        e.syscalls().filter(l -> !l.isEmpty()).ifPresent(l -> {
            List<String> parts = new ArrayList<>();
            l.stream().limit(5).forEach(x -> parts.add(String.format(Locale.ROOT, "%s %d (%.3f s)", x.name(), x.count(), x.totalNs() / 1e9)));
            b.append("  SYSCALLS   ").append(Text.safe(String.join(", ", parts))).append(sampled(e)).append('\n');
        });
        if (!e.failures().isEmpty()) {
            List<String> parts = new ArrayList<>();
            e.failures().stream().limit(5).forEach(f -> parts.add(f.name() + " " + f.errno() + " x" + f.count()));
            b.append("  FAILURES   ").append(Text.safe(String.join(", ", parts))).append(sampled(e)).append('\n');
        }
        e.files().filter(l -> !l.isEmpty()).ifPresent(l -> {
            List<String> parts = new ArrayList<>();
            l.stream().limit(3).forEach(f -> parts.add(String.format(Locale.ROOT, "%s %s %.3f s", f.path(), Units.bytes(f.bytes()), f.totalNs() / 1e9)));
            b.append("  FILES      ").append(Text.safe(String.join("; ", parts))).append(sampled(e)).append('\n');
        });
    }

    private static double pct(Metrics m, OffCpu s) {
        return 100 * m.stateShare(s);
    }

    private static void section(StringBuilder b, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        b.append(title).append('\n');
        for (String l : lines) {
            b.append(title.equals("NEXT") ? "  " : "  - ").append(Text.safe(l)).append('\n');
        }
        b.append('\n');
    }


    public static Map<String, Object> json(Diagnosis d) {
        Map<String, Object> o = Json.object();
        Target t = d.target();
        Map<String, Object> target = Json.object();
        target.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
        target.put("label", t.label());
        t.container().ifPresent(c -> {
            target.put("container_id", c.ref().id());
            target.put("container_name", c.name());
            target.put("image", c.image());
            target.put("runtime", c.ref().runtime().name().toLowerCase(Locale.ROOT));
        });
        if (t.pid().isPresent()) {
            target.put("pid", t.pid().getAsInt());
        }
        o.put("target", target);
        Verdict v = d.verdict();
        Map<String, Object> verdict = Json.object();
        verdict.put("kind", v.kind().name().toLowerCase(Locale.ROOT));
        verdict.put("text", v.kind().text());
        verdict.put("confidence", v.confidence().name().toLowerCase(Locale.ROOT));
        verdict.put("summary", v.summary());
        verdict.put("evidence", v.evidence());
        verdict.put("ruled_out", v.ruledOut());
        verdict.put("not_measured", v.unmeasured());
        verdict.put("next_commands", v.nextCommands());
        o.put("verdict", verdict);
        if (d.neighbours().hostCpus() > 0) {
            o.put("host", hostJson(d.neighbours()));
        }
        Metrics m = d.metrics();
        Map<String, Object> cpu = Json.object();
        cpu.put("used_cpus", m.cpuCores());
        cpu.put("limit_cpus", m.cpuQuota().isPresent() ? m.cpuQuota().getAsDouble() : null);
        cpu.put("available_cpus", m.cpusAvailable());
        cpu.put("throttled_share", m.throttledShare());
        cpu.put("throttled_s", m.throttledSeconds());
        cpu.put("run_queue_wait_share", m.runWaitShare());
        cpu.put("threads_wanting_cpu", m.threadsWantingCpu());
        cpu.put("wakeups_per_s", m.wakeupsPerSecond());
        List<Object> top = new ArrayList<>();
        m.topCommsByCpu().forEach((comm, cores) -> {
            Map<String, Object> x = Json.object();
            x.put("command", comm);
            x.put("used_cpus", cores);
            top.add(x);
        });
        cpu.put("top_commands", top);
        o.put("cpu", cpu);
        Map<String, Object> threads = Json.object();
        threads.put("processes", m.processes());
        threads.put("threads", m.threads());
        threads.put("active_threads", m.activeThreads());
        Map<String, Object> states = Json.object();
        for (OffCpu s : OffCpu.values()) {
            states.put(s.name().toLowerCase(Locale.ROOT), m.stateShare(s));
        }
        threads.put("state_share", states);
        o.put("threads", threads);
        Map<String, Object> mem = Json.object();
        mem.put("measured", m.memoryKnown());
        mem.put("usage_bytes", m.memoryUsageBytes());
        mem.put("peak_bytes", m.memoryPeakBytes());
        mem.put("limit_bytes", m.memoryLimitBytes() > 0 ? m.memoryLimitBytes() : null);
        mem.put("working_set_bytes", m.workingSetBytes());
        mem.put("page_cache_bytes", m.pageCacheBytes());
        mem.put("growth_bytes", m.memoryGrowthBytes());
        mem.put("major_faults_per_s", m.majorFaultsPerSecond());
        mem.put("oom_kills", m.oomKills() < 0 ? null : m.oomKills());
        o.put("memory", mem);
        Map<String, Object> io = Json.object();
        io.put("measured", m.ioKnown());
        io.put("source", switch (m.ioSource()) {
            case CGROUP -> "cgroup";
            case EBPF -> "ebpf";
            case NONE -> null;
        });
        io.put("cgroup_counters_not_measured", m.ioCounterNotMeasured().orElse(null));
        io.put("read_bytes_per_s", m.readBytesPerSecond());
        io.put("write_bytes_per_s", m.writeBytesPerSecond());
        io.put("read_ops_per_s", m.readOpsPerSecond());
        io.put("write_ops_per_s", m.writeOpsPerSecond());
        o.put("block_io", io);
        o.put("process_io", d.processIo().map(pio -> {
            Map<String, Object> x = Json.object();
            x.put("seconds", pio.seconds());
            x.put("read_bytes", pio.readBytes());
            x.put("write_bytes", pio.writeBytes());
            x.put("cancelled_write_bytes", pio.cancelledWriteBytes());
            x.put("read_bytes_per_s", pio.perSecond(pio.readBytes()));
            x.put("write_bytes_per_s", pio.perSecond(pio.writeBytes()));
            x.put("rchar", pio.rchar());
            x.put("wchar", pio.wchar());
            x.put("syscr", pio.syscr());
            x.put("syscw", pio.syscw());
            return x;
        }).orElse(null));
        var p = m.pressure();
        Map<String, Object> psi = Json.object();
        psi.put("scope", p.scope().name().toLowerCase(Locale.ROOT));
        psi.put("cpu_some_share", p.cpuSome());
        psi.put("memory_some_share", p.memorySome());
        psi.put("memory_full_share", p.memoryFull());
        psi.put("io_some_share", p.ioSome());
        psi.put("io_full_share", p.ioFull());
        o.put("pressure", psi);
        Map<String, Object> window = Json.object();
        window.put("duration_s", m.seconds());
        window.put("samples", m.samples());
        window.put("target_exited", d.targetExited());
        window.put("vanished_threads", d.vanishedThreads());
        window.put("problems", d.problems());
        o.put("window", window);
        List<Object> timeline = new ArrayList<>();
        for (Diagnosis.Point pt : d.timeline()) {
            Map<String, Object> x = Json.object();
            x.put("t_s", pt.seconds());
            x.put("used_cpus", pt.cpuCores());
            x.put("throttled_periods", pt.throttledPeriods());
            x.put("memory_usage_bytes", pt.memoryUsageBytes());
            x.put("running_threads", pt.running());
            x.put("io_wait_threads", pt.ioWait());
            timeline.add(x);
        }
        o.put("timeline", timeline);
        o.put("ebpf", ebpfJson(d.ebpf()));
        return o;
    }

    static Map<String, Object> ebpfJson(EbpfFindings e) {
        Map<String, Object> o = Json.object();
        o.put("run_queue_latency", e.runQueue().map(DiagnoseViews::histJson).orElse(null));
        o.put("block_io_latency", e.blockIo().map(DiagnoseViews::histJson).orElse(null));
        o.put("exited_processes", e.exited().map(l -> {
            List<Object> out = new ArrayList<>();
            for (EbpfFindings.Exited x : l) {
                Map<String, Object> j = Json.object();
                j.put("command", x.command());
                j.put("processes", x.processes());
                j.put("cpu_s", x.cpuNs() / 1e9);
                out.add(j);
            }
            return out;
        }).orElse(null));
        if (e.onCpu().isPresent()) {
            Map<String, Object> on = Json.object();
            on.put("frequency_hz", e.onCpuHz());
            on.put("samples", e.onCpuSamples());
            List<Object> fns = new ArrayList<>();
            for (EbpfFindings.Function f : e.topFunctions(20)) {
                Map<String, Object> x = Json.object();
                x.put("function", f.name());
                x.put("samples", f.samples());
                fns.add(x);
            }
            on.put("top_functions", fns);
            List<Object> stacks = new ArrayList<>();
            e.onCpu().get().stream().limit(50).forEach(s -> stacks.add(io.boxscope.cli.tools.StackViews.json(s, "samples")));
            on.put("stacks", stacks);
            on.put("kernel_symbols_missing", io.boxscope.cli.tools.StackViews.kernelSymbolsMissing(e.onCpuSymbolsMissing()));
            o.put("on_cpu", on);
        } else {
            o.put("on_cpu", null);
        }
        if (e.offCpu().isPresent()) {
            Map<String, Object> off = Json.object();
            off.put("total_us", e.offCpuUs());
            Map<String, Object> reasons = Json.object();
            e.offCpuByReason().forEach((r, us) -> reasons.put(r.name().toLowerCase(Locale.ROOT), us));
            off.put("by_reason_us", reasons);
            List<Object> stacks = new ArrayList<>();
            e.offCpu().get().stream().limit(50).forEach(s -> stacks.add(io.boxscope.cli.tools.StackViews.json(s, "off_cpu_us")));
            off.put("stacks", stacks);
            off.put("kernel_symbols_missing", io.boxscope.cli.tools.StackViews.kernelSymbolsMissing(e.offCpuSymbolsMissing()));
            o.put("off_cpu", off);
        } else {
            o.put("off_cpu", null);
        }
        if (e.syscalls().isPresent()) {
            List<Object> sys = new ArrayList<>();
            for (EbpfFindings.Syscall s : e.syscalls().get()) {
                Map<String, Object> x = Json.object();
                x.put("name", s.name());
                x.put("count", s.count());
                x.put("total_ns", s.totalNs());
                x.put("errors", s.errors());
                sys.add(x);
            }
            o.put("syscalls", sys);
            List<Object> fails = new ArrayList<>();
            for (EbpfFindings.Failure f : e.failures()) {
                Map<String, Object> x = Json.object();
                x.put("name", f.name());
                x.put("errno", f.errno());
                x.put("count", f.count());
                fails.add(x);
            }
            o.put("syscall_failures", fails);
            o.put("syscalls_traced_share", e.syscallsTracedShare());
        } else {
            o.put("syscalls", null);
            o.put("syscall_failures", null);
            o.put("syscalls_traced_share", null);
        }
        if (e.files().isPresent()) {
            List<Object> files = new ArrayList<>();
            for (EbpfFindings.FileIo f : e.files().get()) {
                Map<String, Object> x = Json.object();
                x.put("path", f.path());
                x.put("pid", f.pid());
                x.put("fd", f.fd());
                x.put("bytes", f.bytes());
                x.put("total_ns", f.totalNs());
                x.put("fsyncs", f.syncs());
                x.put("descriptors", f.descriptors());
                files.add(x);
            }
            o.put("files", files);
        } else {
            o.put("files", null);
        }
        o.put("not_measured", e.unmeasured());
        return o;
    }

    private static Map<String, Object> histJson(LatencyHistogram h) {
        Map<String, Object> o = Json.object();
        o.put("count", h.count());
        o.put("p50_us", h.percentileUs(0.5));
        o.put("p99_us", h.percentileUs(0.99));
        List<Object> buckets = new ArrayList<>();
        int[] span = h.span();
        long[] b = h.buckets();
        for (int i = span[0]; i >= 0 && i <= span[1]; i++) {
            Map<String, Object> x = Json.object();
            x.put("low_us", LatencyHistogram.low(i));
            x.put("high_us", LatencyHistogram.high(i));
            x.put("count", b[i]);
            buckets.add(x);
        }
        o.put("buckets", buckets);
        return o;
    }

    /** Said after the syscall figures when they were traced over part of the window and scaled up. */
    private static String sampled(EbpfFindings e) {
        return e.syscallsTracedShare() >= 1 ? "" : String.format(Locale.ROOT,
                " (traced %.1f%% of the window, scaled up: the target makes too many calls to trace each cheaply)",
                100 * e.syscallsTracedShare());
    }
}
