package io.boxscope.bench.stats;

/**
 * Two-sided 95% critical values of Student's t distribution (the 0.975 quantile), from the standard
 * table for 1..30 degrees of freedom, then 40, 60, 120 and infinity; between table rows the value is
 * interpolated linearly in 1/df, which is accurate to about 0.1% for the rows given.
 */
public final class StudentT {
    private static final double[] T975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    private static final double[] TAIL_DF = {30, 40, 60, 120, Double.POSITIVE_INFINITY};
    private static final double[] TAIL_T = {2.042, 2.021, 2.000, 1.980, 1.960};

    private StudentT() {}

    /** t(0.975, df) for df > 0 (fractional df, as from Welch's formula, is interpolated). */
    public static double critical95(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
        }
        if (df <= 1) {
            return T975[0];
        }
        if (df <= 30) {
            int lo = (int) Math.floor(df);
            if (lo == df) {
                return T975[lo - 1];
            }
            return interpolate(lo, T975[lo - 1], lo + 1, T975[lo], df);
        }
        for (int i = 0; i < TAIL_DF.length - 1; i++) {
            if (df <= TAIL_DF[i + 1]) {
                return interpolate(TAIL_DF[i], TAIL_T[i], TAIL_DF[i + 1], TAIL_T[i + 1], df);
            }
        }
        return 1.960;
    }

    private static double interpolate(double d0, double t0, double d1, double t1, double df) {
        double x0 = 1 / d0;
        double x1 = Double.isInfinite(d1) ? 0 : 1 / d1;
        double x = 1 / df;
        return t0 + (t1 - t0) * (x - x0) / (x1 - x0);
    }
}
