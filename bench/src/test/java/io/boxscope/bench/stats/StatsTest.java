package io.boxscope.bench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void tTable() {
        assertEquals(12.706, StudentT.critical95(1), 1e-9);
        assertEquals(2.776, StudentT.critical95(4), 1e-9);
        assertEquals(2.228, StudentT.critical95(10), 1e-9);
        assertEquals(2.042, StudentT.critical95(30), 1e-9);
        assertEquals(2.000, StudentT.critical95(60), 1e-9);
        // between rows: t(50) is 2.009 in full tables
        assertEquals(2.009, StudentT.critical95(50), 0.002);
        assertEquals(1.96, StudentT.critical95(1e9), 0.001);
        // Welch's fractional degrees of freedom interpolate: t(4.5) lies between t(4) and t(5)
        double t45 = StudentT.critical95(4.5);
        assertTrue(t45 < 2.776 && t45 > 2.571);
    }

    @Test
    void summaryMeanStddevAndInterval() {
        Summary s = Summary.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0));
        assertEquals(3, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), s.stddev(), 1e-12);
        double half = 2.776 * Math.sqrt(2.5) / Math.sqrt(5);
        assertEquals(3 - half, s.ciLow(), 1e-9);
        assertEquals(3 + half, s.ciHigh(), 1e-9);
        Summary one = Summary.of(List.of(7.0));
        assertFalse(one.hasInterval());
        assertEquals(7, one.mean());
    }

    @Test
    void comparisonSignificance() {
        Summary a = Summary.of(List.of(100.0, 101.0, 99.0, 100.0, 100.0));
        Summary half = Summary.of(List.of(50.0, 51.0, 49.0, 50.0, 50.0));
        Comparison c = Comparison.of(a, half);
        assertEquals(-50, c.changePercent(), 1e-9);
        assertTrue(c.significant());
        assertTrue(c.ciLowPercent() < -50 && c.ciHighPercent() > -50);

        Summary noisy = Summary.of(List.of(90.0, 110.0, 100.0, 95.0, 106.0));
        Comparison n = Comparison.of(a, noisy);
        assertFalse(n.significant(), "an interval spanning zero is no significant difference");

        Comparison single = Comparison.of(Summary.of(List.of(1.0)), Summary.of(List.of(2.0)));
        assertFalse(single.hasInterval());
        assertFalse(single.significant());
        assertEquals(100, single.changePercent(), 1e-9);
    }

    @Test
    void pValuesMatchTheTable() {
        // the 0.975 quantiles of the table are exactly where the two-sided p is 0.05
        assertEquals(0.05, StudentT.twoSidedP(12.706, 1), 1e-4);
        assertEquals(0.05, StudentT.twoSidedP(2.228, 10), 1e-4);
        assertEquals(0.05, StudentT.twoSidedP(-2.042, 30), 1e-4);
        assertEquals(0.05, StudentT.twoSidedP(1.95996, 1e7), 1e-4);
        assertEquals(1.0, StudentT.twoSidedP(0, 5), 1e-12);
        // t = 1 with 1 df: P(|T| >= 1) for the Cauchy distribution is exactly 1/2
        assertEquals(0.5, StudentT.twoSidedP(1, 1), 1e-9);
        assertEquals(0, StudentT.twoSidedP(Double.POSITIVE_INFINITY, 3));
    }

    @Test
    void zeroVarianceOnBothSidesIsStillATest() {
        Summary a = Summary.of(List.of(100.0, 100.0, 100.0));
        Summary same = Summary.of(List.of(100.0, 100.0, 100.0));
        Summary tenPercent = Summary.of(List.of(110.0, 110.0, 110.0));
        Summary tiny = Summary.of(List.of(100.1, 100.1, 100.1));
        Comparison eq = Comparison.of(a, same);
        assertTrue(eq.hasInterval());
        assertEquals(1.0, eq.pValue(), 1e-12);
        assertFalse(eq.significant(), "equal runs: no significant difference");
        assertTrue(eq.ciLowPercent() < 0 && eq.ciHighPercent() > 0, "the floor gives the interval a width");
        assertTrue(Comparison.of(a, tenPercent).significant(), "10% apart, every run alike: a real change");
        assertFalse(Comparison.of(a, tiny).significant(), "0.1% apart is inside the 0.5% floor");
    }

    @Test
    void manyMetricsAreCorrectedForHowManyThereAre() {
        // twenty metrics, each with p just under 0.05: uncorrected, each would be "significant"
        Summary a = Summary.of(List.of(100.0, 102.0, 98.0, 101.0, 99.0));
        Summary b = Summary.of(List.of(103.0, 105.0, 101.0, 104.0, 102.5));
        Comparison one = Comparison.of(a, b);
        assertTrue(one.pValue() < 0.05 && one.pValue() > 0.005, "p=" + one.pValue());
        assertTrue(one.significant());
        List<Comparison> twenty = Comparison.holm(java.util.Collections.nCopies(20, one));
        for (Comparison c : twenty) {
            assertFalse(c.significant(), "p=" + c.pValue() + " corrected to " + c.pAdjusted());
            assertEquals(Math.min(1, one.pValue() * 20), c.pAdjusted(), 1e-12);
        }
        // Holm: the smallest p times m, the next times m-1, never below the one before
        Comparison strong = Comparison.of(a, Summary.of(List.of(150.0, 151.0, 149.0, 150.5, 150.0)));
        List<Comparison> mixed = Comparison.holm(List.of(one, strong, Comparison.of(Summary.of(List.of(1.0)), Summary.of(List.of(2.0)))));
        assertTrue(mixed.get(1).significant());
        assertEquals(Math.max(mixed.get(1).pAdjusted(), Math.min(1, one.pValue() * 1)), mixed.get(0).pAdjusted(), 1e-12);
        assertFalse(mixed.get(2).hasInterval());
        assertTrue(Double.isNaN(mixed.get(2).pAdjusted()));
    }
}
