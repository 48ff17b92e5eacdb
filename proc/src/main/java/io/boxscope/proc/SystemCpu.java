package io.boxscope.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.util.BitSet;

/**
 * The host's CPU time from the {@code cpu} line of /proc/stat (proc(5)), in clock ticks
 * (USER_HZ), and CPU lists such as {@code Cpus_allowed_list} of /proc/PID/status or a cpuset's
 * {@code cpuset.effective_cpus} ("0-3,8,10-11"; the kernel's cpulist format, Documentation/admin-guide/cgroup-v2.rst).
 *
 * @param busyTicks user + nice + system + irq + softirq + steal (guest time is already in user)
 * @param totalTicks busy plus idle and iowait
 * @param cpus the {@code cpuN} lines: CPUs the kernel accounts (online ones)
 */
public record SystemCpu(long busyTicks, long totalTicks, int cpus) {

    /**
     * CPUs' worth of busy time between two readings: busy ticks over all ticks, times the CPUs.
     * A ratio of ticks, so USER_HZ never needs to be known.
     */
    public double busyCpusSince(SystemCpu earlier) {
        long total = totalTicks - earlier.totalTicks;
        return total <= 0 ? 0 : (double) (busyTicks - earlier.busyTicks) / total * cpus;
    }

    /** The first line of /proc/stat: {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}. */
    public static SystemCpu parse(String procStat) {
        int end = procStat.indexOf('\n');
        String line = end < 0 ? procStat : procStat.substring(0, end);
        String[] f = line.strip().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new ProcParseException("/proc/stat", "the first line is not the 'cpu' total: '" + line + "'");
        }
        long[] v = new long[8];
        for (int i = 0; i < v.length && i + 1 < f.length; i++) {
            try {
                v[i] = Long.parseLong(f[i + 1]);
            } catch (NumberFormatException e) {
                throw new ProcParseException("/proc/stat", "'" + f[i + 1] + "' in the cpu line is not a number");
            }
        }
        long idle = v[3] + v[4];
        long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        int cpus = 0;
        for (String l : procStat.split("\n")) {
            if (l.length() > 3 && l.startsWith("cpu") && Character.isDigit(l.charAt(3))) {
                cpus++;
            }
        }
        return new SystemCpu(busy, busy + idle, Math.max(1, cpus));
    }

    /** Reads {@code <proc-root>/stat}. */
    public static SystemCpu read(HostPaths paths) throws IOException {
        return parse(Files.readString(paths.procRoot().resolve("stat")));
    }

    /** A cpulist ("0-3,8,10-11") as a set of CPU numbers; empty text is the empty set. */
    public static BitSet cpuList(String text) {
        BitSet cpus = new BitSet();
        for (String part : text.strip().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from || to > 65_535) {
                    throw new ProcParseException("a CPU list", "'" + part + "' is not a range of CPUs");
                }
                cpus.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new ProcParseException("a CPU list", "'" + part + "' is not a CPU number or range");
            }
        }
        return cpus;
    }
}
