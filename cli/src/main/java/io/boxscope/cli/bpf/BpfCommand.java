package io.boxscope.cli.bpf;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Text;
import io.boxscope.proc.json.Json;

/** eBPF diagnostics: what this kernel lets Boxscope do. */
public final class BpfCommand extends CliCommand {
    public BpfCommand() {
        super("bpf", "eBPF diagnostics for this host.");
        subcommands(FeaturesCommand::new);
        examples("  boxscope bpf features           which program types, maps, helpers and attach kinds work here",
                "  boxscope bpf features --json    the same for scripts");
    }

    @Override
    public Integer call() {
        return requireSubcommand("a subcommand is required: try 'boxscope bpf --help'");
    }

    /** Helpers Boxscope's programs use, probed for tracepoint programs. */
    static final List<Helper> HELPERS = List.of(Helper.MAP_LOOKUP_ELEM, Helper.KTIME_GET_NS, Helper.GET_CURRENT_PID_TGID,
            Helper.GET_CURRENT_COMM, Helper.GET_CURRENT_CGROUP_ID, Helper.CURRENT_TASK_UNDER_CGROUP, Helper.GET_STACKID,
            Helper.PROBE_READ_USER, Helper.PROBE_READ_USER_STR, Helper.PROBE_READ_KERNEL, Helper.RINGBUF_RESERVE,
            Helper.RINGBUF_OUTPUT, Helper.PERF_EVENT_OUTPUT);

    static final class FeaturesCommand extends CliCommand {
        FeaturesCommand() {
            super("features", "Probe the running kernel: program types, map types, helpers (for tracepoint programs)",
                    "attach kinds and BPF cookies per attach kind, each tried for real (never by kernel version). Needs root.");
            examples("  boxscope bpf features", "  boxscope bpf features --json | jq '.[] | select(.supported == false)'");
        }

        record Row(String kind, String name, Support support) {}

        @Override
        public Integer call() {
            List<Row> rows = new ArrayList<>();
            for (ProgramType t : ProgramType.values()) {
                rows.add(new Row("program", lower(t.name()), Features.programType(t)));
            }
            for (MapType t : MapType.values()) {
                rows.add(new Row("map", lower(t.name()), Features.mapType(t)));
            }
            for (Helper h : HELPERS) {
                rows.add(new Row("helper", "bpf_" + h.cName(), Features.helper(ProgramType.TRACEPOINT, h)));
            }
            for (AttachKind k : AttachKind.values()) {
                rows.add(new Row("attach", lower(k.name()), Features.attach(k)));
            }
            for (AttachKind k : AttachKind.values()) {
                rows.add(new Row("cookie", lower(k.name()), Features.cookie(k)));
            }
            PrintWriter out = out();
            if (global().json()) {
                out.println(Json.pretty(rows.stream().map(r -> {
                    Map<String, Object> o = Json.object();
                    o.put("kind", r.kind());
                    o.put("name", r.name());
                    o.put("supported", r.support().isSupported());
                    if (r.support() instanceof Support.Unsupported u) {
                        o.put("reason", u.reason());
                    }
                    return o;
                }).toList()));
            } else {
                out.print(Text.table(List.of("KIND", "NAME", "SUPPORTED", "REASON"), rows.stream().map(r -> List.of(
                        r.kind(), r.name(), r.support().isSupported() ? "yes" : "no",
                        switch (r.support()) {
                            case Support.Supported s -> "";
                            case Support.Unsupported u -> u.reason();
                        })).toList()));
            }
            return ExitCode.OK;
        }

        private static String lower(String s) {
            return s.toLowerCase(Locale.ROOT);
        }
    }
}
