package io.boxscope.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code /proc/meminfo} (proc(5); fs/proc/meminfo.c): {@code Key:   value kB} lines, values in KiB
 * (a few, such as {@code HugePages_Total}, are plain counts and carry no unit).
 */
public record Meminfo(Map<String, Long> values) {
    public Meminfo {
        values = Map.copyOf(values);
    }

    /** The value of {@code key} as printed (KiB for every line with {@code kB}). */
    public OptionalLong get(String key) {
        Long v = values.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The value of {@code key}, which must be there ({@code Buffers}, {@code Cached} always are). */
    public long require(String key) {
        Long v = values.get(key);
        if (v == null) {
            throw new ProcParseException("/proc/meminfo", "no " + key + " line");
        }
        return v;
    }

    public static Meminfo parse(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                continue;
            }
            String[] f = colon < 0 ? new String[0] : line.substring(colon + 1).trim().split("\\s+");
            if (colon < 0 || f.length < 1 || f.length > 2 || (f.length == 2 && !f[1].equals("kB"))) {
                throw new ProcParseException("/proc/meminfo", "line is not 'Key: value [kB]': " + line);
            }
            try {
                m.put(line.substring(0, colon), Long.parseLong(f[0]));
            } catch (NumberFormatException e) {
                throw new ProcParseException("/proc/meminfo", "line is not 'Key: value [kB]': " + line);
            }
        }
        return new Meminfo(m);
    }

    /** Reads {@code <proc-root>/meminfo}. */
    public static Meminfo read(HostPaths paths) throws IOException {
        return parse(Files.readString(paths.procRoot().resolve("meminfo"), StandardCharsets.UTF_8));
    }
}
