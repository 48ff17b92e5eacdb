package io.boxscope.proc.cgroup;

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
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                long v = CgroupFiles.number("io.stat", f[i].substring(eq + 1));
                switch (f[i].substring(0, eq)) {
                    case "rbytes" -> rb += v;
                    case "wbytes" -> wb += v;
                    case "rios" -> ro += v;
                    case "wios" -> wo += v;
                    default -> { /* dbytes, dios, cost.* ...: not read/write */ }
                }
            }
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
