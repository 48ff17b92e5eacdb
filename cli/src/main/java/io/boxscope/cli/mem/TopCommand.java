package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Table;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.Passwd;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.json.Json;

/** smem for every process: swap, USS, PSS, RSS, with the container each process is in. */
final class TopCommand extends CliCommand {
    enum By { process, container, user }

    enum Key { pid, user, command, container, swap, uss, pss, rss }

    final Opt<By> by = option(By.class, By.process, "--by").label("process|container|user")
            .help("Rows per process (default), container or user.");

    final Opt<Key> sort = option(Key.class, Key.pss, "--sort").label("KEY")
            .help("pid, user, command, container, swap, uss, pss (default) or rss; sizes biggest first.");

    final Opt<Boolean> reverse = flag("-r", "--reverse")
            .help("Reverse the order.");

    final Opt<String> filter = option(String.class, null, "-P", "--filter").label("REGEX")
            .help("Only processes whose command line matches REGEX.");

    final Opt<Integer> threads = option(int.class, Math.min(4, Runtime.getRuntime().availableProcessors()), "--threads").label("N")
            .help("Reader threads (default: the number of CPUs, at most 4).");

    /** A row: one process or a sum. */
    record Row(String pid, String user, String command, String container, long swap, long uss, long pss, long rss, int count) {}

