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
import io.boxscope.cli.UsageException;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.SmapsGroups;
import io.boxscope.mem.smaps.SmapsReport;
import io.boxscope.proc.json.Json;

/** Every mapping of a process with its smaps fields, grouped by kind with subtotals. */
final class SmapsCommand extends CliCommand {
    final Opt<Integer> pidArg = positional(Integer.class, null).converter(new io.boxscope.cli.PidConverter()).index("0").arity("0..1").label("PID")
            .help("The process (or --pid).");

    enum Key { rss, pss, size, swap }

    final Opt<Key> sortKey = option(Key.class, Key.rss, "--sort").label("rss|pss|size|swap")
            .help("Order groups by this field, biggest first (default rss).");

    final Opt<Integer> top = option(Integer.class, null, "--top").label("N")
            .help("Show only the N biggest groups (the rest are summed in one line).");

    final Opt<Boolean> mappings = flag("-m", "--mappings")
            .help("List every mapping under its group.");

    SmapsCommand() {
        super("smaps", "Where a process's memory is: its mappings grouped by kind, with subtotals.",
                "Groups: heap, stack, anonymous, each library or file, vdso/vvar, shared memory; columns: Size,",
                "Rss, Pss, Pss_Dirty, Shared/Private Clean/Dirty, Swap, AnonHugePages, Locked (kB).",
                "--mappings lists every mapping under its group, with its VmFlags.");
        globals("--json", "--proc-root", "--sys-root", "--pid");
        examples("  boxscope mem smaps 4242                     groups, biggest RSS first",
                "  boxscope mem smaps 4242 --sort pss --top 10 the 10 groups with most PSS",
                "  boxscope mem smaps 4242 --mappings          every mapping, with VmFlags",
                "  boxscope mem smaps 4242 --json              every mapping and every field");
    }
    static final List<String> HEAD = List.of("KIND", "NAME", "MAPS", "SIZE", "RSS", "PSS", "PSS_DIRTY", "SH_CLEAN", "SH_DIRTY",
            "PRIV_CLEAN", "PRIV_DIRTY", "SWAP", "ANON_HUGE", "LOCKED");

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if (top.value() != null && top.value() < 1) {
            throw new UsageException("--top must be at least 1");
        }
        int pid = MemCommand.pid(pidArg.value(), g);
        ProcMemReader r = new ProcMemReader(g.paths());
        SmapsGroups.Sort sort = switch (sortKey.value()) {
            case rss -> SmapsGroups.Sort.RSS;
            case pss -> SmapsGroups.Sort.PSS;
            case size -> SmapsGroups.Sort.SIZE;
            case swap -> SmapsGroups.Sort.SWAP;
        };
        List<Mapping> ms = r.smaps(pid);
        return show(SmapsReport.of(pid, r.comm(pid), ms, sort), new View(top.value(), mappings.value()));
    }

    /**
     * The groups table with a TOTAL line, the first {@code top} groups (the rest summed in one
     * line), every mapping under its group with {@code mappings}; JSON: every group and mapping.
     */
    record View(Integer top, boolean mappings) implements io.boxscope.cli.View<SmapsReport> {
        @Override
        public void text(SmapsReport report, Terminal t) {
            List<SmapsGroups.Group> groups = report.groups();
            boolean[] absent = report.absent();
            List<List<String>> rows = new ArrayList<>();
            int shown = top == null ? groups.size() : Math.min(top, groups.size());
            for (int i = 0; i < shown; i++) {
                SmapsGroups.Group gr = groups.get(i);
                rows.add(row(gr.kind().label(), gr.name(), gr.mappings().size(), gr.totals(), absent));
                if (mappings) {
                    for (Mapping m : gr.mappings()) {
                        rows.add(row("", "  " + m.startHex() + "-" + m.endHex() + " " + m.perms() + " " + m.vmFlags(), 1,
                                SmapsReport.fields(m), absent));
                    }
                }
            }
            if (shown < groups.size()) {
                SmapsReport.Rest rest = report.rest(shown);
                rows.add(row("", rest.groups() + " more groups", rest.mappings(), rest.totals(), absent));
            }
            PrintWriter out = t.out();
            out.println("PID " + report.pid() + " (" + Text.safe(report.name()) + "): " + report.mappings() + " mappings in "
                    + groups.size() + " groups, kB");
            List<String> totalRow = row("TOTAL", "", report.mappings(), report.totals(), absent);
            out.print(Table.render(HEAD, rows, totalRow, 2));
            out.println("RSS " + Units.kb(report.totalKb("Rss")) + ", PSS " + Units.kb(report.totalKb("Pss")) + ", USS "
                    + Units.kb(report.ussKb()) + ", swap " + Units.kb(report.totalKb("Swap")) + ", address space "
                    + Units.kb(report.totalKb("Size")) + ".");
        }

        @Override
        public Object json(SmapsReport report) {
            Map<String, Object> o = Json.object();
            o.put("pid", report.pid());
            o.put("name", report.name());
            o.put("unit", "kB");
            List<Object> gs = new ArrayList<>();
            for (SmapsGroups.Group gr : report.groups()) {
                Map<String, Object> x = Json.object();
                x.put("kind", gr.kind().label());
                x.put("name", gr.name());
                x.put("totals_kb", totals(gr.totals(), report.absent()));
                x.put("mappings", MemJson.mappings(gr.mappings()));
                gs.add(x);
            }
            o.put("groups", gs);
            o.put("totals_kb", totals(report.totals(), report.absent()));
            return o;
        }
    }

    private static List<String> row(String kind, String name, int count, long[] t, boolean[] absent) {
        List<String> r = new ArrayList<>(List.of(kind, name, Integer.toString(count)));
        for (int i = 0; i < t.length; i++) {
            r.add(absent[i] ? "-" : Long.toString(t[i]));
        }
        return r;
    }

    /** The totals by field name (snake_case); fields the kernel does not print are left out. */
    private static Map<String, Object> totals(long[] t, boolean[] absent) {
        Map<String, Object> o = Json.object();
        for (int i = 0; i < t.length; i++) {
            if (!absent[i]) {
                o.put(Json.snakeCase(SmapsGroups.FIELDS.get(i)), t[i]);
            }
        }
        return o;
    }
}
