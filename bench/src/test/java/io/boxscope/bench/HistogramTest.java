package io.boxscope.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void percentileIsTheBucketValueAsInSysbench() {
        // sysbench's mutex fixture: one event of 138.97 ms reports "95th percentile: 139.85"
        Histogram h = new Histogram();
        h.add(138_970_000L);
        assertEquals(139.85, h.percentile(95), 0.005);
    }

    @Test
    void bucketValuesMatchSysbenchHistogramRows() {
        // rows of the captured histogram (cpu-interval-histogram.txt): 0.214, 0.218, 4.252, 51.945
        assertEquals(0.214, Histogram.value(Histogram.bucket(214_000)), 0.0015);
        assertEquals(0.218, Histogram.value(Histogram.bucket(218_500)), 0.0015);
        assertEquals(4.252, Histogram.value(Histogram.bucket(4_250_000)), 0.002);
        assertEquals(51.945, Histogram.value(Histogram.bucket(51_900_000)), 0.01);
    }

    @Test
    void extremesAndEmpty() {
        assertEquals(0, Histogram.bucket(0));
        assertEquals(0, Histogram.bucket(999));
        assertEquals(Histogram.SIZE - 1, Histogram.bucket(Long.MAX_VALUE));
        assertEquals(0, new Histogram().percentile(95));
    }

    @Test
    void percentileWalksTheCounts() {
        Histogram h = new Histogram();
        for (int i = 0; i < 95; i++) {
            h.add(1_000_000); // 1 ms
        }
        for (int i = 0; i < 5; i++) {
            h.add(100_000_000); // 100 ms
        }
        assertEquals(1.0, h.percentile(95), 0.02);
        assertEquals(100.0, h.percentile(96), 1.0);
        assertEquals(100, h.total());
    }
}
