package io.boxscope.cli.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.probe.list.ListedProbe;
import io.boxscope.probe.list.Listing;
import io.boxscope.probe.list.ProbeListException;
import io.boxscope.probe.list.ProbeLister;
import io.boxscope.proc.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code boxscope probe}: the bpftrace-class front end. Today it lists probes ({@code -l}, like
 * {@code bpftrace -l}); running programs ({@code -e}, files) is the probe language, not written yet.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"bpftrace-style probes. -l lists the probes matching PATTERN with the names bpftrace prints:",
                "tracepoint:SYSTEM:EVENT, rawtracepoint:NAME, uprobe:FILE:FUNCTION, uretprobe:..., software:EVENT:.",
                "Running programs (-e PROGRAM, a program FILE) is not implemented yet."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope probe -l 'tracepoint:syscalls:sys_enter_*'     syscall entry tracepoints",
                "  boxscope probe -lv tracepoint:sched:sched_switch        with its args (as bpftrace -lv)",
                "  boxscope probe -l 'rawtracepoint:sched_*'               raw tracepoints (from kernel BTF)",
                "  boxscope probe -lv rawtracepoint:sched_switch           with its BTF argument types",
                "  boxscope probe -l 'uprobe:/lib/x86_64-linux-gnu/libc.so.6:mall*'   functions of a library",
                "  boxscope probe -l 'uprobe:libc:*'                       library by name, like bpftrace",
                "  boxscope probe -l 'software:*'                          perf software events",
                "  boxscope probe -l '*sched_switch*'                      any provider",
                "  boxscope probe -l --json 'tracepoint:sched:*' | jq -r '.probes[].name'"})
public final class ProbeCommand implements Callable<Integer> {
    static final String NOT_YET = "not implemented yet: the probe language (boxscope probe -e PROGRAM, boxscope probe FILE) "
            + "is planned (issue 3) and cannot run anything today; only listing works: boxscope probe -l [PATTERN]";

    @Spec
    CommandSpec spec;

    @Option(names = {"-l", "--list"}, description = "List probes matching PATTERN (default: every tracepoint, raw tracepoint "
            + "and software event).")
    boolean list;

    @Option(names = {"-v", "--verbose"}, description = "With -l: also print each tracepoint's arguments (args->NAME), "
            + "as bpftrace -lv does, and each raw tracepoint's BTF argument types.")
    boolean verbose;

    @Option(names = "-e", paramLabel = "PROGRAM", description = "Run a probe program (not implemented yet).")
    String program;

    @Parameters(arity = "0..1", paramLabel = "PATTERN|FILE",
            description = "With -l, a probe pattern with * and ? wildcards; otherwise a program file (not implemented yet).")
    String pattern;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!list) {
            if (program == null && pattern == null) {
                throw new UsageException("probe needs -l [PATTERN] (list probes); try 'boxscope probe --help'");
            }
            err.println("boxscope: " + NOT_YET);
            return ExitCode.FAILURE;
        }
        if (program != null) {
            throw new UsageException("-l lists probes and -e runs a program: give one of them");
        }
        GlobalOptions g = BoxscopeCommand.global(spec);
        Listing listing;
        try {
            listing = new ProbeLister(g.paths().sysRoot()).list(pattern, verbose);
        } catch (ProbeListException e) {
            throw new UsageException(e.getMessage());
        }
        if (g.json()) {
            out.println(Json.pretty(json(listing)));
            return ExitCode.OK;
        }
        StringBuilder sb = new StringBuilder();
        for (ListedProbe p : listing.probes()) {
            sb.append(Text.safe(p.name())).append('\n');
            for (String a : p.args()) {
                sb.append("    ").append(Text.safe(a)).append('\n');
            }
        }
        out.print(sb);
        out.flush();
        for (String n : listing.notices()) {
            err.println("notice: " + Text.safe(n));
        }
        return ExitCode.OK;
    }

    static Map<String, Object> json(Listing listing) {
        Map<String, Object> o = Json.object();
        o.put("probes", listing.probes().stream().map(p -> {
            Map<String, Object> m = Json.object();
            m.put("type", p.type().label());
            m.put("name", p.name());
            if (!p.args().isEmpty()) {
                m.put("args", p.args());
            }
            return (Object) m;
        }).toList());
        o.put("count", listing.probes().size());
        o.put("notices", List.copyOf(listing.notices()));
        return o;
    }
}
