package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import io.boxscope.mem.pmap.CommandLine;
import io.boxscope.mem.pmap.Pmap;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.proc.HostPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first line of pmap (PID and command) against the installed procps pmap, on live processes
 * whose argv and comm hold every kind of hostile byte (started by odd_names.py), on zombies, and
 * in a UTF-8 and a C locale. The deliberate differences ({@link CommandLine}): what procps prints
 * raw that a terminal would act on (a control byte or a byte from 0xC0 swallowed into a broken
 * multibyte sequence, C1 controls, U+2028/U+2029, overlong forms) prints as '?'; cases flagged
 * {@code differs} must still show procps printing it raw.
 */
class PmapCommandLineLiveTest {
    static final ProcMemReader READER = new ProcMemReader(HostPaths.DEFAULT);
    static final Map<String, String> UTF8 = Map.of("LC_ALL", "C.UTF-8");
    static final Map<String, String> C = Map.of("LC_ALL", "C");

    private final List<Process> started = new ArrayList<>();
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    record Case(String name, boolean differs, byte[]... argv) {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    static byte[] bytes(int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = (byte) i;
        }
        return out;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** argv[0] of each process; sh adds "-c", "read x", then the rest. */
    static final List<Case> CASES = List.of(
            new Case("tab", false, b("a\tb"), b("x")),
            new Case("newline", false, b("a\nb"), b("x")),
            new Case("cr", false, b("a\rb"), b("x")),
            new Case("soh", false, b("a\u0001b"), b("x")),
            new Case("escape", false, b("\u001b[31mred"), b("x")),
            new Case("del", false, b("a\u007fb"), b("x")),
            new Case("audit", false, b("evil\u001b[31m)\nname x"), b("1800")),
            new Case("c1 csi", true, hex("61c29b62"), b("x")),
            new Case("lead byte swallows a C1 sequence", true, hex("61e6c29b62"), b("x")),
            new Case("overlong c1", true, hex("61e0829b62"), b("x")),
            new Case("invalid ff", false, hex("61ff62"), b("x")),
            new Case("lone continuation", false, hex("618062"), b("x")),
            new Case("overlong", false, hex("61c0af62"), b("x")),
            new Case("f5 lead", false, hex("61f5808080"), b("x")),
            new Case("cut sequence mid-string", false, hex("61e6bc62"), b("x")),
            new Case("cut sequence at the end", false, b("a"), hex("62e6bc")),
            new Case("cut 4-byte at the end", false, b("a"), hex("f09f98")),
            new Case("everything after an invalid byte", false, cat(hex("61ff62097f"), b("é~\\ok")), cat(b("漢"), hex("2001"))),
            new Case("valid multibyte", false, b("é漢😀ｗ"), b("x")),
            new Case("line and paragraph separators", true, b("a\u2028b\u2029c"), b("x")),
            new Case("invisible", false, b("a\u00a0b\u200bc\ufeffd"), b("x")),
            new Case("combining", false, b("e\u0301x\u0300"), b("x")),
            new Case("encoded surrogate", false, hex("61eda08062"), b("x")),
            new Case("above U+10FFFF", false, hex("f49080807a"), b("x")),
            new Case("private and unassigned", false, b("\ue000\udb80\udc00\u0378"), b("x")),
            new Case("empty arguments in the middle", false, b("a"), b(""), b(""), b("b")),
            new Case("empty argument at the end", false, b("a"), b("b"), b("")),
            new Case("spaces", false, b("a "), b(" b")),
            new Case("all ASCII", false, bytes(1, 128), b("y")),
            new Case("all high bytes", false, b("é"), bytes(128, 256)),
            new Case("100 KB", false, b("L".repeat(100_000)), b("end")),
            new Case("240 KB", false, b("L".repeat(120_000)), b("M".repeat(120_000)), b("end")),
            // cmdline = argv[0] NUL "-c" NUL "read x" NUL: procps reads 131,071 bytes of it.
            new Case("cut inside 'read x'", false, b("L".repeat(131_060))),
            new Case("cut at the space of 'read x'", false, b("L".repeat(131_062))),
            new Case("cut after the NUL of argv[0]", false, b("L".repeat(131_070))),
            new Case("cut at a newline", false, b("L".repeat(131_070) + "\n")),
            new Case("newline before the cut", false, b("L".repeat(131_069) + "\nZ")),
            new Case("lead byte swallows a NUL and '-'", false, hex("61e6"), b("\u0001x")),
            new Case("lead byte swallows a newline and SOH", true, cat(hex("61e6"), b("\n\u0001x")), b("y")),
            new Case("lead byte swallows controls", true, cat(hex("61c3"), b("\u0001b\u0002")), b("y")),
            new Case("lead byte swallows ESC", true, cat(hex("e6"), b("\u001b[2J")), b("y")));

    @Test
    void hostileArgvAsProcpsPrintsIt() throws Exception {
        for (Case c : CASES) {
            long pid = exec(c.argv());
            assertFirstLine(c.name(), pid, c.differs());
        }
    }

    /** The audit's case, started the way it was: bash's exec -a. */
    @Test
    void bashExecDashA() throws Exception {
        Process p = start(new ProcessBuilder("bash", "-c", "exec -a $'evil\\e[31m)\\nname x' sleep 1800"));
        waitFor(p.pid(), 'S', "sleep");
        assertFirstLine("exec -a", p.pid(), false);
        assertEquals(p.pid() + ":   evil?[31m) name x 1800", new String(ours(p.pid(), true), StandardCharsets.UTF_8));
    }

    @Test
    void emptyArgvPrintsAQuestionMark() throws Exception {
        Process p = start(python("argc0"));
        waitForCmdline(p.pid(), new byte[] {0});
        waitFor(p.pid(), 'S', null);
        assertFirstLine("argc 0", p.pid(), false);
        assertEquals(p.pid() + ":   ?", new String(ours(p.pid(), true), StandardCharsets.US_ASCII));
    }

    /**
     * argv overwritten in place: when the area's last byte is no longer NUL the kernel returns the
     * text up to the next NUL (into the environment, here empty) and procps drops a last space or
     * newline.
     */
    @Test
    void argvRewrittenInPlace() throws Exception {
        for (byte[][] t : new byte[][][] {{b("T"), b("")}, {b("T"), b(" ")}, {b("T"), b("\n")}, {b("T"), b("\n ")},
                {b("T\u001b"), b("\u0001")}, {b("T"), b("\u0000 ")}, {hex("54e6"), b("x")}}) {
            ProcessBuilder pb = python("title", t[0], t[1]);
            pb.environment().clear();
            long pid = started(pb);
            // "T\xe6" repeated: procps takes e6 'T' e6 as one character and prints the second e6 raw.
            boolean differs = t[0].length == 2 && (t[0][1] & 0xff) == 0xe6;
            assertFirstLine("title " + HexFormat.of().formatHex(t[1]), pid, differs);
        }
    }

    /** A zombie: "[comm] <defunct>" under every flag set, and nothing else but the footer. */
    @Test
    void zombieEveryFlagSet() throws Exception {
        long pid = zombie(b("zombie-child"));
        for (String[] flags : PmapLiveTest.FLAG_SETS) {
            byte[] theirs = procps(pid, null, flags);
            PmapOptions o = PmapLiveTest.options(flags);
            byte[] ours = Pmap.renderBytes(PmapProcess.read(READER, (int) pid, o.mode()), o);
            assertEquals(new String(theirs, StandardCharsets.UTF_8), new String(ours, StandardCharsets.UTF_8),
                    "pmap " + String.join(" ", flags));
            assertTrue(new String(ours, StandardCharsets.UTF_8).startsWith(pid + ":   [zombie-child] <defunct>\n"));
        }
    }

    @Test
    void zombiesWithHostileNames() throws Exception {
        for (byte[] name : new byte[][] {b("ev\u001b[1m\n\t\u007fz"), b("é漢😀"), hex("61ff62e6"),
                b("a) (b [c]"), b("a\\nb\\\\c"), hex("6162e6bc"), b("0123456789abcde")}) {
            long pid = zombie(name);
            assertFirstLine("zombie " + HexFormat.of().formatHex(name), pid, false);
        }
        long pid = zombie(hex("61e6010262"));
        assertFirstLine("zombie with swallowed controls", pid, true);
        assertFirstLine("zombie with C1 and a line separator", zombie(hex("61c29b62e280a8")), true);
    }

    /** A kernel thread has an empty cmdline too, but is no zombie. */
    @Test
    void kernelThreadHasNoDefunct() throws Exception {
        int k = LiveProcesses.kernelThread();
        assertFirstLine("kernel thread", k, false);
        String line = new String(ours(k, true), StandardCharsets.UTF_8);
        assertTrue(line.matches(k + ":   \\[.+\\]"), line);
    }

    // --- helpers ---

    /** Our first line against procps's, in a UTF-8 and in a C locale. */
    static void assertFirstLine(String what, long pid, boolean differs) throws Exception {
        for (boolean utf8 : new boolean[] {true, false}) {
            byte[] theirs = firstLine(procps(pid, utf8 ? UTF8 : C));
            byte[] expected = differs && utf8 ? terminalSafe(theirs) : theirs;
            if (!differs || !utf8) {
                assertTrue(Arrays.equals(expected, terminalSafe(theirs)), what + ": procps printed something a terminal acts on");
            } else {
                assertTrue(!Arrays.equals(expected, theirs), what + ": procps should have printed something raw that we escape");
            }
            byte[] ours = ours(pid, utf8);
            if (!Arrays.equals(expected, ours)) {
                fail(what + (utf8 ? " (UTF-8)" : " (C locale)") + ":\n procps: " + shown(expected) + "\n ours:   " + shown(ours));
            }
        }
    }

    static byte[] ours(long pid, boolean utf8) throws IOException {
        PmapProcess p = PmapProcess.read(READER, (int) pid, PmapOptions.Mode.MAPS);
        return cat(b(pid + ":   "), p.command().terminal(utf8));
    }

    static byte[] procps(long pid, Map<String, String> env, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pmap"));
        cmd.addAll(List.of(flags));
        cmd.add(Long.toString(pid));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (env != null) {
            pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return out;
    }

    static byte[] firstLine(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                return Arrays.copyOf(out, i);
            }
        }
        return out;
    }

