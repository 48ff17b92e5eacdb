package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Table;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.SmapsGroups;
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
        List<Mapping> ms = r.smaps(pid);
        String name = r.comm(pid);
        SmapsGroups.Sort sort = switch (sortKey.value()) {
            case rss -> SmapsGroups.Sort.RSS;
            case pss -> SmapsGroups.Sort.PSS;
            case size -> SmapsGroups.Sort.SIZE;
            case swap -> SmapsGroups.Sort.SWAP;
        };
        List<SmapsGroups.Group> groups = SmapsGroups.group(ms, sort);
        long[] totals = SmapsGroups.totals(groups);
        // A field this kernel does not print (Pss_Dirty before 6.0, ...) is shown as "-", not as 0.
        boolean[] absent = new boolean[SmapsGroups.FIELDS.size()];
        for (int f = 1; f < absent.length; f++) {
            absent[f] = !ms.isEmpty();
            for (Mapping m : ms) {
                if (m.fields().has(SmapsGroups.FIELDS.get(f))) {
                    absent[f] = false;
                    break;
                }
            }
        }
        PrintWriter out = out();
        if (g.json()) {
            Map<String, Object> o = Json.object();
            o.put("pid", pid);
            o.put("name", name);
            o.put("unit", "kB");
            List<Object> gs = new ArrayList<>();
            for (SmapsGroups.Group gr : groups) {
                Map<String, Object> x = Json.object();
                x.put("kind", gr.kind().label());
                x.put("name", gr.name());
                x.put("totals_kb", totals(gr.totals(), absent));
                x.put("mappings", MemJson.mappings(gr.mappings()));
                gs.add(x);
            }
            o.put("groups", gs);
            o.put("totals_kb", totals(totals, absent));
            out.println(Json.pretty(o));
            return ExitCode.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        int shown = top.value() == null ? groups.size() : Math.min(top.value(), groups.size());
        for (int i = 0; i < shown; i++) {
            SmapsGroups.Group gr = groups.get(i);
            rows.add(row(gr.kind().label(), gr.name(), gr.mappings().size(), gr.totals(), absent));
            if (mappings.value()) {
                for (Mapping m : gr.mappings()) {
                    long[] t = new long[SmapsGroups.FIELDS.size()];
                    for (int f = 0; f < t.length; f++) {
                        t[f] = f == 0 ? m.sizeBytes() >>> 10 : m.kb(SmapsGroups.FIELDS.get(f));
                    }
                    rows.add(row("", "  " + m.startHex() + "-" + m.endHex() + " " + m.perms() + " " + m.vmFlags(), 1, t, absent));
                }
            }
        }
        if (shown < groups.size()) {
            long[] rest = SmapsGroups.totals(groups.subList(shown, groups.size()));
            int n = groups.subList(shown, groups.size()).stream().mapToInt(x -> x.mappings().size()).sum();
            rows.add(row("", (groups.size() - shown) + " more groups", n, rest, absent));
        }
        out.println("PID " + pid + " (" + Text.safe(name) + "): " + ms.size() + " mappings in " + groups.size() + " groups, kB");
        List<String> totalRow = row("TOTAL", "", ms.size(), totals, absent);
        out.print(Table.render(HEAD, rows, totalRow, 2));
        out.println("RSS " + Units.kb(totals[1]) + ", PSS " + Units.kb(totals[2]) + ", USS " + Units.kb(totals[6] + totals[7])
                + ", swap " + Units.kb(totals[8]) + ", address space " + Units.kb(totals[0]) + ".");
        return ExitCode.OK;
    }

    private static List<String> row(String kind, String name, int count, long[] t, boolean[] absent) {
        List<String> r = new ArrayList<>(List.of(kind, name, Integer.toString(count)));
        for (int i = 0; i < t.length; i++) {
            r.add(absent[i] ? "-" : Long.toString(t[i]));
        }
        return r;
    }

    /** The totals by field name; fields the kernel does not print are left out. */
    private static Map<String, Object> totals(long[] t, boolean[] absent) {
        Map<String, Object> o = Json.object();
        for (int i = 0; i < t.length; i++) {
            if (!absent[i]) {
                o.put(SmapsGroups.FIELDS.get(i), t[i]);
            }
        }
        return o;
    }
}
