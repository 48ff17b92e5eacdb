package io.boxscope.diagnose.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The metric families of one scrape, data points grouped by name in first-seen order. One table,
 * {@link Kind}, says how each metric type's snapshot is made from its metadata and points, so every
 * data point goes through {@link #add} and {@link #build} is one loop.
 */
final class Families {
    /**
     * A metric type: the data point class it holds and the snapshot constructor of the Prometheus
     * client that takes its metadata and points.
     */
    private record Kind<P extends DataPointSnapshot>(String name, Class<P> point,
            BiFunction<MetricMetadata, List<P>, MetricSnapshot> snapshot) {}

    private static final Kind<CounterDataPointSnapshot> COUNTER =
            new Kind<>("counter", CounterDataPointSnapshot.class, CounterSnapshot::new);
    private static final Kind<GaugeDataPointSnapshot> GAUGE =
            new Kind<>("gauge", GaugeDataPointSnapshot.class, GaugeSnapshot::new);
    private static final Kind<HistogramDataPointSnapshot> HISTOGRAM =
            new Kind<>("histogram", HistogramDataPointSnapshot.class, HistogramSnapshot::new);

    /** One family: its type, metadata (name, help, unit) and points of that type. */
    private record Family<P extends DataPointSnapshot>(Kind<P> kind, MetricMetadata metadata, List<P> points) {
        MetricSnapshot snapshot() {
            return kind.snapshot().apply(metadata, points);
        }

        /** Adds a point of this family's type (checked: a point of another type is a bug). */
        void add(DataPointSnapshot point) {
            points.add(kind.point().cast(point));
        }
    }

    private final Map<String, Family<?>> byName = new LinkedHashMap<>();

    void counter(String name, String help, Unit unit, Labels labels, double value) {
        add(COUNTER, name, help, unit, CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void gauge(String name, String help, Unit unit, Labels labels, double value) {
        add(GAUGE, name, help, unit, GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
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
        add(HISTOGRAM, name, help, Unit.SECONDS, p);
    }

    /** 2^-20 s (about 0.95 us): the kernel's unit, the zero bucket's threshold and the first classic bound. */
    static final double ZERO_THRESHOLD = Math.scalb(1.0, -20);
    /** The last classic bound before +Inf: 2^3 = 8 s. */
    static final int CLASSIC_TOP = 3;

    /** Adds {@code point} to family {@code name}, made on first use; the same name with another type is a bug. */
    private <P extends DataPointSnapshot> void add(Kind<P> kind, String name, String help, Unit unit, P point) {
        Family<?> f = byName.computeIfAbsent(name, n -> new Family<>(kind, new MetricMetadata(n, help, unit), new ArrayList<>()));
        if (f.kind() != kind) {
            throw new IllegalStateException(name + " is a " + f.kind().name() + ", not a " + kind.name());
        }
        f.add(point);
    }

    MetricSnapshots build() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (Family<?> f : byName.values()) {
            out.add(f.snapshot());
        }
        return new MetricSnapshots(out);
    }
}
