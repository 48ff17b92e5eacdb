package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boxscope probe -d}: the typed AST of a program, or its diagnostics with exit 2, on the running kernel. */
@KernelTest
class ProbeCheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void labProgramPrintsTypedAst() {
        Cli r = Cli.run("probe", "-d", "-e", "tracepoint:syscalls:sys_enter_read /pid == 1234/ { @start[tid] = nsecs; } "
                + "tracepoint:syscalls:sys_exit_read /@start[tid]/ { @us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Program\n tracepoint:syscalls:sys_enter_read\n  pred\n   == :: int64\n    builtin: pid :: uint64\n"), r.out());
        assertTrue(r.out().contains("   map: @us :: hist\n"), r.out());
        assertTrue(r.out().endsWith("Maps\n @start[uint64] :: uint64\n @us :: hist\n"), r.out());
    }

    @Test
    void fileWithShebangAndInterval() throws Exception {
        Path f = dir.resolve("connects.bt");
        Files.writeString(f, "#!/usr/bin/env bpftrace\ntracepoint:syscalls:sys_enter_connect { @connects[comm] = count(); }\n"
                + "interval:s:5 { print(@connects); clear(@connects); }\n");
        Cli r = Cli.run("probe", "-d", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(" interval:s:5\n  call: print :: none\n   map: @connects :: count\n"), r.out());
    }

    @Test
    void errorsAreDiagnosticsWithExit2() throws Exception {
        Cli r = Cli.run("probe", "-d", "-e", "tracepoint:syscalls:sys_enter_opnat { @[comm] = count(); }");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("""
                stdin:1:1: error: tracepoint not found: syscalls:sys_enter_opnat
                tracepoint:syscalls:sys_enter_opnat { @[comm] = count(); }
                ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
                hint: did you mean `sys_enter_openat`?
                """), r.err());
        Path f = dir.resolve("bad.bt");
        Files.writeString(f, "BEGIN {\n  printf(\"%d\\n\", comm);\n}\n");
        Cli b = Cli.run("probe", "-d", f.toString());
        assertEquals(2, b.code());
        assertTrue(b.err().startsWith(f + ":2:3: error: printf: %d specifier expects a value of type integer (string supplied)\n"), b.err());
        Cli garbage = Cli.run("probe", "-d", "-e", "BEGIN { $x = \u0000; }");
        assertEquals(2, garbage.code());
        assertTrue(garbage.err().contains("invalid character '\\x00'"), garbage.err());
        assertTrue(!garbage.err().contains("Exception"), garbage.err());
    }

    @Test
    void missingFileIsExit1AndUsageIsExit2() {
        Cli r = Cli.run("probe", "-d", dir.resolve("nope.bt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
        assertEquals(2, Cli.run("probe", "-d", "-l").code());
        assertEquals(2, Cli.run("probe", "-d").code());
    }

    @Test
    void positionalParameters() {
        Cli r = Cli.run("probe", "-d", "-e", "BEGIN { printf(\"%s %d %d\\n\", str($1), $2, $#); }", "bash", "42");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("param: $1 :: string[5]"), r.out());
        assertTrue(r.out().contains("param: $2 :: int64"), r.out());
    }

    @Test
    void unsafeFlag() {
        assertEquals(2, Cli.run("probe", "-d", "-e", "BEGIN { system(\"true\"); }").code());
        Cli r = Cli.run("probe", "-d", "--unsafe", "-e", "BEGIN { system(\"true\"); }");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void withoutDTheProgramRuns() {
        Cli r = Cli.run("probe", "-e", "BEGIN { exit(); }");
        assertEquals(0, r.code(), r.err());
        assertEquals("Attaching 1 probe...\n\n\n", r.out());
    }
}
