package io.boxscope.bench.stats;

/**
 * The change from a baseline A to a result B of one metric, in percent of A's mean, with the 95%
 * confidence interval of the difference of means by Welch's t-test (unequal variances,
 * Welch–Satterthwaite degrees of freedom). The difference is significant when the interval does
 * not contain zero; with a single run on either side there is no interval.
 */
public record Comparison(double changePercent, double ciLowPercent, double ciHighPercent, boolean hasInterval) {
    public static Comparison of(Summary a, Summary b) {
        double change = a.mean() == 0 ? Double.NaN : (b.mean() - a.mean()) / Math.abs(a.mean()) * 100;
        if (a.n() < 2 || b.n() < 2) {
            return new Comparison(change, Double.NaN, Double.NaN, false);
        }
        double va = a.stddev() * a.stddev() / a.n();
        double vb = b.stddev() * b.stddev() / b.n();
        double se = Math.sqrt(va + vb);
        double diff = b.mean() - a.mean();
        double lo;
        double hi;
        if (se == 0) {
            lo = diff;
            hi = diff;
        } else {
            double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
            double half = StudentT.critical95(df) * se;
            lo = diff - half;
            hi = diff + half;
        }
        double scale = a.mean() == 0 ? Double.NaN : 100 / Math.abs(a.mean());
        return new Comparison(change, lo * scale, hi * scale, true);
    }

    /** True when there is an interval and it does not span zero. */
    public boolean significant() {
        return hasInterval && (ciLowPercent > 0 || ciHighPercent < 0);
    }
}
