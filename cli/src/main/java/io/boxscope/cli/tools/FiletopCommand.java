package io.boxscope.cli.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.filetop.Filetop;
import io.boxscope.tools.hist.IntervalRun;

/**
 * {@code boxscope filetop}: libbpf-tools' filetop (-a -C -p -r -s, [interval [count]]), its table
 * and widths, on the read/write syscall tracepoints instead of kprobes ({@link Filetop} says what
 * that changes), plus --container and --json (one object per interval). The screen is cleared
 * before each table, as libbpf-tools do with clear(1), unless -C, and only when standard output is
 * a terminal (libbpf-tools run clear(1) into pipes and files too).
 */
public final class FiletopCommand extends IntervalCommand<Filetop.Report> {
    /** What clear(1) writes on ANSI terminals: cursor home, erase the screen. */
    static final String CLEAR = "\033[H\033[2J";

    final Opt<Boolean> all = flag("-a", "--all").help("Include special files");
    final Opt<Boolean> noclear = flag("-C", "--noclear").help("Don't clear the screen");
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new PidConverter())
            .help("Process ID to trace");
    final Opt<Integer> rows = option(Integer.class, 20, "-r", "--rows").label("ROWS").help("Maximum rows to print, default 20");
    final Opt<String> sort = option(String.class, "all", "-s", "--sort").label("SORT")
            .help("Sort columns, default all [all, reads, writes, rbytes, wbytes]");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a table every INTERVAL seconds (default 1), COUNT times (default: until Ctrl-C).");

    public FiletopCommand() {
        super("filetop", "Trace file reads/writes by process (libbpf-tools filetop, on the read, write, pread64 and",
                "pwrite64 syscall tracepoints: no kprobes needed). Needs root (CAP_BPF + CAP_PERFMON).");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope filetop               file I/O top, refresh every 1s",
                "  boxscope filetop -p 1216       only trace PID 1216",
                "  boxscope filetop 5 10          5s summaries, 10 times",
                "  boxscope filetop -C -a -s wbytes -r 10   all files, by bytes written, no clearing",
                "  boxscope filetop --container web -C",
                "  boxscope filetop --json 5 1 | jq -c '.files[] | [.comm, .file, .write_bytes]'");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return ToolCommand.target(g, pid.value());
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), 1);
    }

    @Override
    protected IntervalRun<Filetop.Report> run(GlobalOptions g, ToolTarget target) {
        try {
            return Filetop.run(g.paths().procRoot(), target.pid(), new Filetop.Options(all.value(), Filetop.Sort.parse(sort.value()),
                    rows.value()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()));
        }
    }

    /** libbpf-tools' filetop prints nothing before its first table. */
    @Override
    protected String header(int probes) {
        return "";
    }

    @Override
    protected View<Filetop.Report> view() {
        boolean clear = !noclear.value() && stdoutIsTty();
        return new View<>() {
            @Override
            public void text(Filetop.Report r, Terminal t) {
                // a comm's and a file name's bytes that are not UTF-8 as they are to a file or a pipe (print_stat's
                // printf %s), escaped on a terminal
                t.processText(escape -> (clear ? CLEAR : "") + FiletopCommand.text(r, escape));
            }

            @Override
            public Object json(Filetop.Report r) {
                Map<String, Object> o = Json.object();
                o.put("time", r.time());
                o.put("loadavg", r.loadavg());
                o.put("file_count", r.files());
                List<Object> files = new ArrayList<>();
                for (Filetop.Row row : r.rows()) {
                    Map<String, Object> f = Json.object();
                    f.put("tid", row.tid());
                    f.put("pid", row.pid());
                    f.put("comm", row.comm());
                    f.put("reads", row.reads());
                    f.put("writes", row.writes());
                    f.put("read_bytes", row.readBytes());
                    f.put("write_bytes", row.writeBytes());
                    f.put("type", String.valueOf(row.type()));
                    f.put("dev", row.dev());
                    f.put("rdev", row.rdev());
                    f.put("inode", row.inode());
                    f.put("file", row.file());
                    files.add(f);
                }
                o.put("files", files);
                return o;
            }
        };
    }

    /**
     * libbpf-tools filetop's print_stat(): the time and /proc/loadavg (whose own newline makes a blank
     * line follow), the header, the rows (KB rounded down) and a blank line.
     */
    static String text(Filetop.Report r, java.util.function.UnaryOperator<String> escape) {
        StringBuilder sb = new StringBuilder();
        if (r.loadavg() != null) {
            sb.append(String.format(Locale.ROOT, "%8s loadavg: %s%n%n", r.time(), r.loadavg()));
        }
        sb.append(String.format(Locale.ROOT, "%-7s %-16s %-6s %-6s %-7s %-7s %1s %s%n", "TID", "COMM", "READS", "WRITES", "R_Kb", "W_Kb",
                "T", "FILE"));
        for (Filetop.Row row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%-7d %-16s %-6d %-6d %-7d %-7d %c %s%n", row.tid(), escape.apply(row.comm()), row.reads(),
                    row.writes(), row.readBytes() / 1024, row.writeBytes() / 1024, row.type(), escape.apply(row.file())));
        }
        return sb.append(System.lineSeparator()).toString();
    }
}
