package io.boxscope.proc.cgroup;

import io.boxscope.proc.Fields;
import io.boxscope.proc.ProcParseException;

/**
 * A cgroup's block I/O totals, summed over devices: bytes and operations read and written.
 * v2: {@code io.stat} lines {@code MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..}
 * (cgroup-v2.rst, "IO Interface Files"). v1: the blkio controller's
 * {@code blkio.throttle.io_service_bytes_recursive} and {@code blkio.throttle.io_serviced_recursive},
 * whose lines are {@code MAJ:MIN Read|Write|Sync|Async|Discard|Total N} plus a last {@code Total N}
 * (cgroup-v1/blkio-controller.rst). Only I/O that reaches a block device is counted: page-cache
 * writes show up when written back, and are charged to the cgroup that dirtied the pages only where
 * the kernel's writeback accounting does so (v2).
 */
public record CgroupIo(long readBytes, long writeBytes, long readOps, long writeOps) {
    public static final CgroupIo ZERO = new CgroupIo(0, 0, 0, 0);

    /** v2 {@code io.stat}. */
    public static CgroupIo parseV2(String text) {
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        int[] b = new int[32];
        // by hand, not a regex split per line: read on every full sample of diagnose (io.boxscope.proc.Fields)
        for (int start = 0; start <= text.length(); ) {
            int end = Fields.lineEnd(text, start);
            int n = Fields.split(text, start, end, b);
            if (2 * n > b.length) {
                b = new int[2 * n];
                Fields.split(text, start, end, b);
            }
            for (int i = 1; i < n; i++) {
                int fs = b[2 * i];
                int fe = b[2 * i + 1];
                int eq = fs;
                while (eq < fe && text.charAt(eq) != '=') {
                    eq++;
                }
                if (eq == fe) {
                    continue;
                }
                long v = Fields.number("io.stat", text, eq + 1, fe);
                if (Fields.is(text, fs, eq, "rbytes")) {
                    rb += v;
                } else if (Fields.is(text, fs, eq, "wbytes")) {
                    wb += v;
                } else if (Fields.is(text, fs, eq, "rios")) {
                    ro += v;
                } else if (Fields.is(text, fs, eq, "wios")) {
                    wo += v;
                } // dbytes, dios, cost.* ...: not read/write
            }
            start = end + 1;
        }
        return new CgroupIo(rb, wb, ro, wo);
    }

    /** v1 blkio: {@code bytesText} from io_service_bytes, {@code opsText} from io_serviced. */
    public static CgroupIo parseV1(String bytesText, String opsText) {
        long[] bytes = v1("blkio.throttle.io_service_bytes_recursive", bytesText);
        long[] ops = v1("blkio.throttle.io_serviced_recursive", opsText);
        return new CgroupIo(bytes[0], bytes[1], ops[0], ops[1]);
    }

    private static long[] v1(String file, String text) {
        long read = 0;
        long write = 0;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 3) {
                continue; // the last "Total N" line, or an empty file
            }
            switch (f[1]) {
                case "Read" -> read += CgroupFiles.number(file, f[2]);
                case "Write" -> write += CgroupFiles.number(file, f[2]);
                case "Sync", "Async", "Discard", "Total" -> { /* the same I/O counted another way */ }
                default -> throw new ProcParseException(file, "unexpected operation '" + f[1] + "'");
            }
        }
        return new long[] {read, write};
    }

    /** This minus an earlier reading (a window's I/O). */
    public CgroupIo minus(CgroupIo earlier) {
        return new CgroupIo(readBytes - earlier.readBytes, writeBytes - earlier.writeBytes,
                readOps - earlier.readOps, writeOps - earlier.writeOps);
    }
}
