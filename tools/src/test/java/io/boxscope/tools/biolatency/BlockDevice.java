package io.boxscope.tools.biolatency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test support: the whole disk under a directory, found as a user would: the file system's device
 * number ({@code stat -c %d}, st_dev), then /sys/dev/block/MAJ:MIN, then its parent when it is a
 * partition; its name and its largest request ({@code queue/max_sectors_kb}).
 *
 * @param name           the disk's name (vda, sda, nvme0n1)
 * @param major          its major number
 * @param minor          its minor number
 * @param maxRequestBytes max_sectors_kb * 1024: no request to it is larger
 */
public record BlockDevice(String name, long major, long minor, long maxRequestBytes) {

    /** The disk under {@code dir}, or null when its file system is not on a block device (tmpfs, overlay). */
    public static BlockDevice of(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%d", dir.toString()).start();
        long dev = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        p.waitFor();
        long major = (dev >> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
        if (!Files.exists(sys)) {
            return null;
        }
        Path real = sys.toRealPath();
        Path disk = Files.exists(real.resolve("partition")) ? real.getParent() : real;
        if (!Files.exists(disk.resolve("queue/max_sectors_kb"))) {
            return null; // device-mapper or md without a request queue of its own
        }
        String[] mm = Files.readString(disk.resolve("dev")).trim().split(":");
        long max = Long.parseLong(Files.readString(disk.resolve("queue/max_sectors_kb")).trim()) * 1024;
        return new BlockDevice(disk.getFileName().toString(), Long.parseLong(mm[0]), Long.parseLong(mm[1]), max);
    }

    /**
     * A directory on a real block device for the test's file: java.io.tmpdir's file system when it is
     * one, else the first mount point in /proc/mounts whose device is a disk (said in the test's output).
     */
    public static Path testDir() throws IOException, InterruptedException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (of(tmp) != null) {
            return tmp;
        }
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[0].startsWith("/dev/") && Files.isDirectory(Path.of(f[1])) && Files.isWritable(Path.of(f[1])) && of(Path.of(f[1])) != null) {
                System.out.println("java.io.tmpdir " + tmp + " is not on a block device; using " + f[1] + " (" + f[0] + ")");
                return Path.of(f[1]);
            }
        }
        throw new AssertionError("no mounted file system on a block device to test block I/O on");
    }

    /** The kernel's internal dev_t of the disk, as block tracepoints carry it. */
    public long kernelDev() {
        return (major << 20) | minor;
    }
}
