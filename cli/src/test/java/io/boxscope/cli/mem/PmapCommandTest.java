package io.boxscope.cli.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code mem pmap} end to end through Main: JSON for one and several PIDs, --pid, hostile command lines. */
class PmapCommandTest {
    record Result(int code, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static final List<Process> started = new ArrayList<>();
    static long busybox1;
    static long busybox2;
    /** sleep with argv[0] "evil ESC[31m) LF name \xff x": a control, a newline and an invalid byte. */
    static long evil;
    /** A zombie: sh's background child, never waited for once sh became sleep. */
    static long zombie;

    @BeforeAll
    static void start() throws Exception {
        busybox1 = start(new ProcessBuilder("/bin/busybox", "sleep", "600"), "busybox");
        busybox2 = start(new ProcessBuilder("/bin/busybox", "sleep", "600"), "busybox");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        evil = start(new ProcessBuilder(python, "-c",
                "import os; os.execv('/bin/sleep', [b'evil\\x1b[31m)\\nname \\xffx', b'1800'])"), "sleep");
        long sh = start(new ProcessBuilder("sh", "-c", "sleep 0.1 & exec sleep 600"), "sleep");
        Path children = Path.of("/proc/" + sh + "/task/" + sh + "/children");
        for (int i = 0; i < 500 && zombie == 0; i++) {
            for (String c : Files.readString(children).strip().split(" ")) {
                if (!c.isEmpty() && state(Long.parseLong(c)) == 'Z') {
                    zombie = Long.parseLong(c);
                }
            }
            Thread.sleep(10);
        }
        assertTrue(zombie > 0, "sh -c 'sleep 0.1 & exec sleep 600' left no zombie");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    static long start(ProcessBuilder pb, String comm) throws Exception {
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        for (int i = 0; i < 500; i++) {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"), StandardCharsets.ISO_8859_1);
            if (stat.contains("(" + comm + ") S")) {
                return p.pid();
            }
            Thread.sleep(10);
        }
        fail(pb.command() + " never slept");
        return -1;
    }

    static char state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static byte[] procps(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pmap"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return out;
    }

    @Test
    void jsonForOnePidIsOneObject() {
        Result r = run("--json", "mem", "pmap", Long.toString(busybox1));
        assertEquals(0, r.code(), r.err());
        Map<String, Object> o = Json.asObject(Json.parse(r.text()));
        assertEquals(busybox1, ((Number) o.get("pid")).longValue());
        assertEquals("/bin/busybox sleep 600", o.get("command"));
        assertEquals(List.of("/bin/busybox", "sleep", "600"), o.get("argv"));
        assertEquals("S", o.get("state"));
        assertTrue(!Json.asList(o.get("mappings")).isEmpty());
    }

    @Test
    void jsonForTwoPidsIsOneArray() {
        Result r = run("--json", "mem", "pmap", "-x", Long.toString(busybox1), Long.toString(busybox2));
        assertEquals(0, r.code(), r.err());
        List<Object> a = Json.asList(Json.parse(r.text()));
        assertEquals(2, a.size());
        assertEquals(busybox1, ((Number) Json.asObject(a.get(0)).get("pid")).longValue());
        assertEquals(busybox2, ((Number) Json.asObject(a.get(1)).get("pid")).longValue());
    }

    @Test
    void jsonWithAPidThatCannotBeReadIsStillOneArrayAndTheErrorGoesToStderr() {
        Result r = run("--json", "mem", "pmap", Long.toString(busybox1), Integer.toString(Integer.MAX_VALUE));
        assertEquals(1, r.code(), r.err());
        List<Object> a = Json.asList(Json.parse(r.text()));
        assertEquals(1, a.size());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("boxscope: ") && r.err().contains(Integer.toString(Integer.MAX_VALUE)), r.err());
    }

    /** JSON gives the exact command line (invalid UTF-8 as U+FFFD), escaped so the document stays valid. */
    @Test
    void jsonCommandIsExactAndEscaped() {
        Result r = run("--json", "mem", "pmap", Long.toString(evil));
        assertEquals(0, r.code(), r.err());
        String text = r.text();
        assertTrue(text.contains("\"evil\\u001b[31m)\\nname \ufffdx 1800\""), text.lines().limit(8).toList().toString());
        Map<String, Object> o = Json.asObject(Json.parse(text));
        assertEquals("evil\u001b[31m)\nname \ufffdx 1800", o.get("command"));
        assertEquals(List.of("evil\u001b[31m)\nname \ufffdx", "1800"), o.get("argv"));
        assertEquals("sleep", o.get("comm"));
        for (char c : text.toCharArray()) {
            assertTrue(c >= 0x20 || c == '\n', "raw control character in the JSON: " + (int) c);
        }
    }

    /** The terminal keeps procps's lossy form, byte for byte. */
    @Test
    void textIsProcpsByteForByte() throws Exception {
        for (long pid : new long[] {evil, zombie}) {
            Result r = run("mem", "pmap", Long.toString(pid));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(procps(Long.toString(pid)), r.out(), r.text());
        }
        assertTrue(run("mem", "pmap", Long.toString(evil)).text().startsWith(evil + ":   evil?[31m) name ?x 1800\n"));
        assertTrue(run("mem", "pmap", "-x", Long.toString(zombie)).text().startsWith(zombie + ":   [sleep] <defunct>\n"));
    }

    @Test
    void jsonForAZombie() {
        Map<String, Object> o = Json.asObject(Json.parse(run("--json", "mem", "pmap", Long.toString(zombie)).text()));
        assertEquals("", o.get("command"));
        assertEquals(List.of(), o.get("argv"));
        assertEquals("sleep", o.get("comm"));
        assertEquals("Z", o.get("state"));
        assertEquals(List.of(), o.get("mappings"));
    }

    @Test
    void pidOptionAloneIsLikeAPositionalPid() {
        String pid = Long.toString(busybox1);
        Result positional = run("mem", "pmap", "-x", pid);
        assertEquals(0, positional.code(), positional.err());
        for (String[] args : new String[][] {{"--pid", pid, "mem", "pmap", "-x"}, {"mem", "pmap", "-x", "--pid", pid}}) {
            Result r = run(args);
            assertEquals(0, r.code(), r.err());
            assertEquals(positional.text(), r.text(), String.join(" ", args));
        }
    }

    @Test
    void pidOptionWithPositionalPidsIsAUsageError() {
        String a = Long.toString(busybox1);
        String b = Long.toString(busybox2);
        for (String[] args : new String[][] {{"mem", "pmap", "--pid", a, b}, {"--pid", a, "mem", "pmap", a}, {"--json", "--pid", a, "mem", "pmap", a, b}}) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(0, r.out().length, r.text());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("boxscope: ") && r.err().contains("either as arguments or with --pid"), r.err());
        }
    }

    /**
     * The locale decides, through the JVM's native.encoding, as it does for procps: UTF-8 prints
     * "café 漢" raw, the C locale "caf?? ???". Run in child JVMs, since a JVM reads its locale once.
     */
    @Test
    void theLocaleDecidesAsItDoesForProcps() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        long pid = start(new ProcessBuilder(python, "-c",
                "import os; os.execv('/bin/sleep', [b'caf\\xc3\\xa9 \\xe6\\xbc\\xa2', b'1800'])"), "sleep");
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (String locale : List.of("C.UTF-8", "C")) {
            byte[] theirs = output(List.of("pmap", Long.toString(pid)), locale);
            byte[] ours = output(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), "io.boxscope.cli.Main", "mem", "pmap", Long.toString(pid)), locale);
            assertEquals(new String(theirs, StandardCharsets.ISO_8859_1), new String(ours, StandardCharsets.ISO_8859_1), locale);
            String first = new String(theirs, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
            assertEquals(pid + ":   " + (locale.equals("C") ? "caf?? ??? 1800" : "café 漢 1800"), first, locale);
        }
    }

    /** A command's standard output, run with LC_ALL={@code locale} and no other locale variable. */
    static byte[] output(List<String> command, String locale) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", locale);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), command + " failed");
        return out;
    }
}
