package io.boxscope.cli.trace;


import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: string and buffer parameters of length 0 (a parameter the probe could not read, as opposed to
 * {@code ""}, one NUL byte) and of length 1 (PT_FSPATH, PT_FSRELPATH, PT_BYTEBUF; PT_CHARBUF only ""), printed
 * by sysdig 0.29 and by us: default lines, {@code -j}, {@code evt.arg[N]} and {@code evt.arg.NAME} fields. A
 * path of length 0 prints what the last parameter rendered left in sinsp_evt's storage ({@code path=-2} after
 * {@code res=-2(ENOENT)}, {@code newpath=-100} after {@code newdirfd=-100(AT_FDCWD)}, or an earlier event's
 * value), so the order fields are rendered in counts: with {@code -p}, only the format's fields.
 */
class TraceEmptyParamTest extends CaptureFileTest {
    @Test
    void emptyParametersPrintAsSysdigPrintsThem() throws Exception {
        CaptureTables tables = tables("emptyparam",
                List.of(ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of("-c", "x"), "/root/", 0, 0)),
                Map.of(100L, List.of(FdInfo.file(3, 9, "/dev/null", 0, 5))));
        // BYTEBUF: a write of 0 bytes (length 0) and a read of one NUL byte
        ev.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 100, 0).num(3).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 100, 0).num(0).empty().build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(3).num(10).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(0).empty().build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(3).num(10).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(new byte[] {0}).build());
        // CHARBUF: chdir's path "" (one of length 0 is not covered: sysdig prints it with snprintf("%s") from
        // where its value would start, so the bytes of the next parameters or of the file's block trailer)
        ev.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", ts += 1000, 100, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", ts += 1000, 100, 0).num(-2).str("").build());
        // FSPATH: mkdir's path of length 0 and "", after a res parameter
        ev.add(ScapEvent.builder("PPME_SYSCALL_MKDIR_2_E", ts += 1000, 100, 0).num(0755).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_MKDIR_2_X", ts += 1000, 100, 0).num(-2).empty().build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_MKDIR_2_E", ts += 1000, 100, 0).num(0755).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_MKDIR_2_X", ts += 1000, 100, 0).num(-2).str("").build());
        // FSPATH as an event's only parameter: execve's filename
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, 100, 0).empty().build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, 100, 0).str("").build());
        // FSRELPATH: unlinkat's name of length 0 after a dirfd, and renameat2's two paths
        ev.add(ScapEvent.builder("PPME_SYSCALL_UNLINKAT_2_E", ts += 1000, 100, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_UNLINKAT_2_X", ts += 1000, 100, 0).num(-2).num(-100).empty().num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_RENAMEAT2_E", ts += 1000, 100, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_RENAMEAT2_X", ts += 1000, 100, 0).num(-2).num(-100).str("a").num(-100).empty().num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_RENAMEAT2_E", ts += 1000, 100, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_RENAMEAT2_X", ts += 1000, 100, 0).num(-2).num(-100).empty().num(3).str("b").num(0).build());
        Path file = write("emptyparam", tables);
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.<String>of(), List.of("-j"),
                List.of("-p", "*%evt.num %evt.type %evt.arg.data %evt.arg.path %evt.arg.filename %evt.arg.name"
                        + " %evt.arg.target %evt.arg.newpath %evt.arg.oldpath"),
                List.of("-p", "*%evt.num %evt.type %evt.arg[0] %evt.arg[1] %evt.arg[2] %evt.arg[4]")));
    }
}
