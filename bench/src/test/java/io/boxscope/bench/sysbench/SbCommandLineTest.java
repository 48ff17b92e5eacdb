package io.boxscope.bench.sysbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** sysbench 1.0.20's command-line rules (src/sysbench.c, sb_options.c), on hostile input too. */
class SbCommandLineTest {
    @Test
    void wordsAndOptionsInAnyOrderLastValueWins() throws Exception {
        SbCommandLine cl = SbCommandLine.parse("--threads=1", "cpu", "--cpu-max-prime=50", "run", "--threads=4", "--cpu_max_prime=70");
        assertEquals("cpu", cl.test());
        assertEquals("run", cl.command());
        assertEquals(4, cl.values().integer("threads"));
        cl.parseTest(SbTables.CPU);
        assertEquals(70, cl.values().integer("cpu-max-prime"));
    }

    @Test
    void aThirdWordAndUnknownOptionsAreRefused() throws Exception {
        SbCommandLine.Refused r = assertThrows(SbCommandLine.Refused.class, () -> SbCommandLine.parse("a", "b", "c"));
        assertEquals("Unrecognized command line argument: c", r.getMessage());
        SbCommandLine cl = SbCommandLine.parse("cpu", "--memory-block-size=1K", "run");
        r = assertThrows(SbCommandLine.Refused.class, () -> cl.parseTest(SbTables.CPU));
        assertEquals("invalid option: --memory-block-size=1K", r.getMessage());
        // a general boolean with a value sysbench does not know falls through to the test, which refuses it
        SbCommandLine bad = SbCommandLine.parse("cpu", "--validate=yes", "run");
        assertThrows(SbCommandLine.Refused.class, () -> bad.parseTest(SbTables.CPU));
        // "--threads 2": only --NAME=VALUE carries a value, so "2" is the command
        SbCommandLine spaced = SbCommandLine.parse("cpu", "--threads", "2");
        assertEquals("2", spaced.command());
        assertEquals(0, spaced.values().integer("threads"));
    }

    @Test
    void valuesReadTheWaySysbenchReadsThem() throws Exception {
        SbValues v = SbCommandLine.parse("--events=12x", "--time=-3", "--thread-stack-size=2m", "--rate=99999999999").values();
        SbValues.BadValue e = assertThrows(SbValues.BadValue.class, () -> v.integer("events"));
        assertEquals("Invalid value for the 'events' option: '12x'", e.getMessage());
        assertEquals(-3, v.integer("time"));
        assertEquals(2L << 20, v.size("thread-stack-size"));
        assertThrows(SbValues.BadValue.class, () -> v.integer("rate"));
        assertEquals(0, SbValues.parseSize("1.5G")); // sysbench's own size parser: an unknown suffix is 0
        assertEquals(0, SbValues.parseSize("-1"));
        assertEquals(1L << 40, SbValues.parseSize("1t"));
        assertEquals(1.5, SbValues.strtod("1.5abc"));
        assertEquals(0, SbValues.strtod("abc"));
        assertNull(SbValues.strtol("x"));
        assertNull(SbValues.strtol("+"));
    }

    @Test
    void flagsAndLists() throws Exception {
        SbValues v = SbCommandLine.parse("--histogram", "--debug=off", "--report-checkpoints=3,1,,2").values();
        assertTrue(v.flag("histogram"));
        assertFalse(v.flag("debug"));
        assertEquals(List.of("3", "1", "2"), v.list("report-checkpoints"));
        assertFalse(v.flag("validate"));
    }

    @Test
    void configFileValues() {
        assertEquals(List.of("a", "b,c", "d"), SbCommandLine.configValues(" a, 'b,c' ,d # comment"));
        assertEquals(List.of(), SbCommandLine.configValues("# nothing"));
        assertEquals(List.of("x"), SbCommandLine.configValues("x 'unterminated"));
    }

    @Test
    void optionTablesPrintLikeSysbench() {
        assertEquals("cpu options:\n  --cpu-max-prime=N upper limit for primes generator [10000]\n\n",
                "cpu options:\n" + SbTables.options(SbTables.CPU.options()));
        assertEquals("  --thread-yields=N number of yields to do per request [1000]\n"
                + "  --thread-locks=N  number of locks per thread [8]\n\n", SbTables.options(SbTables.THREADS.options()));
    }
}
