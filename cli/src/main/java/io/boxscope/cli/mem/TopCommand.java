package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Table;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.View;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.MemTopReport;
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
        if (g.pid() != null && scan.denied() > 0) {
            // The one process asked for is denied: say so as mem rollup does (exit 3 as nobody), not a table
            // whose only content is the footer's "skipped: 1 could not be read" and exit 0.
            throw new java.nio.file.AccessDeniedException(
                    g.paths().procRoot().resolve(Integer.toString(pids.getFirst())).resolve("smaps_rollup").toString());
        }
        Map<String, String> containerNames = MemTop.containerNames(scan);
        Map<Integer, String> users;
        try {
            users = Passwd.read(g.paths());
        } catch (IOException e) {
            users = Map.of();
            err().println("notice: no user names (" + Text.safe(e.toString()) + "): showing uids");
        }
        MemTopReport report = MemTopReport.of(scan, containerNames, users, p,
                MemTopReport.By.valueOf(by.value().name().toUpperCase(Locale.ROOT)),
                MemTopReport.Key.valueOf(sort.value().name().toUpperCase(Locale.ROOT)), reverse.value());
        return show(report, VIEW);
    }

    /** smem's columns (sizes like smem -k) and a footer with what was skipped; JSON in exact kB. */
    static final View<MemTopReport> VIEW = new View<>() {
        @Override
        public void text(MemTopReport report, Terminal t) {
            MemTopReport.By by = report.by();
            List<String> header = switch (by) {
                case PROCESS -> List.of("PID", "USER", "COMMAND", "CONTAINER", "SWAP", "USS", "PSS", "RSS");
                case CONTAINER -> List.of("CONTAINER", "PROCS", "SWAP", "USS", "PSS", "RSS");
                case USER -> List.of("USER", "PROCS", "SWAP", "USS", "PSS", "RSS");
            };
            List<List<String>> cells = new ArrayList<>();
            for (MemTopReport.Row r : report.rows()) {
                cells.add(cells(r, by));
            }
            PrintWriter out = t.out();
            out.print(Table.render(header, cells, cells(report.total(), by), by == MemTopReport.By.PROCESS ? 4 : 1));
            MemTop.Scan scan = report.scan();
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
            out.println(io.boxscope.cli.Text.count(report.rows().size(), "row", "rows") + ", "
                    + io.boxscope.cli.Text.count(report.total().count(), "process", "processes") + " (" + scan.kernelThreads()
                    + " without user memory (kernel threads, zombies) left out"
                    + (notes.isEmpty() ? "" : "; skipped: " + String.join(", ", notes)) + "). Sizes like smem -k; exact kB with --json.");
        }

        @Override
        public Object json(MemTopReport report) {
            MemTop.Scan scan = report.scan();
            Map<String, Object> o = Json.object();
            o.put("by", report.by());
            o.put("unit", "kB");
            o.put("rows", report.rows().stream().map(r -> json(r, report.by())).toList());
            o.put("total", json(report.total(), report.by()));
            o.put("skipped_exited", scan.exited());
            o.put("skipped_permission_denied", scan.denied());
            o.put("skipped_unparsable", scan.unparsable());
            o.put("kernel_threads", scan.kernelThreads());
            return o;
        }

        private static Map<String, Object> json(MemTopReport.Row r, MemTopReport.By by) {
            Map<String, Object> o = Json.object();
            switch (by) {
                case PROCESS -> {
                    if (r.pid() != 0) {
                        o.put("pid", r.pid());
                        o.put("user", r.user());
                        o.put("command", r.command());
                        o.put("container", r.container().equals("-") ? null : r.container());
                    }
                }
                case CONTAINER -> o.put("container", r.container().equals("-") ? null : r.container());
                case USER -> o.put("user", r.user());
            }
            o.put("processes", r.count());
            o.put("swap_kb", r.swapKb());
            o.put("uss_kb", r.ussKb());
            o.put("pss_kb", r.pssKb());
            o.put("rss_kb", r.rssKb());
            return o;
        }
    };

    private static List<String> cells(MemTopReport.Row r, MemTopReport.By by) {
        List<String> sizes = List.of(Units.smem(r.swapKb()), Units.smem(r.ussKb()), Units.smem(r.pssKb()), Units.smem(r.rssKb()));
        List<String> out = new ArrayList<>();
        switch (by) {
            case PROCESS -> out.addAll(List.of(r.pid() == 0 ? "" : Integer.toString(r.pid()), r.user(), abbreviate(r.command(), 48),
                    r.container()));
            case CONTAINER -> out.addAll(List.of(r.container(), Integer.toString(r.count())));
            case USER -> out.addAll(List.of(r.user(), Integer.toString(r.count())));
        }
        out.addAll(sizes);
        return out;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
