package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * lang-corpus.txt (the format of runtime-corpus.txt): the language's expressions, types and builtins
 * (BTF member access through curtask and casts, array indexing, bit-fields, bswap, strncmp, kaddr,
 * ++/-- in expressions, copies of aggregations), each run under bpftrace 0.17 and through boxscope with
 * the same {@code -c} command on this machine; both must print the same.
 */
@KernelTest
class LangCorpusTest {
    @TestFactory
    Stream<DynamicTest> ourRuntimePrintsWhatBpftracePrints() throws IOException {
        return RuntimeCorpusTest.load("lang-corpus.txt").stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            String theirs = RuntimeCorpusTest.bpftrace(k);
            String ours = Runs.run(k.program(), false, Duration.ofSeconds(20), null, k.command()).out();
            assertEquals(RuntimeCorpusTest.normalize(theirs, k.compare()), RuntimeCorpusTest.normalize(ours, k.compare()),
                    k.name() + ": " + k.program());
        }));
    }

    @Test
    void corpusSize() throws IOException {
        assertTrue(RuntimeCorpusTest.load("lang-corpus.txt").size() >= 12);
    }
}
