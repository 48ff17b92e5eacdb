package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every filter of the corpus compiles, or fails, as the corpus says boxscope reads it. */
class FilterCorpusTest {
    static final ServiceNames SERVICES = ServiceNames.parse("http 80/tcp www # WorldWideWeb HTTP\nhttps 443/tcp\n");

    static List<Corpus> corpus() {
        return Corpus.load();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void boxscopeReadsTheFilterAsTheCorpusSays(Corpus c) {
        try {
            Filter f = Filter.compile(c.filter(), SERVICES);
            if (!c.boxscope().equals("ok")) {
                fail("expected " + c.boxscope() + " but it compiled to: " + f);
            }
            // What we print for a filter must read back as the same filter.
            Filter again = Filter.compile(Render.expr(f.root()).equals("true") ? "" : Render.expr(f.root()), SERVICES);
            if (!(f.root() instanceof Expr.Const)) {
                assertEquals(Render.expr(f.root()), Render.expr(again.root()), "rendered filter reads back the same");
            }
        } catch (FilterException e) {
            switch (c.boxscope()) {
                case "bad" -> assertFalse(e.problem().contains("not supported by boxscope"), e.getMessage());
                case "unsupported" -> assertTrue(e.problem().contains("not supported by boxscope"), e.getMessage());
                case "stricter" -> assertTrue(e.problem().contains("not supported for") || e.problem().contains("only supports")
                        || e.problem().contains("unsupported port comparison"), e.getMessage());
                default -> fail("expected it to compile: " + e.getMessage());
            }
            assertTrue(e.position() >= 0 && e.position() <= c.filter().length(), "caret inside the filter");
        }
    }

    @Test
    void corpusCoversEveryClass() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Corpus c : Corpus.load()) {
            counts.merge(c.sysdig() + "/" + c.boxscope(), 1, Integer::sum);
        }
        assertTrue(counts.getOrDefault("ok/ok", 0) > 100, counts.toString());
        assertTrue(counts.getOrDefault("bad/bad", 0) > 50, counts.toString());
        assertTrue(counts.containsKey("ok/unsupported") && counts.containsKey("ok/stricter"), counts.toString());
        assertFalse(counts.containsKey("bad/ok"), "boxscope must not accept what sysdig refuses: " + counts);
    }
}
