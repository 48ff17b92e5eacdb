package io.boxscope.tools.filetop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.core.LoadAvg;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.IntervalRun;

/**
 * libbpf-tools' filetop on the probe language ({@code filetop.bt}): reads and writes per thread and
 * file every interval, sorted, the first rows of them. libbpf-tools use kprobes on vfs_read() and
 * vfs_write(), which this kernel cannot attach; the script counts the read(), write(), pread64() and
 * pwrite64() syscalls, the calls that reach those functions from user space, and finds the file
 * from the descriptor in the kernel. What differs: calls that reach vfs_read/vfs_write from inside
 * the kernel (nfsd, a loop device's file, splice) are not counted; a read or write on a descriptor
 * is counted when it enters, also when it fails afterwards (as vfs_read's kprobe does). The bytes
 * are those asked for, as libbpf-tools count them. The script's maps hold
 * {@link io.boxscope.probe.lang.sema.CheckOptions#DEFAULT_MAP_KEYS} (thread, file) pairs per interval: pairs beyond that in one interval
 * are not counted, and the probe runtime counts and reports those failed updates as for every tool
 * ({@link IntervalRun.Listener#mapUpdatesFailed}).
 */
public final class Filetop {
    private Filetop() {}

    /** libbpf-tools' -s: what rows are sorted by, largest first. */
    public enum Sort {
        ALL, READS, WRITES, RBYTES, WBYTES;

        /** -s's argument ({@code all}, {@code reads}, ...). */
        public static Sort parse(String s) {
            for (Sort v : values()) {
                if (v.name().equalsIgnoreCase(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("invalid sort method: " + s + " (all, reads, writes, rbytes or wbytes)");
        }

        long key(Row r) {
            return switch (this) {
                case ALL -> r.reads() + r.writes() + r.readBytes() + r.writeBytes();
                case READS -> r.reads();
                case WRITES -> r.writes();
                case RBYTES -> r.readBytes();
                case WBYTES -> r.writeBytes();
            };
        }
    }

    /**
     * @param allFiles every file (-a), not only regular files
     * @param sort     the order of the rows (-s)
     * @param maxRows  rows printed (-r), the rest counted in {@link Report#files}
     */
    public record Options(boolean allFiles, Sort sort, int maxRows) {
        public Options {
            if (maxRows < 1) {
                throw new IllegalArgumentException("invalid rows: " + maxRows + " (at least 1)");
            }
        }

        public static Options defaults() {
            return new Options(false, Sort.ALL, 20);
        }
    }

    /**
     * One thread's use of one file in an interval.
     *
     * @param type 'R' regular file, 'S' socket, 'O' anything else (libbpf-tools' T column)
     * @param dev  the file system's device (super_block.s_dev), with {@code rdev} and {@code inode} the file's identity
     */
    public record Row(int tid, int pid, String comm, char type, long dev, long rdev, long inode, long reads, long writes,
                      long readBytes, long writeBytes, String file) {}

    /**
     * One interval.
     *
     * @param time    local time, HH:MM:SS
     * @param loadavg /proc/loadavg's line, or null when it cannot be read (libbpf-tools then print no such line)
     * @param rows    the first {@code maxRows} rows in the sort order
     * @param files   (thread, file) pairs seen in the interval, printed or not
     */
    public record Report(String time, String loadavg, List<Row> rows, int files) {
        public Report {
            rows = List.copyOf(rows);
        }
    }

    /** Bytes of a file name read (NAME_MAX + 1: a dentry name is at most 255 bytes). */
    static final int NAME_BYTES = 256;

    /**
     * The run: in process {@code pid} only when not null (-p), a report per interval, the counts
     * gained since the previous one (IntervalRun: never cleared).
     *
     * @param procRoot where /proc/loadavg is read ({@code --proc-root})
     */
    public static IntervalRun<Report> run(Path procRoot, Integer pid, Options options) {
        return run(procRoot, pid, options, ToolScript.of(Filetop.class, "filetop").withStrlen(NAME_BYTES));
    }

    /** {@link #run(Path, Integer, Options)} with the script given (tests: smaller maps). */
    static IntervalRun<Report> run(Path procRoot, Integer pid, Options options, ToolScript script) {
        return new IntervalRun<>(script,
                List.of(pid == null ? "0" : Integer.toString(pid), options.allFiles() ? "1" : "0"),
                List.of("@reads", "@rbytes", "@writes", "@wbytes", "@name"),
                (maps, time) -> report(maps, time, LoadAvg.read(procRoot), options));
    }

    /** The report of one snapshot of the script's maps. */
    static Report report(Function<String, MapDump> maps, String time, String loadavg, Options options) {
        Map<List<Value>, long[]> counts = new LinkedHashMap<>();
        String[] names = {"@reads", "@writes", "@rbytes", "@wbytes"};
        for (int i = 0; i < names.length; i++) {
            MapDump m = maps.apply(names[i]);
            for (MapDump.Entry e : m.entries()) {
                counts.computeIfAbsent(e.key(), k -> new long[4])[i] = number(e.value());
            }
        }
        Map<List<Value>, String> files = new LinkedHashMap<>();
        for (MapDump.Entry e : maps.apply("@name").entries()) {
            if (e.value() instanceof MapValue.Plain(Value.Str s)) {
                files.put(e.key(), s.text());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<List<Value>, long[]> e : counts.entrySet()) {
            List<Value> k = e.getKey();
            long[] c = e.getValue();
            rows.add(new Row((int) integer(k.get(0)), (int) integer(k.get(1)), ((Value.Str) k.get(2)).text(), (char) integer(k.get(3)),
                    integer(k.get(4)), integer(k.get(5)), integer(k.get(6)), c[0], c[1], c[2], c[3], files.getOrDefault(k, "")));
        }
        rows.sort(Comparator.comparingLong((Row r) -> options.sort().key(r)).reversed().thenComparingInt(Row::tid)
                .thenComparing(Row::file));
        return new Report(time, loadavg, rows.subList(0, Math.min(rows.size(), options.maxRows())), rows.size());
    }

    private static long number(MapValue v) {
        return switch (v) {
            case MapValue.Count c -> c.count();
            case MapValue.Sum s -> s.sum();
            default -> throw new IllegalStateException("filetop.bt's counters are count() and sum(), not " + v);
        };
    }

    private static long integer(Value v) {
        if (v instanceof Value.Int i) {
            return i.bits();
        }
        throw new IllegalStateException("filetop.bt's keys are integers but comm, not " + v);
    }
}
