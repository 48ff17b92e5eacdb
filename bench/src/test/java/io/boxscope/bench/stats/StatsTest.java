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
}
