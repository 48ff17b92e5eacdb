package io.boxscope.diagnose.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Unit;

/** The metric families of one scrape, data points grouped by name in first-seen order. */
final class Families {
    private enum Type { COUNTER, GAUGE, HISTOGRAM }

    private record Family(Type type, String help, Unit unit, List<Object> points) {}

    private final Map<String, Family> byName = new LinkedHashMap<>();

    void counter(String name, String help, Unit unit, Labels labels, double value) {
        family(name, Type.COUNTER, help, unit).add(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void gauge(String name, String help, Unit unit, Labels labels, double value) {
        family(name, Type.GAUGE, help, unit).add(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    /**
     * A latency histogram in seconds from the kernel's log2 one ({@code hist()}: index 0 negative, 1
     * zero, i &gt;= 2 the values in [2^(i-2), 2^(i-1)), here in units of 2^-20 s): as a native histogram
     * of schema 0 (bucket j holds (2^(j-1), 2^j] s, so kernel bucket i is native bucket i - 21; below
     * 2^-20 s, and the negative bucket, which a clock cannot fill, go to the zero bucket of threshold
     * 2^-20 s) and as classic buckets with the fixed bounds 2^-20 .. 2^{@link #CLASSIC_TOP} s and +Inf.
     * A delay equal to a power of two to the nanosecond is counted one bucket up (the kernel's buckets
     * include their lower bound, Prometheus's their upper one).
     */
    void log2Histogram(String name, String help, Labels labels, long[] kernelBuckets, double sumSeconds) {
        long zero = 0;
        long total = 0;
        NativeHistogramBuckets.Builder positive = NativeHistogramBuckets.builder();
        for (int i = 0; i < kernelBuckets.length; i++) {
            long n = kernelBuckets[i];
            if (n <= 0) {
                continue;
            }
            total += n;
            if (i <= 1) {
                zero += n;
            } else {
                positive.bucket(i - 21, n);
            }
        }
        ClassicHistogramBuckets.Builder classic = ClassicHistogramBuckets.builder();
        classic.bucket(ZERO_THRESHOLD, zero);
        long counted = zero;
        for (int e = -19; e <= CLASSIC_TOP; e++) {
            long n = e + 21 < kernelBuckets.length ? Math.max(0, kernelBuckets[e + 21]) : 0;
            classic.bucket(Math.scalb(1.0, e), n);
            counted += n;
        }
        classic.bucket(Double.POSITIVE_INFINITY, total - counted);
        HistogramDataPointSnapshot p = HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(classic.build())
                .nativeSchema(0).nativeZeroThreshold(ZERO_THRESHOLD).nativeZeroCount(zero)
                .nativeBucketsForPositiveValues(positive.build())
                .sum(sumSeconds).build();
        family(name, Type.HISTOGRAM, help, Unit.SECONDS).add(p);
    }

    /** 2^-20 s (about 0.95 us): the kernel's unit, the zero bucket's threshold and the first classic bound. */
    static final double ZERO_THRESHOLD = Math.scalb(1.0, -20);
    /** The last classic bound before +Inf: 2^3 = 8 s. */
    static final int CLASSIC_TOP = 3;

    private List<Object> family(String name, Type type, String help, Unit unit) {
        Family f = byName.computeIfAbsent(name, n -> new Family(type, help, unit, new ArrayList<>()));
        if (f.type() != type) {
            throw new IllegalStateException(name + " is a " + f.type() + ", not a " + type);
        }
        return f.points();
    }

    MetricSnapshots build() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (Map.Entry<String, Family> e : byName.entrySet()) {
            Family fam = e.getValue();
            switch (fam.type()) {
                case COUNTER -> {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(e.getKey()).help(fam.help());
                    if (fam.unit() != null) {
                        b.unit(fam.unit());
                    }
                    fam.points().forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
                    out.add(b.build());
                }
                case GAUGE -> {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(e.getKey()).help(fam.help());
                    if (fam.unit() != null) {
                        b.unit(fam.unit());
                    }
                    fam.points().forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
                    out.add(b.build());
                }
                case HISTOGRAM -> {
                    HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(e.getKey()).help(fam.help());
                    if (fam.unit() != null) {
                        b.unit(fam.unit());
                    }
                    fam.points().forEach(p -> b.dataPoint((HistogramDataPointSnapshot) p));
                    out.add(b.build());
                }
            }
        }
        return new MetricSnapshots(out);
    }
}
