package io.boxscope.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.workload.CpuWorkload;
import io.boxscope.bench.workload.MemoryWorkload;
import io.boxscope.bench.workload.MutexWorkload;
import io.boxscope.bench.workload.ThreadsWorkload;

/**
 * The figures of a run by name (the same numbers the text shows), for --json, --runs summaries and
 * compare. Names ending in _ms are latencies (lower is better); everything else is a throughput.
 */
public final class Metrics {
    private Metrics() {}

    /** Metrics that depend on how long the run was, not on how fast: listed but not compared. */
    public static final Set<String> EXTENSIVE = Set.of("total_time_s", "events", "latency_sum_ms");

    public static Map<String, Double> of(Workload w, RunResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        double s = r.seconds();
        switch (w) {
            case MemoryWorkload mw -> {
                m.put("operations_per_second", r.events() / s);
                if (mw.oper() != MemoryWorkload.Oper.NONE) {
                    m.put("mib_per_second", r.events() * (double) mw.blockSize() / 1048576.0 / s);
                }
            }
            case FileIoWorkload fw -> {
                m.put("reads_per_second", r.counter("reads") / s);
                m.put("writes_per_second", r.counter("writes") / s);
                m.put("fsyncs_per_second", r.counter("fsyncs") / s);
                m.put("read_mib_per_second", r.counter("bytes_read") / 1048576.0 / s);
                m.put("written_mib_per_second", r.counter("bytes_written") / 1048576.0 / s);
            }
            case CpuWorkload c -> { }
            case ThreadsWorkload t -> { }
            case MutexWorkload mx -> { }
        }
        m.put("events_per_second", r.eventsPerSecond());
        m.put("total_time_s", s);
        m.put("events", (double) r.events());
        m.put("latency_min_ms", r.latencyMinMs());
        m.put("latency_avg_ms", r.latencyAvgMs());
        m.put("latency_max_ms", r.latencyMaxMs());
        if (r.options().percentile() > 0) {
            m.put("latency_p" + r.options().percentile() + "_ms", r.latencyPercentileMs());
        }
        m.put("latency_sum_ms", r.latencySumMs());
        return m;
    }

    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("_ms");
    }

    /** The workload's own options, by sysbench option name. */
    public static Map<String, Object> options(Workload w) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (w) {
            case CpuWorkload c -> m.put("cpu-max-prime", c.maxPrime());
            case MemoryWorkload mw -> {
                m.put("memory-block-size", mw.blockSize());
                m.put("memory-total-size", mw.totalSize());
                m.put("memory-scope", MemoryWorkload.lower(mw.scope()));
                m.put("memory-oper", MemoryWorkload.lower(mw.oper()));
                m.put("memory-access-mode", MemoryWorkload.lower(mw.access()));
            }
            case FileIoWorkload fw -> {
                var o = fw.options();
                m.put("file-dir", o.dir().toString());
                m.put("file-num", o.fileNum());
                m.put("file-total-size", o.totalSize());
                m.put("file-block-size", o.blockSize());
                m.put("file-test-mode", o.mode().name().toLowerCase(java.util.Locale.ROOT));
                m.put("file-io-mode", "sync");
                m.put("file-extra-flags", o.extraFlags().stream().map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList());
                m.put("file-fsync-freq", o.fsyncFreq());
                m.put("file-fsync-all", o.fsyncAll());
                m.put("file-fsync-end", o.fsyncEnd());
                m.put("file-fsync-mode", o.fdatasync() ? "fdatasync" : "fsync");
                m.put("file-rw-ratio", o.rwRatio());
                m.put("file-merged-requests", o.mergedRequests());
            }
            case ThreadsWorkload t -> {
                m.put("thread-yields", t.yields());
                m.put("thread-locks", t.locks());
            }
            case MutexWorkload mx -> {
                m.put("mutex-num", mx.num());
                m.put("mutex-locks", mx.lockCount());
                m.put("mutex-loops", mx.loops());
            }
        }
        return m;
    }
}
