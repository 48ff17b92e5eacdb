package io.boxscope.mem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import io.boxscope.proc.HostPaths;

/** The captured processes under fixtures/ (see capture-fixtures.sh): a fake proc root. */
final class Fixtures {
    private Fixtures() {}

    static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/io/boxscope/mem/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static HostPaths paths() {
        return new HostPaths(dir().resolve("proc"), dir().resolve("sys"));
    }

    /** name → pid, from INDEX. */
    static Map<String, Integer> index() {
        Map<String, Integer> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(dir().resolve("INDEX"))) {
                String[] f = line.split(" ");
                m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static int pid(String name) {
        return index().get(name);
    }

    /** A fixture file as a byte string (one char per byte); .gz files are inflated. */
    static String raw(String relative) {
        Path p = dir().resolve(relative);
        try (InputStream in = relative.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String utf8(String relative) {
        return Mapping.decodeUtf8(raw(relative));
    }

    private static final class Mapping {
        static String decodeUtf8(String s) {
            return io.boxscope.mem.smaps.Mapping.decode(s);
        }
    }
}
