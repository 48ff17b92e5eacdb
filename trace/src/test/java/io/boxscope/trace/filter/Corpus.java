package io.boxscope.trace.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The filter corpus (filter-corpus.txt): how sysdig 0.29.3 and boxscope read each filter. */
record Corpus(String sysdig, String boxscope, String filter) {
    static List<Corpus> load() {
        try (InputStream in = Corpus.class.getResourceAsStream("filter-corpus.txt")) {
            List<Corpus> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 3);
                out.add(new Corpus(f[0], f[1], f[2]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "[" + filter + "]";
    }
}
