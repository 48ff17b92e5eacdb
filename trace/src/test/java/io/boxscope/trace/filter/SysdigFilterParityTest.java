package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus's SYSDIG column is what sysdig 0.29.3 really does: every filter is given to the
 * installed sysdig, which says whether it compiles. Runs wherever sysdig is installed; CI and root
 * runs without it fail rather than skip.
 */
class SysdigFilterParityTest {
    @Test
    void sysdigCompilesExactlyTheFiltersTheCorpusSays(@TempDir Path dir) throws Exception {
        Sysdig.require();
        Path empty = Files.createFile(dir.resolve("empty.scap"));
        List<String> wrong = new ArrayList<>();
        for (Corpus c : Corpus.load()) {
            String got = Sysdig.classify(c.filter(), empty);
            if (!got.equals(c.sysdig())) {
                wrong.add("[" + c.filter() + "]: corpus says " + c.sysdig() + ", sysdig says " + got);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void sysdigIsTheVersionTheCorpusWasWrittenFor() throws Exception {
        Sysdig.Result r = Sysdig.run("--version");
        assertEquals("sysdig version 0.29.3", r.output().strip());
    }
}
