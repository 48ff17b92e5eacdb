package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.report.CompareDocuments;
import io.boxscope.bench.stats.Comparison;
import io.boxscope.bench.report.CompareDocuments.Row;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.json.Json;
import io.boxscope.proc.json.JsonException;

final class CompareBench extends CliCommand {
    final Opt<Path> a = positional(Path.class, null).index("0").label("A.json").required()
            .help("The baseline.");

    final Opt<Path> b = positional(Path.class, null).index("1").label("B.json").required()
            .help("The result to compare with the baseline.");

    CompareBench() {
        super("compare", "Compare two results saved with --save: each metric's change in percent with its 95%% confidence",
                "interval (Welch's t), 'no significant difference' where the interval spans zero, and a warning when",
                "the environments (CPU, limits, kernel, options) differ.");
        globals("--json");
        examples("  boxscope bench cpu --runs 5 --save before.json",
                "  docker update --cpus 0.5 web; boxscope --container web bench cpu --runs 5 --save after.json",
                "  boxscope bench compare before.json after.json");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path p) throws IOException {
        try {
            Object o = Json.parse(Files.readString(p, StandardCharsets.UTF_8));
            if (!(o instanceof Map<?, ?> m)) {
                throw new UsageException(p + " is not a saved benchmark (expected a JSON object)");
            }
            return (Map<String, Object>) m;
        } catch (NoSuchFileException e) {
            throw new io.boxscope.cli.NotFoundException("no such file: " + p);
        } catch (JsonException e) {
            throw new UsageException(p + " is not valid JSON: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws IOException {
        CompareDocuments.Result r;
        try {
            r = CompareDocuments.compare(load(a.value()), load(b.value()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return show(new Compared(a.value(), b.value(), r), VIEW);
    }

    /** A p-value as people read it: 3 significant digits, "<0.001" below that. */
    static String p(double p) {
        return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    /** The comparison of two saved files. */
    record Compared(Path a, Path b, CompareDocuments.Result result) {}

    /** One line per metric with the verdict, then the environment differences; JSON: the same figures. */
    static final View<Compared> VIEW = new View<>() {
        @Override
        public void text(Compared cmp, Terminal t) {
            PrintWriter out = t.out();
            CompareDocuments.Result r = cmp.result();
            out.printf("Comparing %s (A) with %s (B), test %s%n%n", Text.safe(cmp.a().toString()), Text.safe(cmp.b().toString()), Text.safe(r.test()));
            out.printf(Locale.ROOT, "%-26s %14s %14s %9s  %s%n", "metric", "A", "B", "change", "95% CI of change");
            for (Row row : r.rows()) {
                var c = row.change();
                String verdict;
                if (!c.hasInterval()) {
                    verdict = "no interval (single run: use --runs N on both sides)";
                } else if (!c.significant()) {
                    verdict = String.format(Locale.ROOT, "[%+.1f%%, %+.1f%%] no significant difference (p=%s)", c.ciLowPercent(),
                            c.ciHighPercent(), p(c.pAdjusted()));
                } else {
                    boolean better = (c.changePercent() > 0) != row.lowerIsBetter();
                    verdict = String.format(Locale.ROOT, "[%+.1f%%, %+.1f%%] %s (p=%s)", c.ciLowPercent(), c.ciHighPercent(),
                            better ? "better" : "worse", p(c.pAdjusted()));
                }
                out.printf(Locale.ROOT, "%-26s %14.2f %14.2f %+8.1f%%  %s%n", Text.safe(row.metric()), row.a().mean(), row.b().mean(),
                        c.changePercent(), verdict);
            }
            out.printf(Locale.ROOT, "%np: Welch's t-test, Holm-corrected over the %d metrics compared; "
                    + "each side's stddev taken as at least %.1f%% of its mean%n", r.rows().size(), Comparison.FLOOR * 100);
            if (!r.differences().isEmpty()) {
                out.println();
                out.println("WARNING: the environments differ; the change may come from these:");
                for (String d : r.differences()) {
                    out.println("    " + Text.safe(d));
                }
            }
        }

        @Override
        public Object json(Compared cmp) {
            CompareDocuments.Result r = cmp.result();
            Map<String, Object> doc = Json.object();
            doc.put("test", r.test());
            doc.put("a", cmp.a().toString());
            doc.put("b", cmp.b().toString());
            List<Object> rows = new ArrayList<>();
            for (Row row : r.rows()) {
                Map<String, Object> m = Json.object();
                m.put("metric", row.metric());
                m.put("a_mean", row.a().mean());
                m.put("a_runs", row.a().n());
                m.put("b_mean", row.b().mean());
                m.put("b_runs", row.b().n());
                m.put("change_percent", finite(row.change().changePercent()));
                m.put("ci95_low_percent", row.change().hasInterval() ? finite(row.change().ciLowPercent()) : null);
                m.put("ci95_high_percent", row.change().hasInterval() ? finite(row.change().ciHighPercent()) : null);
                m.put("p_value", row.change().hasInterval() ? finite(row.change().pValue()) : null);
                m.put("p_holm", row.change().hasInterval() ? finite(row.change().pAdjusted()) : null);
                m.put("significant", row.change().significant());
                m.put("lower_is_better", row.lowerIsBetter());
                rows.add(m);
            }
            doc.put("metrics", rows);
            doc.put("environment_differences", r.differences());
            return doc;
        }
    };

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
