package io.boxscope.tools.hist;

/**
 * libbpf-tools' histogram text, character for character: {@code print_log2_hist} and
 * {@code print_linear_hist} of libbpf-tools/trace_helpers.c (iovisor/bcc), which every libbpf-tool
 * with a distribution uses (biolatency, runqlat, cpudist, hardirqs -d, softirqs -d, bitesize, runqlen).
 * Pure: each method returns the text to print.
 *
 * <p>One deliberate difference: libbpf-tools compute the bar as {@code min(val, val_max) * 40 / val_max}
 * in 32-bit unsigned arithmetic, which wraps for counts above about 107 million and then draws a wrong
 * bar; here the product is computed in 64 bits.
 */
public final class HistText {
    private static final int STARS = 40;

    private HistText() {}

    /**
     * {@code print_log2_hist(vals, n, unit)}: nothing when every slot is empty; otherwise a header
     * {@code "     usecs               : count    distribution"} and one line per slot from 0 up to the
     * last non-empty one, {@code low -> high : count |bar|}. Past slot 32 the ranges widen to 20
     * columns, the unit column to 29 and the bar halves to 20 stars, as the C code does.
     */
    public static String log2(Log2Hist hist, String unit) {
        long[] vals = hist.slots();
        int idxMax = -1;
        long valMax = 0;
        for (int i = 0; i < vals.length; i++) {
            if (vals[i] > 0) {
                idxMax = i;
            }
            valMax = Math.max(valMax, vals[i]);
        }
        if (idxMax < 0) {
            return "";
        }
        boolean narrow = idxMax <= 32;
        StringBuilder sb = new StringBuilder();
        sb.append(" ".repeat(narrow ? 5 : 15)).append(padRight(unit, narrow ? 19 : 29)).append(" : count    distribution\n");
        int width = narrow ? 10 : 20;
        int stars = narrow ? STARS : STARS / 2;
        for (int i = 0; i <= idxMax; i++) {
            sb.append(padLeft(Long.toString(Log2Hist.low(i)), width)).append(" -> ")
                    .append(padRight(Long.toString(Log2Hist.high(i)), width)).append(" : ")
                    .append(padRight(Long.toString(vals[i]), 8)).append(" |");
            stars(sb, vals[i], valMax, stars);
            sb.append("|\n");
        }
        return sb.toString();
    }

    /**
     * {@code print_linear_hist(vals, n, base, step, unit)}: the header
     * {@code "     runqlen       : count     distribution"}, then one line per non-empty slot between the
     * first and the last non-empty one, labelled {@code base + i * step}.
     */
    public static String linear(long[] vals, long base, long step, String unit) {
        int idxMin = -1;
        int idxMax = -1;
        long valMax = 0;
        for (int i = 0; i < vals.length; i++) {
            if (vals[i] > 0) {
                idxMax = i;
                if (idxMin < 0) {
                    idxMin = i;
                }
            }
            valMax = Math.max(valMax, vals[i]);
        }
        if (idxMax < 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("     ").append(padRight(unit, 13)).append(" : count     distribution\n");
        for (int i = idxMin; i <= idxMax; i++) {
            if (vals[i] == 0) {
                continue;
            }
            sb.append("        ").append(padRight(Long.toString(base + i * step), 10)).append(" : ")
                    .append(padRight(Long.toString(vals[i]), 8)).append(" |");
            stars(sb, vals[i], valMax, STARS);
            sb.append("|\n");
        }
        return sb.toString();
    }

    /**
     * What libbpf-tools' interval loops print before an interval's histograms: a blank line, then the
     * local time as {@code "%-8s\n"} with -T ({@code time} null without).
     */
    public static String intervalStart(String time) {
        return time == null ? "\n" : "\n" + String.format("%-8s\n", time);
    }

    /** {@code print_stars}: {@code val * width / max} stars, spaces to {@code width}, a '+' past the maximum. */
    private static void stars(StringBuilder sb, long val, long max, int width) {
        int n = (int) (Math.min(val, max) * width / max);
        sb.append("*".repeat(n)).append(" ".repeat(width - n));
        if (val > max) {
            sb.append('+');
        }
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
