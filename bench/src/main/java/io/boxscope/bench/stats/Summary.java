package io.boxscope.bench.stats;

import java.util.List;

/**
 * Mean, sample standard deviation and the 95% confidence interval of the mean (Student t, n-1
 * degrees of freedom) of repeated measurements. With one value the interval is unknown (NaN).
 */
public record Summary(int n, double mean, double stddev, double ciLow, double ciHigh) {
    public static Summary of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double m = 0;
        for (double v : values) {
            m += v;
        }
        m /= n;
        if (n == 1) {
            return new Summary(1, m, 0, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double half = StudentT.critical95(n - 1) * sd / Math.sqrt(n);
        return new Summary(n, m, sd, m - half, m + half);
    }

    public boolean hasInterval() {
        return n > 1;
    }
}
