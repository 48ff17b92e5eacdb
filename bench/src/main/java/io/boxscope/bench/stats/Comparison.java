package io.boxscope.bench.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The change from a baseline A to a result B of one metric, in percent of A's mean, with the 95%
 * confidence interval of the difference of means and the p-value of Welch's t-test (unequal
 * variances, Welch–Satterthwaite degrees of freedom). Two things make the test usable on benchmark
 * runs:
 * <ul>
 * <li>a floor on each side's standard deviation, {@link #FLOOR} of its mean: runs that all print
 * the same figure (a rounded rate, a count) have zero variance, and without a floor any
 * difference at all would be "significant" with an interval of zero width;</li>
 * <li>{@link #holm}: when several metrics are compared at once, the p-values are corrected by
 * Holm–Bonferroni, so that the chance of calling at least one unchanged metric changed stays at
 * 5% ({@code pAdjusted}; {@link #significant} uses it).</li>
 * </ul>
 * With a single run on either side there is no interval and no test.
 */
public record Comparison(double changePercent, double ciLowPercent, double ciHighPercent, boolean hasInterval,
        double pValue, double pAdjusted) {
    /** Each side's standard deviation is taken as at least this fraction of its mean (0.5%). */
    public static final double FLOOR = 0.005;
    public static final double ALPHA = 0.05;

    public static Comparison of(Summary a, Summary b) {
        double change = a.mean() == 0 ? Double.NaN : (b.mean() - a.mean()) / Math.abs(a.mean()) * 100;
        if (a.n() < 2 || b.n() < 2) {
            return new Comparison(change, Double.NaN, Double.NaN, false, Double.NaN, Double.NaN);
        }
        double sa = Math.max(a.stddev(), FLOOR * Math.abs(a.mean()));
        double sb = Math.max(b.stddev(), FLOOR * Math.abs(b.mean()));
        double va = sa * sa / a.n();
        double vb = sb * sb / b.n();
        double se = Math.sqrt(va + vb);
        double diff = b.mean() - a.mean();
        double lo;
        double hi;
        double p;
        if (se == 0) { // both means are 0
            lo = diff;
            hi = diff;
            p = diff == 0 ? 1 : 0;
        } else {
            double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
            double half = StudentT.critical95(df) * se;
            lo = diff - half;
            hi = diff + half;
            p = StudentT.twoSidedP(diff / se, df);
        }
        double scale = a.mean() == 0 ? Double.NaN : 100 / Math.abs(a.mean());
        return new Comparison(change, lo * scale, hi * scale, true, p, p);
    }

    /**
     * Holm–Bonferroni over all {@code comparisons} made together: sorted by p-value, the i-th
     * smallest (from 0) is multiplied by (m - i), made no smaller than the one before, and capped
     * at 1. Comparisons without a test keep NaN and do not count in m.
     */
    public static List<Comparison> holm(List<Comparison> comparisons) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < comparisons.size(); i++) {
            if (comparisons.get(i).hasInterval()) {
                tested.add(i);
            }
        }
        tested.sort(Comparator.comparingDouble(i -> comparisons.get(i).pValue()));
        List<Comparison> out = new ArrayList<>(comparisons);
        int m = tested.size();
        double running = 0;
        for (int k = 0; k < m; k++) {
            Comparison c = comparisons.get(tested.get(k));
            running = Math.max(running, Math.min(1, c.pValue() * (m - k)));
            out.set(tested.get(k), new Comparison(c.changePercent(), c.ciLowPercent(), c.ciHighPercent(), true, c.pValue(),
                    running));
        }
        return out;
    }

    /** True when there is a test and its (corrected) p-value is below 5%. */
    public boolean significant() {
        return hasInterval && pAdjusted < ALPHA;
    }
}
