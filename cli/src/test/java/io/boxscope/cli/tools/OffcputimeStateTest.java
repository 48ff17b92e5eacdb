package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import org.junit.jupiter.api.Test;

/**
 * {@code offcputime --state} takes what libbpf-tools' offcputime takes: 0, 1 or 2. Its parse_arg prints "Invalid
 * task state: N" and the usage for anything else (run here: {@code offcputime --state 3} and {@code --state -5}
 * both say so and exit 64, argp's usage status); ours says the same words and exits 2, our usage status.
 */
class OffcputimeStateTest {
    @Test
    void statesOutsideZeroToTwoAreRefusedWithLibbpfToolsWords() {
        for (String bad : new String[] {"3", "-5", "-1", "4096"}) {
            Cli r = Cli.run("offcputime", "--state", bad, "1");
            assertEquals(2, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("Invalid task state: " + bad), bad + ": " + r.err());
        }
    }

    @Test
    void aStateThatIsNotANumberIsAUsageError() {
        Cli r = Cli.run("offcputime", "--state", "abc", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--state"), r.err());
    }
}
