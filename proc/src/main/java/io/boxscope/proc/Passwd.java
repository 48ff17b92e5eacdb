package io.boxscope.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * User names by uid from a passwd(5) file. The file is the one beside the proc root
 * ({@code /host/etc/passwd} for {@code --proc-root /host/proc}), else {@code /etc/passwd}.
 */
public final class Passwd {
    private Passwd() {}

    /** name:password:uid:...; the first name of a uid wins, malformed lines are skipped. */
    public static Map<Integer, String> parse(String text) {
        Map<Integer, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 4);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            try {
                m.putIfAbsent(Integer.parseInt(f[2]), f[0]);
            } catch (NumberFormatException e) {
                continue; // not a passwd line: a uid is a number
            }
        }
        return m;
    }

    /** The passwd file that belongs with these host paths. */
    public static Path fileFor(HostPaths paths) {
        Path parent = paths.procRoot().toAbsolutePath().getParent();
        Path beside = parent == null ? null : parent.resolve("etc/passwd");
        return beside != null && Files.exists(beside) ? beside : Path.of("/etc/passwd");
    }

    /** Reads and parses {@link #fileFor}; an unreadable file is an IOException for the caller to report. */
    public static Map<Integer, String> read(HostPaths paths) throws IOException {
        return parse(new String(Files.readAllBytes(fileFor(paths)), StandardCharsets.UTF_8));
    }
}
