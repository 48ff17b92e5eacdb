package io.boxscope.diagnose.report;

import java.util.List;
import java.util.Locale;

/** Small inline SVG charts: no script, no external resource, so the report renders anywhere offline. */
final class Svg {
    static final int W = 640;
    static final int H = 180;
    static final int PAD_L = 56;
    static final int PAD_B = 24;
    /** The plot's top: the legend's row is above it. */
    static final int PAD_T = 20;
    /** The widest a character of the charts' 11px labels is taken to be, in px (digits and letters of system-ui). */
    static final int CHAR_W = 7;

    private Svg() {}

    /** A series to draw: its points (x in seconds, y in the chart's unit), colour and label. */
    record Series(String label, String colour, double[] xs, double[] ys, boolean dashed) {}

    /**
     * A line chart of several series over a shared x axis; {@code unit} formats the y-axis labels. The left margin
     * fits the longest y label (11px text, at most {@link #CHAR_W} px a character: {@code 281.6 MiB} needs ~60 px, more
     * than a fixed margin gave), and the legend sits above the plot, where no line can cross it: inside, at the top,
     * it lay across a limit drawn at the maximum and across the highest points of the series.
     */
    static String lines(String title, List<Series> series, double maxX, double maxY, java.util.function.DoubleFunction<String> unit) {
        double mx = maxX <= 0 ? 1 : maxX;
        double my = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
                Html.text(title), W, H, W, H));
        String[] ylabels = new String[5];
        int longest = 0;
        for (int i = 0; i <= 4; i++) {
            ylabels[i] = unit.apply(my * i / 4);
            longest = Math.max(longest, ylabels[i].length());
        }
        int padL = Math.max(PAD_L, 10 + CHAR_W * longest);
        int plotW = W - padL - 8;
        int plotH = H - PAD_B - PAD_T;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"plot\"/>", padL, PAD_T, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double y = PAD_T + plotH - plotH * i / 4.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", padL, padL + plotW, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"ylab\">%s</text>", padL - 4, y + 4, Html.text(ylabels[i])));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xlab\">0 s</text>", padL, H - 6));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xlab end\">%.1f s</text>", padL + plotW, H - 6, mx));
        int legendX = padL;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                double x = padL + plotW * Math.min(1, s.xs()[i] / mx);
                double y = PAD_T + plotH - plotH * Math.min(1, Math.max(0, s.ys()[i] / my));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                    s.colour(), s.dashed() ? " stroke-dasharray=\"6 4\"" : "", pts.toString().strip()));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"13\" class=\"legend\">%s</text>",
                    legendX, s.colour(), legendX + 14, Html.text(s.label())));
            legendX += 24 + CHAR_W * s.label().length();
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
