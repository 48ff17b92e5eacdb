package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A thread the capture's tables do not list is sysdig's fake entry, whose comm and exe are the string
 * {@code <NA>}: {@code -j} prints {@code "proc.name":"<NA>"} (not null) and a {@code -p} line without
 * {@code *} is printed. On a 2,000,000-event capture 909 of the first 200,000 {@code -j} lines differed.
 */
class TraceUnlistedThreadTest extends CaptureFileTest {
    @Test
    void anUnlistedThreadIsNamedNaAsSysdigNamesIt() throws Exception {
        CaptureTables tables = tables("unlisted", List.of(ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0)),
                Map.of());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 16955, 0).num(0).num(64).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 16955, 0).num(1).bytes(new byte[] {'x'}).build());
        Path file = write("unlisted", tables);
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-j"), List.of("-p", "%evt.num %proc.name %proc.exe %thread.tid")));
        Cli json = Cli.run("trace", "-r", file.toString(), "-j");
        assertTrue(json.out().contains("\"proc.name\":\"<NA>\""), json.out());
    }
}
