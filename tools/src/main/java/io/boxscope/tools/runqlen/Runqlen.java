package io.boxscope.tools.runqlen;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;

/**
 * libbpf-tools' runqlen (script {@code runqlen.bt}): every CPU is sampled at {@code -f} Hz (99 by
 * default) by the perf cpu-clock software event, and each sample counts the length of the run queue
 * behind the task on the CPU: its CFS run queue's entity count minus the running one, as
 * runqlen.bpf.c reads it; {@code -H} reads the CPU's whole run queue ({@code rq->nr_running}, every
 * scheduling class) instead. Printed as a linear histogram ({@code runqlen : count distribution}),
 * per CPU with {@code -C}, or as the share of samples with a queue ({@code -O}, occupancy).
 *
 * <p>Linux 6.14 renamed {@code cfs_rq.nr_running} to {@code nr_queued} (commit 736c55a02c47), which is
 * why bpftrace 0.17's runqlen.bt and older libbpf-tools fail on this kernel. The field is chosen here
 * from the kernel's BTF ({@link #queueField}), so the same tool runs on kernels before and after.
 * With CPU cgroups (group scheduling, autogroup) the running task's CFS run queue holds only its own
 * group's entities: runqlen.bpf.c has the same limit, and {@code -H} does not.
 */
public final class Runqlen {
    /** runqlen.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 32;

    private Runqlen() {}

    /**
     * runqlen's options.
     *
     * @param perCpu    -C
     * @param occupancy -O
     * @param host      -H: the CPU's run queue (struct rq) rather than the task's CFS run queue
     * @param frequency -f, samples per second on each CPU
     */
    public record Options(boolean perCpu, boolean occupancy, boolean host, int frequency) {
        public Options {
            if (frequency <= 0) {
                throw new IllegalArgumentException("Invalid freq (in hz): " + frequency);
            }
        }

        /** The script's $1. */
        public List<String> params() {
            return List.of(perCpu ? "1" : "0");
        }
    }

    /**
     * One interval.
     *
     * @param time    local time {@code HH:MM:SS} with -T, else null
     * @param options the options
     * @param slots   per CPU (index = CPU) with -C, else one element: samples per run queue length 0..31
     */
    public record Report(String time, Options options, List<long[]> slots) {
        public Report {
            List<long[]> copy = new ArrayList<>();
            for (long[] s : slots) {
                copy.add(s.clone());
            }
            slots = List.copyOf(copy);
        }

        @Override
        public List<long[]> slots() {
            List<long[]> copy = new ArrayList<>();
            for (long[] s : slots) {
                copy.add(s.clone());
            }
            return copy;
        }
    }

    /**
     * The CFS run queue's count of queued entities in this kernel's BTF: {@code nr_queued} (Linux
     * 6.14+) or {@code nr_running} (before).
     *
     * @throws BtfException neither exists (the message says what was looked for)
     */
    public static String queueField(Btf btf) throws BtfException {
        for (String f : List.of("nr_queued", "nr_running")) {
            try {
                btf.member("cfs_rq." + f);
                return f;
            } catch (BtfException e) {
                // the other name
            }
        }
        throw new BtfException("struct cfs_rq in the kernel's BTF has neither nr_queued (Linux 6.14+) nor nr_running:"
                + " runqlen does not know how this kernel counts its run queue");
    }

    /** The script for {@code o}, with the CFS run queue's field {@code field} ({@link #queueField}). */
    public static ToolScript script(Options o, String field) {
        ToolScript t = ToolScript.of(Runqlen.class, "runqlen");
        String length = o.host() ? "curtask->se.cfs_rq->rq->nr_running" : "curtask->se.cfs_rq->" + field;
        String source = t.source().replace("${HZ}", Integer.toString(o.frequency())).replace("${FIELD}", o.host() ? "the CPU's" : field)
                .replace("${LENGTH}", length);
        return new ToolScript(t.name(), source, t.strlen(), t.mapKeys());
    }

    /**
     * The interval's report from the script's {@code @hist[cpu]} lhist map ({@code cpus} possible CPUs,
     * with -C one histogram per CPU, those without samples empty).
     */
    public static Report report(MapDump hist, Options o, int cpus, String time) {
        Map<Long, long[]> byKey = new HashMap<>();
        for (MapDump.Entry e : hist.entries()) {
            if (!(e.key().getFirst() instanceof Value.Int k) || !(e.value() instanceof MapValue.Lhist h)) {
                throw new IllegalStateException(hist.name() + " is not an lhist() map keyed by CPU: " + e);
            }
            byKey.put(k.bits(), slots(h.buckets()));
        }
        List<long[]> out = new ArrayList<>();
        int n = o.perCpu() ? cpus : 1;
        for (long i = 0; i < n; i++) {
            out.add(byKey.getOrDefault(i, new long[MAX_SLOTS]));
        }
        return new Report(time, o, out);
    }

    /**
     * libbpf's slots from {@code lhist(len, 0, 32, 1)}'s buckets (0: below 0, 1 + n: length n, 33:
     * 32 and more; the script folds lengths above 31 into 31, so the last two never count).
     */
    static long[] slots(long[] buckets) {
        long[] s = new long[MAX_SLOTS];
        for (int b = 1; b < buckets.length; b++) {
            s[Math.min(b - 1, MAX_SLOTS - 1)] += buckets[b];
        }
        return s;
    }

    /**
     * The run on {@code sysRoot}'s kernel: a report per interval, with -C one histogram per possible
     * CPU as runqlen.c prints them; each histogram what it gained since the previous one.
     *
     * @throws IOException the kernel's BTF cannot be read, or has no CFS run queue count runqlen knows
     */
    public static IntervalRun<Report> run(Options o, Path sysRoot, boolean timestamp) throws IOException {
        String field = o.host() ? "nr_running" : queueField(Btf.vmlinux(sysRoot));
        int cpus = Cpus.possible();
        return new IntervalRun<>(script(o, field), o.params(), List.of("@hist"),
                (maps, time) -> report(maps.apply("@hist"), o, cpus, timestamp ? time : null));
    }

    public static String header() {
        return "Sampling run queue length... Hit Ctrl-C to end.\n";
    }

    /** Share of samples with a queue behind the running task (length 1 and more), 0 without samples. */
    public static double occupancy(long[] slots) {
        long idle = slots[0];
        long queued = 0;
        for (int i = 1; i < slots.length; i++) {
            queued += slots[i];
        }
        return queued * 1.0 / Math.max(1, idle + queued);
    }

    /**
     * One interval as runqlen.c prints it: a blank line, the time with -T, then the linear histogram
     * (each CPU's after {@code cpu = N} with -C), or with -O {@code runqocc: 12.34%}
     * ({@code runqocc, CPU 0     12.34%} per CPU with -C).
     */
    public static String text(Report r) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        List<long[]> all = r.slots();
        for (int i = 0; i < all.size(); i++) {
            long[] s = all.get(i);
            if (r.options().occupancy()) {
                // runqlen.c keeps the share in a float and prints 100 * it (float arithmetic)
                // (float arithmetic), which C's printf rounds from its exact binary value
                float pct = 100 * (float) occupancy(s);
                String p = new BigDecimal(pct).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
                sb.append(r.options().perCpu() ? String.format(Locale.ROOT, "runqocc, CPU %-3d %6s%%\n", i, p)
                        : "runqocc: " + p + "%\n");
            } else {
                if (r.options().perCpu()) {
                    sb.append("cpu = ").append(i).append('\n');
                }
                sb.append(HistText.linear(s, 0, 1, "runqlen"));
            }
        }
        return sb.toString();
    }
}
