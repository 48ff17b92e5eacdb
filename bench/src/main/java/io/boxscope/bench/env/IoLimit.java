package io.boxscope.bench.env;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's I/O throttle: cgroup v2 {@code io.max} ("8:0 rbps=1048576 wbps=max riops=max wiops=max")
 * or cgroup v1 blkio.throttle.{read,write}_{bps,iops}_device ("8:0 1048576"). -1 means unlimited.
 * See Documentation/admin-guide/cgroup-v2.rst ("IO Interface Files") and cgroup-v1/blkio-controller.rst.
 */
public record IoLimit(String device, long readBps, long writeBps, long readIops, long writeIops) {
    /** Parses v2 {@code io.max}; malformed lines are skipped and counted in {@code skipped[0]}. */
    public static List<IoLimit> parseIoMax(String text, int[] skipped) {
        List<IoLimit> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || !f[0].matches("\\d+:\\d+")) {
                if (!line.isBlank()) {
                    skipped[0]++;
                }
                continue;
            }
            long rb = -1, wb = -1, ri = -1, wi = -1;
            boolean ok = true;
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    ok = false;
                    break;
                }
                String v = f[i].substring(eq + 1);
                long n;
                if (v.equals("max")) {
                    n = -1;
                } else {
                    try {
                        n = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        ok = false;
                        break;
                    }
                }
                switch (f[i].substring(0, eq)) {
                    case "rbps" -> rb = n;
                    case "wbps" -> wb = n;
                    case "riops" -> ri = n;
                    case "wiops" -> wi = n;
                    default -> { /* a key added by a later kernel: ignore */ }
                }
            }
            if (!ok) {
                skipped[0]++;
                continue;
            }
            out.add(new IoLimit(f[0], rb, wb, ri, wi));
        }
        return out;
    }

    /** Merges the four v1 blkio.throttle files ("MAJ:MIN VALUE" lines) into one limit per device. */
    public static List<IoLimit> parseV1(String readBps, String writeBps, String readIops, String writeIops, int[] skipped) {
        java.util.Map<String, long[]> m = new java.util.TreeMap<>();
        String[] files = {readBps, writeBps, readIops, writeIops};
        for (int k = 0; k < 4; k++) {
            for (String line : files[k].split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length != 2 || !f[0].matches("\\d+:\\d+")) {
                    if (!line.isBlank()) {
                        skipped[0]++;
                    }
                    continue;
                }
                try {
                    long v = Long.parseLong(f[1]);
                    m.computeIfAbsent(f[0], d -> new long[] {-1, -1, -1, -1})[k] = v;
                } catch (NumberFormatException e) {
                    skipped[0]++;
                }
            }
        }
        List<IoLimit> out = new ArrayList<>();
        m.forEach((d, v) -> out.add(new IoLimit(d, v[0], v[1], v[2], v[3])));
        return out;
    }

    /** "8:0 read 1.0 MiB/s, write 100 IOPS": per direction the byte and operation limits, or "unlimited". */
    public String describe() {
        return device + " read " + direction(readBps, readIops) + ", write " + direction(writeBps, writeIops);
    }

    private static String direction(long bps, long iops) {
        List<String> parts = new ArrayList<>();
        if (bps >= 0) {
            parts.add(String.format(java.util.Locale.ROOT, "%.1f MiB/s", bps / 1048576.0));
        }
        if (iops >= 0) {
            parts.add(iops + " IOPS");
        }
        return parts.isEmpty() ? "unlimited" : String.join(" and ", parts);
    }
}
