package io.boxscope.diagnose.report;

import java.util.List;
import java.util.Locale;

/** Small inline SVG charts: no script, no external resource, so the report renders anywhere offline. */
final class Svg {
    static final int W = 640;
    static final int H = 180;
    static final int PAD_L = 56;
    static final int PAD_B = 24;

    private Svg() {}

    /** A series to draw: its points (x in seconds, y in the chart's unit), colour and label. */
    record Series(String label, String colour, double[] xs, double[] ys, boolean dashed) {}

    /** A line chart of several series over a shared x axis; {@code unit} formats the y-axis labels. */
    static String lines(String title, List<Series> series, double maxX, double maxY, java.util.function.DoubleFunction<String> unit) {
        double mx = maxX <= 0 ? 1 : maxX;
        double my = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
                Html.text(title), W, H, W, H));
        int plotW = W - PAD_L - 8;
        int plotH = H - PAD_B - 8;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"%d\" class=\"plot\"/>", PAD_L, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double v = my * i / 4;
            double y = 8 + plotH - plotH * i / 4.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", PAD_L, PAD_L + plotW, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"ylab\">%s</text>", PAD_L - 4, y + 4, Html.text(unit.apply(v))));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xlab\">0 s</text>", PAD_L, H - 6));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xlab end\">%.1f s</text>", PAD_L + plotW, H - 6, mx));
        int legendX = PAD_L + 8;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                double x = PAD_L + plotW * Math.min(1, s.xs()[i] / mx);
                double y = 8 + plotH - plotH * Math.min(1, Math.max(0, s.ys()[i] / my));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                    s.colour(), s.dashed() ? " stroke-dasharray=\"6 4\"" : "", pts.toString().strip()));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"14\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"23\" class=\"legend\">%s</text>",
                    legendX, s.colour(), legendX + 14, Html.text(s.label())));
            legendX += 24 + 7 * s.label().length();
        }
        return b.append("</svg>").toString();
    }

    /** Horizontal bars of shares (0..1), one per label. */
    static String bars(String title, List<String> labels, List<Double> shares, List<String> colours) {
        int rowH = 22;
        int h = rowH * labels.size() + 8;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
                Html.text(title), W, h, W, h));
        int barX = 170;
        int barW = W - barX - 60;
        for (int i = 0; i < labels.size(); i++) {
            double share = Math.max(0, Math.min(1, shares.get(i)));
            int y = 4 + i * rowH;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"ylab\">%s</text>", barX - 8, y + 15, Html.text(labels.get(i))));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" class=\"plot\"/>", barX, y + 2, barW));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", barX, y + 2, barW * share, colours.get(i)));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"legend\">%.0f%%</text>", barX + barW + 6, y + 15, 100 * share));
        }
        return b.append("</svg>").toString();
    }

    /** A log2 latency histogram as horizontal bars, one per bucket from the first to the last non-empty one, with counts. */
    static String histogram(String title, io.boxscope.diagnose.LatencyHistogram h) {
        int[] span = h.span();
        long[] b = h.buckets();
        if (span[0] < 0) {
            return "<p>no events in the window</p>";
        }
        long max = 1;
        for (int i = span[0]; i <= span[1]; i++) {
            max = Math.max(max, b[i]);
        }
        int rowH = 18;
        int rows = span[1] - span[0] + 1;
        int h2 = rowH * rows + 8;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
                Html.text(title), W, h2, W, h2));
        int barX = 170;
        int barW = W - barX - 80;
        for (int i = span[0]; i <= span[1]; i++) {
            int y = 4 + (i - span[0]) * rowH;
            String label = i <= 1 ? "0 us" : "[" + us(io.boxscope.diagnose.LatencyHistogram.low(i)) + ", "
                    + us(io.boxscope.diagnose.LatencyHistogram.high(i)) + ")";
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"ylab\">%s</text>", barX - 8, y + 13, Html.text(label)));
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" class=\"plot\"/>", barX, y + 2, barW));
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"#2471a3\"/>", barX, y + 2,
                    barW * (double) b[i] / max));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"legend\">%d</text>", barX + barW + 6, y + 13, b[i]));
        }
        return out.append("</svg>").toString();
    }

    static String us(long us) {
        if (us >= 1_000_000 && us % 1_000_000 == 0) {
            return us / 1_000_000 + " s";
        }
        if (us >= 1_000 && us % 1_000 == 0) {
            return us / 1_000 + " ms";
        }
        return us + " us";
    }
}
