package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every corpus case through the output library and compares with the bytes bpftrace
 * 0.17 printed for the same program (captured in corpus.txt).
 */
class OutputCorpusTest {

    static String render(Output out, List<Event> events) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.append(out.render(e));
        }
        return sb.toString();
    }

    @Test
    void corpusIsLargeAndComplete() throws Exception {
        Corpus c = Corpus.load();
        assertTrue(c.cases().size() >= 60, "at least 60 cases, found " + c.cases().size());
        for (Corpus.Case k : c.cases()) {
            assertTrue(k.error() != null || (k.text() != null && k.json() != null),
                    k.name() + ": needs captured text and json (run capture_output_corpus.py)");
            assertTrue(k.live() != Corpus.Live.NO || !k.why().isBlank(), k.name() + ": say why it is not re-run live");
        }
        assertEquals(c.cases().size(), c.cases().stream().map(Corpus.Case::name).distinct().count(), "unique names");
    }

    @TestFactory
    Stream<DynamicTest> replay() throws Exception {
        return Corpus.load().cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            if (k.error() != null) {
                FormatException e = assertThrows(FormatException.class,
                        () -> render(Output.text(), CorpusInput.events(k.input())), k.name());
                assertTrue(k.error().contains(e.getMessage()), "bpftrace said: " + k.error() + "\nwe said: " + e.getMessage());
                return;
            }
            assertNotNull(k.text(), k.name());
            List<Event> events = CorpusInput.events(k.input());
            // text and json come from two bpftrace runs: ties and clocks may differ between them
            assertEquals(OutputCorpusLiveTest.normalize(k.text(), k.live()),
                    OutputCorpusLiveTest.normalize(render(Output.text(), events), k.live()), k.name() + " (text)");
            assertEquals(OutputCorpusLiveTest.normalize(k.json(), k.live()),
                    OutputCorpusLiveTest.normalize(render(Output.json(), events), k.live()), k.name() + " (json)");
        }));
    }
}
