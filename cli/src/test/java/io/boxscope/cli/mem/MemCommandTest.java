package io.boxscope.cli.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mem commands end to end through Main: output, exit codes, one-line errors. */
class MemCommandTest {
    record Result(int code, String out, String err) {}

    static Process busybox;

    @BeforeAll
    static void start() throws Exception {
        busybox = new ProcessBuilder("/bin/busybox", "sleep", "600").start();
        for (int i = 0; i < 100; i++) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + busybox.pid() + "/stat"));
            if (stat.charAt(stat.lastIndexOf(')') + 2) == 'S') {
                break;
            }
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        busybox.destroyForcibly();
        busybox.waitFor();
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String procps(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    static void oneLineError(Result r, int code, String contains) {
        assertEquals(code, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one line, no stack trace: " + r.err());
        assertTrue(r.err().startsWith("boxscope: ") && r.err().contains(contains), r.err());
    }

    @Test
    void pmapThroughTheCliIsByteExact() throws Exception {
        String pid = Long.toString(busybox.pid());
        for (String[] flags : new String[][] {{}, {"-x"}, {"-XX"}, {"-x", "-q", "-p"}}) {
            String[] ours = new String[flags.length + 3];
            ours[0] = "mem";
            ours[1] = "pmap";
            System.arraycopy(flags, 0, ours, 2, flags.length);
            ours[ours.length - 1] = pid;
            String[] theirs = new String[flags.length + 2];
            theirs[0] = "pmap";
            System.arraycopy(flags, 0, theirs, 1, flags.length);
            theirs[theirs.length - 1] = pid;
            Result r = run(ours);
            assertEquals(0, r.code(), r.err());
            assertEquals(procps(theirs), r.out(), String.join(" ", theirs));
        }
    }

    @Test
    void missingProcess() {
        oneLineError(run("mem", "pmap", "-x", "999999999"), 1, "no process with PID 999999999");
        oneLineError(run("mem", "rollup", "999999999"), 1, "no process");
        oneLineError(run("mem", "smaps", "999999999"), 1, "no process");
    }

    @Test
    void processThatExitedBeforeTheRead() throws Exception {
        Process p = new ProcessBuilder("/bin/busybox", "true").start();
        p.waitFor();
        oneLineError(run("mem", "rollup", Long.toString(p.pid())), 1, "no process");
    }

    @Test
    void permissionDenied() throws Exception {
        // PID 1 may be a process even root may not read (a VM's init); where it is readable this
        // only checks the command works. Denial for real, as nobody: MemAsNobodyTest.
        boolean readable = java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/1/smaps"));
        try {
            java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/1/smaps"));
        } catch (java.nio.file.AccessDeniedException e) {
            readable = false;
        }
        Result r = run("mem", "smaps", "1");
        if (readable) {
            assertEquals(0, r.code(), r.err());
        } else {
            oneLineError(r, 3, "permission denied");
        }
    }

    @Test
    void unknownContainerListsNames() {
        Result r = run("mem", "container", "no-such-container-xyz");
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, r.code());
        assertTrue(r.err().startsWith("boxscope: no container named 'no-such-container-xyz'"), r.err());
        // Main lists the containers that do run ("running: a, b") or says there are none.
        assertTrue(r.err().contains("(running: ") || r.err().contains("no containers"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("mem", "pmap", "-x", "-X", "1").code());
        assertEquals(2, run("mem", "pmap", "-A", "zz", "1").code());
        assertEquals(2, run("mem", "top", "--filter", "(").code());
        assertEquals(2, run("mem", "smaps", "1", "--sort", "nope").code());
        assertEquals(2, run("mem").code());
    }

    @Test
    void rollupExplainsRssPssUss() {
        Result r = run("mem", "rollup", Long.toString(ProcessHandle.current().pid()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("RSS counts ") && r.out().contains("PSS charges it"), r.out());
        Map<String, Object> j = Json.asObject(Json.parse(run("--json", "mem", "rollup", Long.toString(busybox.pid())).out()));
        assertEquals(((Number) j.get("uss_kb")).longValue(), ((Number) Json.asObject(j.get("rollup_kb")).get("private_clean")).longValue()
                + ((Number) Json.asObject(j.get("rollup_kb")).get("private_dirty")).longValue());
    }

    @Test
    void topJsonHasExactKbAndOurBusybox() {
        Result r = run("mem", "top", "--json", "--filter", "busybox sleep 600");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.asObject(Json.parse(r.out()));
        List<Object> rows = Json.asList(j.get("rows"));
        assertTrue(rows.stream().map(Json::asObject).anyMatch(o -> ((Number) o.get("pid")).longValue() == busybox.pid()), r.out());
        Result text = run("mem", "top", "--by", "user");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("USER") && text.out().contains("TOTAL"), text.out());
    }

    @Test
    void smapsGroupsOnOneScreen() {
        Result r = run("mem", "smaps", Long.toString(ProcessHandle.current().pid()), "--sort", "pss", "--top", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().count() <= 12, r.out());
        assertTrue(r.out().contains("more groups") && r.out().contains("TOTAL"), r.out());
    }
}
