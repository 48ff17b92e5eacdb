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

    /**
     * The two-sided p-value of a t statistic with {@code df} degrees of freedom:
     * P(|T| >= |t|) = I(df / (df + t^2); df/2, 1/2), the regularized incomplete beta function.
     */
    public static double twoSidedP(double t, double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
        }
        if (Double.isInfinite(t)) {
            return 0;
        }
        return incompleteBeta(df / (df + t * t), df / 2, 0.5);
    }

    /** I_x(a, b) by its continued fraction (Lentz's method), with the symmetry for x above the mean. */
    static double incompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - front * fraction(1 - x, b, a) / b;
        }
        return front * fraction(x, a, b) / a;
    }

    private static double fraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, nine coefficients). */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
