package io.boxscope.bpf.symbols;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One line of {@code /proc/PID/maps} (proc(5)): {@code START-END PERMS OFFSET MAJ:MIN INODE [PATH]}.
 *
 * @param path the mapped file, a pseudo name ({@code [heap]}, {@code [vdso]}, {@code [anon:...]}), or empty for
 *             anonymous memory; a file deleted since it was mapped ends in {@code " (deleted)"}
 */
public record Mapping(long start, long end, String perms, long offset, String device, long inode, String path) {
    public Mapping {
        Objects.requireNonNull(perms, "perms");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(path, "path");
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** True for a mapping of a regular file (inode non-zero, absolute path). */
    public boolean isFile() {
        return inode != 0 && path.startsWith("/");
    }

    public boolean isExecutable() {
        return perms.length() > 2 && perms.charAt(2) == 'x';
    }

    /** Parses the text of a maps file (pure); lines that are not a mapping are counted in {@code skipped[0]}. */
    public static List<Mapping> parse(String text, int[] skipped) {
        List<Mapping> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                String[] f = line.split("\\s+", 6);
                int dash = f[0].indexOf('-');
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                long offset = Long.parseUnsignedLong(f[2], 16);
                long inode = Long.parseLong(f[4]);
                String path = f.length > 5 ? f[5].strip() : "";
                out.add(new Mapping(start, end, f[1], offset, f[3], inode, path));
            } catch (RuntimeException e) {
                if (skipped != null && skipped.length > 0) {
                    skipped[0]++;
                }
            }
        }
        return out;
    }
}
