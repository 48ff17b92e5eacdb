package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.boxscope.probe.runtime.Runs;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The output corpus's bpftrace programs run through our whole pipeline (parser, checker, code
 * generation, the kernel, the runtime, the output stage): each must print, text and JSON, exactly what
 * bpftrace 0.17 printed (captured in corpus.txt; {@code OutputCorpusLiveTest} re-checks bpftrace still
 * does). Cases that need what code generation does not do yet are listed in {@link #NOT_YET} with the
 * reason; such a case must still fail, so the list cannot go stale silently.
 */
@KernelTest
class OutputCorpusRuntimeTest {
    /** Case name → why it cannot run through code generation yet. */
    static final Map<String, String> NOT_YET = Map.of();

    private static boolean runnable(Corpus.Case k) {
        return k.error() == null && k.live() != Corpus.Live.NO && k.args().isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> ourRuntimePrintsWhatBpftracePrinted() throws Exception {
        return Corpus.load().cases().stream().filter(OutputCorpusRuntimeTest::runnable)
                .map(k -> DynamicTest.dynamicTest(k.name(), () -> {
                    String why = NOT_YET.get(k.name());
                    String text, json;
                    try {
                        text = Runs.run(k.program(), false, Duration.ofSeconds(5), null).out();
                        json = Runs.run(k.program(), true, Duration.ofSeconds(5), null).out();
                    } catch (Exception e) {
                        if (why != null) {
                            return;
                        }
                        throw new AssertionError(k.name() + ": " + e.getMessage(), e);
                    }
                    if (why != null) {
                        boolean same = OutputCorpusLiveTest.normalize(k.text(), k.live()).equals(OutputCorpusLiveTest.normalize(text, k.live()));
                        assertTrue(!same, k.name() + " is listed as not runnable yet (" + why + ") but now prints bpftrace's output: remove it from NOT_YET");
                        return;
                    }
                    assertEquals(OutputCorpusLiveTest.normalize(k.text(), k.live()), OutputCorpusLiveTest.normalize(text, k.live()), k.name() + " (text)");
                    assertEquals(OutputCorpusLiveTest.normalize(k.json(), k.live()), OutputCorpusLiveTest.normalize(json, k.live()), k.name() + " (json)");
                }));
    }

    @Test
    void mostOfTheCorpusRuns() throws Exception {
        List<String> runnable = new ArrayList<>();
        for (Corpus.Case k : Corpus.load().cases()) {
            if (runnable(k)) {
                runnable.add(k.name());
            }
        }
        if (runnable.size() - NOT_YET.size() < 40) {
            fail("only " + (runnable.size() - NOT_YET.size()) + " of " + runnable.size() + " corpus programs run");
        }
    }
}
