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

    /**
     * The option a document key stands for: {@code memory_block_size_bytes} is
     * {@code --memory-block-size}, {@code warmup_time_s} {@code --warmup-time} (keys are the option
     * names in snake_case, with the unit of sizes and durations appended: docs/json.md).
     */
    public static String optionName(String key) {
        String k = key.endsWith("_bytes") ? key.substring(0, key.length() - 6) : key.endsWith("_s") ? key.substring(0, key.length() - 2) : key;
        return "--" + k.replace('_', '-');
    }

    /** The document key of a sysbench option name ({@code --}-less), as {@link #options} writes it. */
    public static String optionKey(String name) {
        String k = name.replace('-', '_');
        if (k.equals("time") || k.equals("report_interval") || k.equals("warmup_time")) {
            return k + "_s";
        }
        return k.endsWith("_size") ? k + "_bytes" : k;
    }

    /** The workload's own options, by document key ({@link #optionKey}). */
    public static Map<String, Object> options(Workload w) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (w) {
            case CpuWorkload c -> m.put("cpu_max_prime", c.maxPrime());
            case MemoryWorkload mw -> {
                m.put("memory_block_size_bytes", mw.blockSize());
                m.put("memory_total_size_bytes", mw.totalSize());
                m.put("memory_scope", MemoryWorkload.lower(mw.scope()));
                m.put("memory_oper", MemoryWorkload.lower(mw.oper()));
                m.put("memory_access_mode", MemoryWorkload.lower(mw.access()));
            }
            case FileIoWorkload fw -> {
                var o = fw.options();
                m.put("file_dir", o.dir().toString());
                m.put("file_num", o.fileNum());
                m.put("file_total_size_bytes", o.totalSize());
                m.put("file_block_size_bytes", o.blockSize());
                m.put("file_test_mode", o.mode().name().toLowerCase(java.util.Locale.ROOT));
                m.put("file_io_mode", o.ioMode().name().toLowerCase(java.util.Locale.ROOT));
                m.put("file_extra_flags", o.extraFlags().stream().map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList());
                m.put("file_fsync_freq", o.fsyncFreq());
                m.put("file_fsync_all", o.fsyncAll());
                m.put("file_fsync_end", o.fsyncEnd());
                m.put("file_fsync_mode", o.fdatasync() ? "fdatasync" : "fsync");
                m.put("file_rw_ratio", o.rwRatio());
                m.put("file_merged_requests", o.mergedRequests());
                m.put("validate", o.validate());
            }
            case ThreadsWorkload t -> {
                m.put("thread_yields", t.yields());
                m.put("thread_locks", t.locks());
            }
            case MutexWorkload mx -> {
                m.put("mutex_num", mx.num());
                m.put("mutex_locks", mx.lockCount());
                m.put("mutex_loops", mx.loops());
            }
        }
        return m;
    }
}