    TopCommand() {
        super("top", "smem for every process: swap, USS, PSS and RSS, with each process's container.",
                "One smaps_rollup read per process; rows per process, container or user, with totals.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope mem top                          every process, biggest PSS first",
                "  boxscope mem top --pid 4242               one process",
                "  boxscope mem top --by container           one line per container",
                "  boxscope mem top --container web          only the processes of container web",
                "  boxscope mem top --filter java --sort uss",
                "  boxscope mem top --json                   exact kB for scripts");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        Pattern p = null;
        if (filter.value() != null) {
            try {
                p = Pattern.compile(filter.value());
            } catch (PatternSyntaxException e) {
                throw new UsageException("--filter: not a regular expression: " + e.getDescription());
            }
        }
        if (threads.value() < 1) {
            throw new UsageException("--threads: must be at least 1, not " + threads.value());
        }
        if (g.pid() != null && g.container() != null) {
            throw new UsageException("give --pid or --container, not both");
        }
        List<Integer> pids;
        if (g.container() != null) {
            ContainerInfo c = ContainerDiscovery.of(g.paths()).locate(g.container());
            pids = c.pids();
        } else if (g.pid() != null) {
            // One process; a PID that does not exist is an error, not an empty table (a kernel
            // thread or zombie gives an empty one, counted in the footer). A thread id means its
            // process, as in pmap: /proc/TID exists but is not listed, and its memory is the process's.
            if (!Files.isDirectory(g.paths().procRoot().resolve(Integer.toString(g.pid())))) {
                throw new NoSuchProcessException(g.pid(), g.paths().procRoot().toString());
            }
            int tgid = new ProcMemReader(g.paths()).status(g.pid()).tgid();
            pids = List.of(tgid > 0 ? tgid : g.pid());
        } else {
            pids = MemTop.pids(g.paths());
        }
        // Each process's container comes from the same pass; the runtimes are asked for names only
        // when some process is in a container.
        MemTop.Scan scan = MemTop.scan(new ProcMemReader(g.paths()), pids, threads.value());
        Map<String, String> containerNames = MemTop.containerNames(scan);
        Map<Integer, String> users;
        try {
            users = Passwd.read(g.paths());
        } catch (IOException e) {
            users = Map.of();
            err().println("notice: no user names (" + Text.safe(e.toString()) + "): showing uids");
        }
        List<Row> rows = new ArrayList<>();
        for (ProcessMemory m : scan.processes()) {
            if (p != null && !p.matcher(m.command()).find()) {
                continue;
            }
            rows.add(new Row(Integer.toString(m.pid()), users.getOrDefault(m.uid(), Integer.toString(m.uid())), m.command(),
                    MemTop.containerLabel(m.container(), containerNames), m.swap(), m.uss(), m.pss(), m.rss(), 1));
        }
        rows = switch (by.value()) {
            case process -> rows;
            case container -> sum(rows, Row::container);
            case user -> sum(rows, Row::user);
        };
        rows.sort(order());
        Row total = new Row("", "", "", "", rows.stream().mapToLong(Row::swap).sum(), rows.stream().mapToLong(Row::uss).sum(),
                rows.stream().mapToLong(Row::pss).sum(), rows.stream().mapToLong(Row::rss).sum(), rows.stream().mapToInt(Row::count).sum());
        PrintWriter out = out();
        if (g.json()) {
            Map<String, Object> o = Json.object();
            o.put("by", by.value().name());
            o.put("unit", "kB");
            o.put("rows", rows.stream().map(r -> json(r, by.value())).toList());
            o.put("total", json(total, by.value()));
            o.put("skipped_exited", scan.exited());
            o.put("skipped_permission_denied", scan.denied());
            o.put("skipped_unparsable", scan.unparsable());
            o.put("kernel_threads", scan.kernelThreads());
            out.println(Json.pretty(o));
            return ExitCode.OK;
        }
        List<String> header = switch (by.value()) {
            case process -> List.of("PID", "USER", "COMMAND", "CONTAINER", "SWAP", "USS", "PSS", "RSS");
            case container -> List.of("CONTAINER", "PROCS", "SWAP", "USS", "PSS", "RSS");
            case user -> List.of("USER", "PROCS", "SWAP", "USS", "PSS", "RSS");
        };
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(cells(r, by.value()));
        }
        out.print(Table.render(header, cells, cells(total, by.value()), by.value() == By.process ? 4 : 1));
        List<String> notes = new ArrayList<>();
        if (scan.exited() > 0) {
            notes.add(scan.exited() + " exited during the scan");
        }
        if (scan.denied() > 0) {
            notes.add(scan.denied() + " could not be read (permission denied: " + PrivilegeException.advice() + ")");
        }
        if (scan.unparsable() > 0) {
            notes.add(scan.unparsable() + " had unreadable smaps");
        }
        out.println(rows.size() + " rows, " + total.count() + " processes (" + scan.kernelThreads() + " without user memory (kernel threads, zombies) left out"
                + (notes.isEmpty() ? "" : "; skipped: " + String.join(", ", notes)) + "). Sizes like smem -k; exact kB with --json.");
        return ExitCode.OK;
    }

    private static List<Row> sum(List<Row> rows, java.util.function.Function<Row, String> key) {
        Map<String, Row> m = new LinkedHashMap<>();
        for (Row r : rows) {
            String k = key.apply(r);
            Row prev = m.get(k);
            m.put(k, prev == null ? new Row("", r.user(), "", r.container(), r.swap(), r.uss(), r.pss(), r.rss(), 1)
                    : new Row("", prev.user(), "", prev.container(), prev.swap() + r.swap(), prev.uss() + r.uss(),
                            prev.pss() + r.pss(), prev.rss() + r.rss(), prev.count() + 1));
        }
        return new ArrayList<>(m.values());
    }

    /**
     * The rows' order. Written as plain comparisons, not Comparator.comparing(...): those factories'
     * lambdas live in java.util.Comparator and are spun at run time (the AOT cache does not keep
     * them), which costs a cold mem top a few milliseconds.
     */
    private Comparator<Row> order() {
        Key key = sort.value();
        int sign = reverse.value() ? -1 : 1;
        return (a, b) -> sign * switch (key) {
            case pid -> Long.compare(pidOf(a), pidOf(b));
            case user -> a.user().compareTo(b.user());
            case command -> a.command().compareTo(b.command());
            case container -> a.container().compareTo(b.container());
            case swap -> Long.compare(b.swap(), a.swap());
            case uss -> Long.compare(b.uss(), a.uss());
            case pss -> Long.compare(b.pss(), a.pss());
            case rss -> Long.compare(b.rss(), a.rss());
        };
    }

    private static long pidOf(Row r) {
        return r.pid().isEmpty() ? 0 : Long.parseLong(r.pid());
    }

    private static List<String> cells(Row r, By by) {
        List<String> sizes = List.of(Units.smem(r.swap()), Units.smem(r.uss()), Units.smem(r.pss()), Units.smem(r.rss()));
        List<String> out = new ArrayList<>();
        switch (by) {
            case process -> out.addAll(List.of(r.pid(), r.user(), abbreviate(r.command(), 48), r.container()));
            case container -> out.addAll(List.of(r.container(), Integer.toString(r.count())));
            case user -> out.addAll(List.of(r.user(), Integer.toString(r.count())));
        }
        out.addAll(sizes);
        return out;
    }

    private static Map<String, Object> json(Row r, By by) {
        Map<String, Object> o = Json.object();
        switch (by) {
            case process -> {
                if (!r.pid().isEmpty()) {
                    o.put("pid", Integer.parseInt(r.pid()));
                    o.put("user", r.user());
                    o.put("command", r.command());
                    o.put("container", r.container().equals("-") ? null : r.container());
                }
            }
            case container -> o.put("container", r.container().equals("-") ? null : r.container());
            case user -> o.put("user", r.user());
        }
        o.put("processes", r.count());
        o.put("swap_kb", r.swap());
        o.put("uss_kb", r.uss());
        o.put("pss_kb", r.pss());
        o.put("rss_kb", r.rss());
        return o;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
