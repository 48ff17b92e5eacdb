package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fd.name_changed and fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name, read from the eval capture (a shell forks,
 * cat opens, reads, writes, fails an open, connects to 127.0.0.1:8080) as {@code sysdig -r} (0.29) prints them:
 * name_changed true where parsing named the event's fd (the open's exit, the connect's exit), false elsewhere on an fd,
 * false to every filter; the host-name fields without a value until a filter comparison resolved a name to the
 * socket's address (localhost: /etc/hosts), that name from then on. The old code refused all five fields.
 */
class TraceFdNameFieldsTest {
    private static final String FORMAT = "*%evt.num %evt.type %fd.name %fd.name_changed %fd.cip.name %fd.sip.name"
            + " %fd.lip.name %fd.rip.name";

    @Test
    void formatsAndFiltersGiveWhatSysdigGives() throws Exception {
        // the eval capture with its events moved to 2100-01-01 (eval/capture-2100.scap, every event's timestamp shifted
        // by one delta, nothing else changed): sysdig forgets, at a moment its resolver thread picks, every name last
        // used over an hour before the wall clock (docs/trace.md, the host names; trace's Sysdig#moveToTheFuture)
        Path cap = TraceReadFilterTest.EVAL.resolve("capture-2100.scap");
        TraceReadFilterTest.assertSameAsSysdig(cap, List.of(
                List.of("-p", FORMAT),
                List.of("-j", "-p", FORMAT),
                List.of("-p", FORMAT, "fd.name_changed=true"),
                List.of("-p", FORMAT, "fd.name_changed=false"),
                List.of("-p", FORMAT, "fd.name_changed exists"),
                List.of("-p", FORMAT, "fd.sip.name=localhost"),
                List.of("-p", FORMAT, "fd.sip.name!=localhost"),
                List.of("-p", FORMAT, "fd.cip.name in (name.invalid, localhost)"),
                List.of("-p", FORMAT, "fd.lip.name=localhost or evt.num>0"),
                List.of("-p", FORMAT, "fd.rip.name=name.invalid or evt.num>20"),
                List.of("-p", FORMAT, "fd.cip.name=127.0.0.1 or evt.num>0")));
        // the name a filter resolved is the field's value: a filter that compares it again keeps what it kept
        String once = TraceReadFilterTest.oursRead(cap, List.of("-p", FORMAT, "fd.sip.name=localhost"));
        assertTrue(once.lines().count() >= 2 && once.lines().allMatch(l -> l.endsWith("localhost localhost localhost localhost")), once);
    }

    /** sysdig throws at the first socket event such a comparison reaches: boxscope refuses the filter at once. */
    @Test
    void hostNamesCompareOnlyWithEqualsNotEqualsAndIn() {
        Cli c = Cli.run("trace", "-r", TraceReadFilterTest.capture().toString(), "fd.sip.name contains local");
        assertEquals(2, c.code(), c.out() + c.err());
        assertTrue(c.err().contains("fd.*ip.name filter only supports '=' and '!=' operators"), c.err());
    }
}