    /**
     * procps's UTF-8-locale line with what a terminal would act on replaced by '?', written out
     * here from the rules rather than taken from the code under test: ASCII controls; C2 80..9F
     * (C1), E2 80 A8/A9 (U+2028/9) and the bidi controls E2 80 AA..AE, E2 81 A6..A9 as one '?'; every byte of an E0 80..9F or F0 80..8F
     * (overlong) form; inside any other multibyte sequence procps took whole, a byte from 0xC0.
     */
    static byte[] terminalSafe(byte[] line) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < line.length) {
            int c = line[i] & 0xff;
            int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
            if (n == 1 || i + n > line.length) {
                out.write(c < 0x20 || c == 0x7f ? '?' : c);
                i++;
                continue;
            }
            int c1 = line[i + 1] & 0xff;
            if (n == 2 && c == 0xc2 && c1 >= 0x80 && c1 <= 0x9f
                    || n == 3 && c == 0xe2 && c1 == 0x80 && (line[i + 2] & 0xff) >= 0xa8 && (line[i + 2] & 0xff) <= 0xae
                    || n == 3 && c == 0xe2 && c1 == 0x81 && (line[i + 2] & 0xff) >= 0xa6 && (line[i + 2] & 0xff) <= 0xa9) {
                out.write('?');
            } else if (n == 3 && c == 0xe0 && c1 >= 0x80 && c1 < 0xa0 || n == 4 && c == 0xf0 && c1 >= 0x80 && c1 < 0x90) {
                out.writeBytes("????".substring(0, n).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(c);
                for (int k = i + 1; k < i + n; k++) {
                    int x = line[k] & 0xff;
                    out.write(x < 0x20 || x == 0x7f || x >= 0xc0 ? '?' : x);
                }
            }
            i += n;
        }
        return out.toByteArray();
    }

    /** Printable, and short enough to read: long runs of one byte are counted. */
    static String shown(byte[] line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length; ) {
            int j = i;
            while (j < line.length && line[j] == line[i]) {
                j++;
            }
            int c = line[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
            if (j - i > 8) {
                sb.append("{").append(j - i).append("}");
                i = j;
            } else {
                i++;
            }
        }
        return sb.toString();
    }

    ProcessBuilder python(String mode, byte[]... args) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("boxscope-pmap-names");
        }
        Path script = dir.resolve("odd_names.py");
        if (!Files.exists(script)) {
            try (var in = PmapCommandLineLiveTest.class.getResourceAsStream("/io/boxscope/mem/live/odd_names.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        StringBuilder spec = new StringBuilder();
        for (byte[] a : args) {
            spec.append('x').append(HexFormat.of().formatHex(a)).append('\n');
        }
        Path specFile = Files.createTempFile(dir, "spec", ".txt");
        Files.writeString(specFile, spec);
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return new ProcessBuilder(python, script.toString(), mode, specFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Starts a process that prints "ready PID"; returns that PID once it sleeps (or is a zombie). */
    private long started(ProcessBuilder pb) throws Exception {
        Process p = start(pb);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("ready ")) {
            throw new IllegalStateException(pb.command() + " did not start: " + line);
        }
        long pid = Long.parseLong(line.substring(6).strip());
        waitFor(pid, pid == p.pid() ? 'S' : 'Z', null);
        return pid;
    }

    private long zombie(byte[] name) throws Exception {
        return started(python("zombie", name));
    }

    /** /bin/sh with exactly this argv (plus -c 'read x'), waiting on its stdin. */
    private long exec(byte[]... argv) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        raw.add(argv[0]);
        raw.add(b("-c"));
        raw.add(b("read x"));
        raw.addAll(List.of(argv).subList(1, argv.length));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] a : raw) {
            expected.writeBytes(a);
            expected.write(0);
        }
        Process p = start(python("exec", argv));
        waitForCmdline(p.pid(), expected.toByteArray());
        waitFor(p.pid(), 'S', null);
        return p.pid();
    }

    static void waitForCmdline(long pid, byte[] expected) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Arrays.equals(expected, Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")))) {
                return;
            }
            Thread.sleep(10);
        }
        fail("PID " + pid + " never had the expected command line");
    }

    /** Waits until the process is in {@code state} (and its comm is {@code comm}, if given). */
    static void waitFor(long pid, char state, String comm) throws Exception {
        for (int i = 0; i < 500; i++) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            if (stat.charAt(close + 2) == state && (comm == null || stat.substring(stat.indexOf('(') + 1, close).equals(comm))) {
                return;
            }
            Thread.sleep(10);
        }
        fail("PID " + pid + " never reached state " + state);
    }
}
