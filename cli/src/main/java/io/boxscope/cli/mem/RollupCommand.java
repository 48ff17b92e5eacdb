package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Table;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.ProcStatus;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.top.RollupReport;
import io.boxscope.proc.json.Json;

/** smaps_rollup with status's VSZ/RSS/swap and USS, and one sentence relating RSS, PSS and USS. */
final class RollupCommand extends CliCommand {
    final Opt<Integer> pidArg = positional(Integer.class, null).converter(new io.boxscope.cli.PidConverter()).index("0").arity("0..1").label("PID")
            .help("The process (or --pid).");

    RollupCommand() {
        super("rollup", "One process's VSZ, RSS, PSS, USS and swap, exact in kB, and how they relate.",
                "From /proc/PID/smaps_rollup (the sum of smaps on kernels before 4.14) and /proc/PID/status.");
        globals("--json", "--proc-root", "--sys-root", "--pid");
        examples("  boxscope mem rollup 4242          every figure; how RSS, PSS, USS relate",
                "  boxscope mem rollup --json 4242   the same in kB for scripts");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        int pid = MemCommand.pid(pidArg.value(), g);
        return show(RollupReport.read(new ProcMemReader(g.paths()), pid), VIEW);
    }

    /** The figures with what each means, the kernel's fields, and the sentence; JSON in kB. */
    static final View<RollupReport> VIEW = new View<>() {
        @Override
        public void text(RollupReport report, Terminal t) {
            PrintWriter out = t.out();
            Rollup rollup = report.rollup();
            ProcStatus st = report.status();
            out.println("PID " + report.pid() + " (" + Text.safe(report.name()) + "): " + Text.safe(report.command()));
            List<List<String>> rows = new ArrayList<>();
            row(rows, "VSZ", st.get("VmSize").orElse(0), "status VmSize: address space mapped, resident or not");
            row(rows, "RSS", rollup.rss(), "resident pages this process maps, shared ones counted in full");
            if (st.get("VmRSS").isPresent()) {
                long vmrss = st.get("VmRSS").getAsLong();
                row(rows, "VmRSS", vmrss, vmrss == rollup.rss() ? "status VmRSS: the same as RSS"
                        : "status VmRSS: the kernel's RSS counters, updated lazily (RSS above walks the page tables)");
            }
            row(rows, "PSS", rollup.pss(), "RSS with each shared page divided by the number of processes mapping it");
            row(rows, "USS", rollup.uss(), "Private_Clean + Private_Dirty: what exiting would free");
            row(rows, "SWAP", rollup.swap(), "swapped-out anonymous pages (status VmSwap: " + st.get("VmSwap").orElse(0) + " kB)");
            out.print(Table.render(List.of("", "kB", "", ""), rows, null, 1, true));
            out.println();
            List<List<String>> fields = new ArrayList<>();
            for (int i = 0; i < rollup.fields().size(); i++) {
                fields.add(List.of(rollup.fields().name(i), Long.toString(rollup.fields().value(i)), Units.kb(rollup.fields().value(i))));
            }
            out.print(Table.render(List.of(rollup.source() == Rollup.Source.ROLLUP ? "smaps_rollup" : "sum of smaps (no smaps_rollup on this kernel)",
                    "kB", ""), fields, null, 1));
            out.println();
            out.println(report.explanation());
        }

        @Override
        public Object json(RollupReport report) {
            Rollup rollup = report.rollup();
            ProcStatus st = report.status();
            Map<String, Object> o = Json.object();
            o.put("pid", report.pid());
            o.put("name", report.name());
            o.put("command", report.command());
            o.put("source", rollup.source() == Rollup.Source.ROLLUP ? "smaps_rollup" : "smaps (summed)");
            o.put("vsz_kb", st.get("VmSize").orElse(0));
            o.put("vmrss_kb", st.get("VmRSS").orElse(0));
            o.put("vmswap_kb", st.get("VmSwap").orElse(0));
            o.put("rss_kb", rollup.rss());
            o.put("pss_kb", rollup.pss());
            o.put("uss_kb", rollup.uss());
            o.put("swap_kb", rollup.swap());
            MemJson.fields(o, "rollup_kb", rollup.fields());
            Map<String, Object> status = Json.object();
            st.kb().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> status.put(Json.snakeCase(e.getKey()), e.getValue()));
            o.put("status_kb", status);
            o.put("explanation", report.explanation());
            return o;
        }
    };

    private static void row(List<List<String>> rows, String name, long kb, String what) {
        rows.add(List.of(name, Long.toString(kb), Units.kb(kb), what));
    }
}
