package io.boxscope.cli.bpf;

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
import io.boxscope.cli.Terminal;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.proc.Privileges;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
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
        globals("--json");
            examples("  boxscope bpf features", "  boxscope bpf features --json | jq '.[] | select(.supported == false)'");
        }

        record Row(String kind, String name, Support support) {}

        @Override
        public Integer call() {
            // Without the capabilities every probe fails with EPERM: that is a missing privilege to
            // report (exit 3), not a kernel on which nothing is supported.
            Privileges p = Privileges.self();
            if (!p.canTrace()) {
                throw new PrivilegeException("bpf features loads test programs and creates maps, which needs CAP_BPF and"
                        + " CAP_PERFMON (or CAP_SYS_ADMIN): " + PrivilegeException.bpfAdvice(p));
            }
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
            return show(rows, VIEW);
        }

        /** One row per feature: a table, or an array of {kind, name, supported, reason}. */
        static final View<List<Row>> VIEW = new View<>() {
            @Override
            public void text(List<Row> rows, Terminal t) {
                t.out().print(Text.table(List.of("KIND", "NAME", "SUPPORTED", "REASON"), rows.stream().map(r -> List.of(
                        r.kind(), r.name(), r.support().isSupported() ? "yes" : "no",
                        switch (r.support()) {
                            case Support.Supported s -> "";
                            case Support.Unsupported u -> u.reason();
                        })).toList()));
            }

            @Override
            public Object json(List<Row> rows) {
                return rows.stream().map(r -> {
                    Map<String, Object> o = Json.object();
                    o.put("kind", r.kind());
                    o.put("name", r.name());
                    o.put("supported", r.support().isSupported());
                    if (r.support() instanceof Support.Unsupported u) {
                        o.put("reason", u.reason());
                    }
                    return (Object) o;
                }).toList();
            }
        };

        private static String lower(String s) {
            return s.toLowerCase(Locale.ROOT);
        }
    }
}
