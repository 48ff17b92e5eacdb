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

    /** One passwd(5) line's fields a tracer's user list keeps (libscap's scap_userinfo: uid, gid, name, home, shell). */
    public record Entry(int uid, int gid, String name, String home, String shell) {}

    /**
     * name:password:uid:gid:gecos:home:shell, by uid; the first line of a uid wins, lines without seven fields or
     * with a uid or gid that is not a number are skipped (getpwent(3) reads the same layout).
     */
    public static Map<Integer, Entry> entries(String text) {
        Map<Integer, Entry> m = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 7 || f[0].isEmpty()) {
                continue;
            }
            try {
                int uid = Integer.parseInt(f[2]);
                m.putIfAbsent(uid, new Entry(uid, Integer.parseInt(f[3]), f[0], f[5], f[6]));
            } catch (NumberFormatException e) {
                continue; // not a passwd line: ids are numbers
            }
        }
        return m;
    }

    /** Reads {@link #fileFor} as {@link #entries}; an unreadable file is an IOException for the caller to report. */
    public static Map<Integer, Entry> readEntries(HostPaths paths) throws IOException {
        return entries(new String(Files.readAllBytes(fileFor(paths)), StandardCharsets.UTF_8));
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
