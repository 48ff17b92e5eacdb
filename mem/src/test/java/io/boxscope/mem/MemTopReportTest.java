package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.smaps.SmapsFields;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.MemTopReport;
import io.boxscope.mem.top.MemTopReport.By;
import io.boxscope.mem.top.MemTopReport.Key;
import io.boxscope.mem.top.MemTopReport.Row;
import io.boxscope.mem.top.ProcessMemory;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Runtime;
import org.junit.jupiter.api.Test;

/** mem top's grouping, sums, filter and order, on four processes whose figures are written out below. */
class MemTopReportTest {
    static final String WEB = "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef";

    static ProcessMemory process(int pid, int uid, String command, ContainerRef c, long rss, long pss, long privateKb, long swap) {
        SmapsFields f = SmapsFields.of(List.of("Rss", "Pss", "Private_Clean", "Private_Dirty", "Swap"),
                new long[] {rss, pss, 0, privateKb, swap});
        return new ProcessMemory(pid, uid, command.split(" ")[0], command, Rollup.of(f, Rollup.Source.ROLLUP), c);
    }

    static final ContainerRef WEB_REF = new ContainerRef(Runtime.DOCKER, WEB, Optional.empty());
    static final MemTop.Scan SCAN = new MemTop.Scan(List.of(
            process(10, 0, "nginx: master", WEB_REF, 100, 60, 40, 0),
            process(11, 33, "nginx: worker", WEB_REF, 300, 200, 150, 5),
            process(20, 0, "sshd -D", ContainerRef.HOST, 50, 30, 20, 1),
            process(30, 1000, "java -jar app.jar", ContainerRef.HOST, 900, 850, 800, 0)), 2, 1, 7, 0);
    static final Map<String, String> NAMES = Map.of(WEB, "web");
    static final Map<Integer, String> USERS = Map.of(0, "root", 33, "www-data");

    @Test
    void byProcessBiggestPssFirstWithTotals() {
        MemTopReport r = MemTopReport.of(SCAN, NAMES, USERS, null, By.PROCESS, Key.PSS, false);
        assertEquals(List.of(30, 11, 10, 20), r.rows().stream().map(Row::pid).toList());
        assertEquals(new Row(11, "www-data", "nginx: worker", "web", 5, 150, 200, 300, 1), r.rows().get(1));
        assertEquals("1000", r.rows().get(0).user(), "a uid without a name is shown as the number");
        assertEquals("-", r.rows().get(3).container(), "the host");
        assertEquals(new Row(0, "", "", "", 6, 1010, 1140, 1350, 4), r.total());
        assertEquals(7, r.scan().kernelThreads());
    }

    @Test
    void byContainerAndByUserSum() {
        MemTopReport c = MemTopReport.of(SCAN, NAMES, USERS, null, By.CONTAINER, Key.RSS, false);
        assertEquals(List.of(new Row(0, "root", "", "-", 1, 820, 880, 950, 2), new Row(0, "root", "", "web", 5, 190, 260, 400, 2)),
                c.rows());
        MemTopReport u = MemTopReport.of(SCAN, NAMES, USERS, null, By.USER, Key.USER, false);
        assertEquals(List.of("1000", "root", "www-data"), u.rows().stream().map(Row::user).toList());
        assertEquals(new Row(0, "root", "", "web", 1, 60, 90, 150, 2), u.rows().get(1));
    }

    @Test
    void filterAndReverse() {
        MemTopReport r = MemTopReport.of(SCAN, NAMES, USERS, Pattern.compile("nginx"), By.PROCESS, Key.PID, true);
        assertEquals(List.of(11, 10), r.rows().stream().map(Row::pid).toList());
        assertEquals(2, r.total().count());
        assertEquals(400, r.total().rssKb());
    }
}
