package io.boxscope.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The block devices of {@code /proc/partitions} (block/genhd.c {@code show_partition}: a header
 * {@code major minor  #blocks  name}, a blank line, then one row per disk and partition), keyed by the
 * kernel's internal {@code dev_t} ({@code MKDEV(major, minor) = major << 20 | minor}, include/linux/kdev_t.h),
 * which is what block tracepoints carry in their {@code dev} field. libbpf-tools name disks the same way
 * (trace_helpers.c {@code partitions__load}).
 */
public record Partitions(Map<Long, String> byDev) {
    public Partitions {
        byDev = Map.copyOf(byDev);
    }

    /** {@code MKDEV(major, minor)} as the kernel keeps it internally (20 bits of minor). */
    public static long dev(long major, long minor) {
        return (major << 20) | minor;
    }

    /** The name of internal device number {@code dev}, if /proc/partitions listed it. */
    public Optional<String> name(long dev) {
        return Optional.ofNullable(byDev.get(dev));
    }

    /** The internal device number of disk or partition {@code name} ({@code vda}, {@code sda1}). */
    public Optional<Long> dev(String name) {
        return byDev.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst();
    }

    /** Every name, in the file's order. */
    public List<String> names() {
        return List.copyOf(byDev.values());
    }

    /** Parses the text of /proc/partitions; a row that is not four fields with numbers is an error. */
    public static Partitions parse(String text) {
        Map<Long, String> m = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("major")) {
                continue;
            }
            String[] f = t.split("\\s+");
            try {
                if (f.length != 4) {
                    throw new NumberFormatException("4 fields expected");
                }
                m.put(dev(Long.parseLong(f[0]), Long.parseLong(f[1])), f[3]);
            } catch (NumberFormatException e) {
                throw new ProcParseException("/proc/partitions", "line " + n + " is not 'major minor #blocks name': " + line);
            }
        }
        return new Partitions(m);
    }

    /** Reads {@code <proc-root>/partitions}. */
    public static Partitions read(HostPaths paths) throws IOException {
        return parse(Files.readString(paths.procRoot().resolve("partitions"), StandardCharsets.UTF_8));
    }
}
