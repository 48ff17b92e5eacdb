package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Supplier;
import io.boxscope.proc.cgroup.CgroupFiles;
import io.boxscope.proc.cgroup.CgroupIo;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.CpuUsage;
import org.junit.jupiter.api.Test;

/**
 * The hand-written field splitting of the per-sample parsers (issue 15) against the regex code it replaced, kept here
 * as the reference ({@code strip().split("\\s+")} and the old parsers, copied from git history before the change): the
 * same fields, and for each parser the same record or the same exception, on the kernel's text and on hostile text
 * (control characters, Unicode spaces, U+FFFD from non-UTF-8 bytes, signs, '=' in odd places, 6,000-character lines).
 */
class FieldsTest {
    private static final char[] ALPHABET = {' ', ' ', '\t', '\n', '\n', '\r', '\f', 0x0B, 0x1C, 0x1F, 0, '\u2003', '\u00A0',
            '\u0085', '\uFFFD', 'a', 'r', '=', '-', '+', '0', '1', '9', '9', '_'};
    private static final String[] WORDS = {"usage_usec", "nr_periods", "nr_throttled", "throttled_time", "throttled_usec",
            "rbytes=", "wbytes=", "rios=", "wios=", "dbytes=", "8:0", "12345", "-7", "+3", "9223372036854775807",
            "9223372036854775808", "="};

    private static List<String> reference(String line) {
        String[] f = line.strip().split("\\s+");
        return f.length == 1 && f[0].isEmpty() ? List.of() : Arrays.asList(f);
    }

    private static List<String> fields(String line) {
        int[] b = new int[2 * 64];
        int n = Fields.split(line, 0, line.length(), b);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, 64); i++) {
            out.add(line.substring(b[2 * i], b[2 * i + 1]));
        }
        return out;
    }

    private static String hostile(Random r, int max) {
        StringBuilder s = new StringBuilder();
        int len = r.nextInt(max);
        while (s.length() < len) {
            if (r.nextInt(3) == 0) {
                s.append(WORDS[r.nextInt(WORDS.length)]);
            } else {
                s.append(ALPHABET[r.nextInt(ALPHABET.length)]);
            }
        }
        return s.toString();
    }

    @Test
    void theSameFieldsAsTheRegexSplit() {
        Random r = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            String line = hostile(r, 40);
            List<String> want = reference(line);
            if (want.size() <= 64) {
                assertEquals(want, fields(line), () -> "line " + escape(line));
            }
        }
        String longLine = "x ".repeat(3000);
        assertEquals(3000, Fields.split(longLine, 0, longLine.length(), new int[2]));
        assertEquals(List.of(), fields(" \t\u2003\n"));
        assertEquals(List.of("1\u20032"), fields("\u20031\u20032\u2003"), "inside a field a Unicode space is no separator");
    }

    /** Each parser's outcome: its value, or the class of what it threw. */
    private static Object outcome(Supplier<Object> p) {
        try {
            return p.get();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    @Test
    void theParsersGiveWhatTheRegexParsersGave() {
        Random r = new Random(1515);
        for (int i = 0; i < 20_000; i++) {
            String text = hostile(r, i % 100 == 0 ? 6000 : 60);
            assertEquals(outcome(() -> oldSchedStat(text)), outcome(() -> TaskSchedStat.parse(text)), () -> "schedstat " + escape(text));
            assertEquals(outcome(() -> oldCpuStat(text)), outcome(() -> CgroupFiles.cpuStat(text)), () -> "cpu.stat " + escape(text));
            assertEquals(outcome(() -> oldUsage(text)), outcome(() -> CpuUsage.fromV2CpuStat(text)), () -> "usage " + escape(text));
            assertEquals(outcome(() -> oldIoV2(text)), outcome(() -> CgroupIo.parseV2(text)), () -> "io.stat " + escape(text));
        }
    }

    @Test
    void hostileTextIsRefusedOrRead() {
        assertEquals(new TaskSchedStat(1, 2, 3), TaskSchedStat.parse("\u20031\t2\u000b3 4 junk\u2003\n"));
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse("1 2 \uFFFD"));
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse("1 2 99999999999999999999"));
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse("1\u00002 3"));
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse(""));
        assertEquals(new CpuThrottling(4, 2, 7000), CgroupFiles.cpuStat("nr_periods 4\r\nbogus\nnr_throttled 2 extra\nnr_throttled\t2\n"
                + "throttled_usec 7\n" + "z".repeat(6000) + "\n"));
        assertThrows(ProcParseException.class, () -> CgroupFiles.cpuStat("nr_periods \u0000\n"));
        assertEquals(OptionalLong.empty(), CpuUsage.fromV2CpuStat("usage_usec\n usage_usec 1 2\n"));
        assertEquals(new CgroupIo(3, 0, 0, 5), CgroupIo.parseV2("8:0 rbytes=1 wios=5 =9 novalue\n259:0 rbytes=2 x=\u0000\u0000\n"
                .replace("x=\u0000\u0000", "noeq")));
        assertThrows(ProcParseException.class, () -> CgroupIo.parseV2("8:0 rbytes=\uFFFD\n"));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.append("'").toString();
    }

    // The parsers before issue 15's change, as they were (the reference).

    private static TaskSchedStat oldSchedStat(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length < 3) {
            throw new ProcParseException("schedstat", "expected 3 numbers");
        }
        try {
            return new TaskSchedStat(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (NumberFormatException e) {
            throw new ProcParseException("schedstat", "not a number");
        }
    }

    private static long oldNumber(String file, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProcParseException(file, "not a number: '" + s + "'");
        }
    }

    private static CpuThrottling oldCpuStat(String text) {
        long periods = 0;
        long throttled = 0;
        long nanos = 0;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 2) {
                continue;
            }
            switch (f[0]) {
                case "nr_periods" -> periods = oldNumber("cpu.stat", f[1]);
                case "nr_throttled" -> throttled = oldNumber("cpu.stat", f[1]);
                case "throttled_time" -> nanos = oldNumber("cpu.stat", f[1]);
                case "throttled_usec" -> nanos = oldNumber("cpu.stat", f[1]) * 1000;
                default -> { }
            }
        }
        return new CpuThrottling(periods, throttled, nanos);
    }

    private static OptionalLong oldUsage(String text) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && f[0].equals("usage_usec")) {
                return OptionalLong.of(oldNumber("cpu.stat", f[1]) * 1000);
            }
        }
        return OptionalLong.empty();
    }

    private static CgroupIo oldIoV2(String text) {
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                long v = oldNumber("io.stat", f[i].substring(eq + 1));
                switch (f[i].substring(0, eq)) {
                    case "rbytes" -> rb += v;
                    case "wbytes" -> wb += v;
                    case "rios" -> ro += v;
                    case "wios" -> wo += v;
                    default -> { }
                }
            }
        }
        return new CgroupIo(rb, wb, ro, wo);
    }
}
