package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import io.boxscope.mem.pmap.CommandLine;
import io.boxscope.mem.pmap.Pmap;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import org.junit.jupiter.api.Test;

/**
 * The first line's command and the exact argv, without processes: each expected value is what
 * procps pmap 4.0.2 printed for a live process with that cmdline or comm (PmapCommandLineLiveTest
 * re-checks them against pmap itself).
 */
class PmapCommandLineTest {
    /** A byte string (one char per byte) from hex. */
    static String raw(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
    }

    static String utf8(String hex) {
        return terminal(new CommandLine(raw(hex), "sh", 'S'), true);
    }

    static String c(String hex) {
        return terminal(new CommandLine(raw(hex), "sh", 'S'), false);
    }

    /** Terminal bytes as hex, to compare exactly. */
    static String terminal(CommandLine c, boolean utf8) {
        return HexFormat.of().formatHex(c.terminal(utf8));
    }

    static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void asciiControlsAreQuestionMarksNewlinesAndNulsSpaces() {
        // "evil\e[31m)\nname x" "1800": what the audit saw.
        assertEquals(hex("evil?[31m) name x 1800"), utf8(hex("evil\u001b[31m)\nname x") + "00" + hex("1800") + "00"));
        assertEquals(hex("a?b?c?d?e x"), utf8(hex("a\tb\rc\u0001d\u007fe") + "00" + hex("x") + "00"));
        assertEquals(hex("a   b"), utf8(hex("a") + "000000" + hex("b") + "00"));
    }

    @Test
    void trailingNulsAreDroppedAndALastSpaceOrNewlineWithoutNul() {
        assertEquals(hex("a b"), utf8(hex("a") + "00" + hex("b") + "0000"));
        assertEquals(hex("a  "), utf8(hex("a") + "00" + hex(" ") + "00"));
        assertEquals(hex("TT"), utf8(hex("TT ")));
        assertEquals(hex("TT"), utf8(hex("TT\n")));
        assertEquals(hex("T "), utf8(hex("T\n ")));
        assertEquals(hex("a "), utf8(hex("a") + "00" + hex(" ")));
    }

    @Test
    void nothingLeftIsAQuestionMark() {
        assertEquals(hex("?"), utf8("00"));
        assertEquals(hex("?"), utf8("000000"));
        assertEquals(hex("?"), utf8(hex(" ")));
    }

    @Test
    void validUtf8PrintsRawAsProcpsPrintsIt() {
        // Including surrogates and code points above U+10FFFF: terminals show U+FFFD for those.
        for (String s : List.of("c3a9e6bca2f09f9880", "61eda08062", "f49080807a", "61c2a062e2808b63efbbbf64")) {
            assertEquals(s + "2078", utf8(s + "00" + hex("x") + "00"), s);
        }
    }

    @Test
    void whatATerminalActsOnPrintsAsAQuestionMarkWhereProcpsPrintsItRaw() {
        assertEquals("613f62", utf8("61c29b6200"));              // U+009B, CSI
        assertEquals("613f623f63", utf8("61e280a862e280a96300")); // U+2028, U+2029
        // the bidi controls reorder what follows on screen: U+202A, U+202E, U+2066, U+2069 ...
        assertEquals("3f3f3f3f", utf8("e280aae280aee281a6e281a900"));
        // ... their neighbours U+2027, U+202F, U+2065, U+206A print raw, as procps prints them
        assertEquals("e280a7e280afe281a5e281aa", utf8("e280a7e280afe281a5e281aa00"));
        assertEquals("61e63f9b62", utf8("61e6c29b6200"));         // C2 would start a character: then 9B alone
        assertEquals("613f3f3f62", utf8("61e0829b6200"));         // overlong CSI
        assertEquals("613f3f3f3f62", utf8("61f08082bb6200"));     // overlong 4-byte form
    }

    @Test
    void fromAnInvalidLeadByteOnTheRestIsEscapedAsInTheCLocale() {
        assertEquals(hex("a?b"), utf8("61ff62"));
        assertEquals(hex("a??b"), utf8("61c0af62"));
        assertEquals(hex("a????"), utf8("61f5808080"));
        assertEquals(hex("a?b"), utf8("618062"));
        // After the first invalid byte, controls are '.' and every high byte '?', valid UTF-8 too.
        assertEquals(hex("a?b..??~\\ok ??? ."), utf8("61ff62097fc3a97e5c6f6b00e6bca2200100"));
    }

    @Test
    void aSequenceCutByTheEndIsEscapedButContinuationBytesAreNotChecked() {
        assertEquals(hex("a b?"), utf8("610062e600"));
        assertEquals(hex("a b??"), utf8("610062e6bc00"));
        assertEquals(hex("a ???"), utf8("6100f09f9800"));
        // e6 takes the next two bytes whatever they are: "bc 62", or the space from a NUL and '-'.
        assertEquals("61e6bc62", utf8("61e6bc6200"));
        assertEquals("61e6202d63", utf8("61e6002d6300"));
    }

    @Test
    void controlBytesSwallowedIntoASequencePrintAsQuestionMarks() {
        // procps prints 61 e6 20 01 78 and 61 c3 01 62 3f: the control bytes raw. We do not.
        assertEquals("61e6203f78", utf8("61e60a017800"));
        assertEquals("61c33f623f", utf8("61c301620200"));
        assertEquals("e63f5b324a", utf8("e61b5b324a00"));
    }

    @Test
    void cLocale() {
        assertEquals(hex("??.x???? 60"), c("c3a90178c29be6bc00" + hex("60") + "00"));
        assertEquals(hex("evil.[31m) name x 1800"), c(hex("evil\u001b[31m)\nname x") + "00" + hex("1800") + "00"));
        assertEquals(hex("?"), c("00"));
    }

    @Test
    void atMost131071BytesAreRead() {
        String l = hex("L").repeat(131_060);
        String tail = "00" + hex("-c") + "00" + hex("read x") + "00";
        // 131,073 bytes: the cut keeps all of argv but two of the three final NULs.
        assertEquals(l + "20" + hex("-c read x"), utf8(l + tail + "0000"));
        String l2 = hex("L").repeat(131_062);
        // The 131,071st byte is the space of "read x": dropped.
        assertEquals(l2 + "20" + hex("-c read"), utf8(l2 + tail));
        assertEquals(CommandLine.PROCPS_MAX, new CommandLine(raw(hex("M").repeat(200_000)), "x", 'S').terminal(true).length);
    }

    @Test
    void emptyCmdlineIsCommInBracketsAndZombiesAreDefunct() {
        assertEquals("[python3] <defunct>", new String(new CommandLine("", "python3", 'Z').terminal(true), StandardCharsets.US_ASCII));
        assertEquals("[kthreadd]", new String(new CommandLine("", "kthreadd", 'S').terminal(true), StandardCharsets.US_ASCII));
        assertEquals("[kworker/0:1]", new String(new CommandLine("", "kworker/0:1", 'I').terminal(true), StandardCharsets.US_ASCII));
        // comm is escaped like an argument, but a newline in it is a control, not a space.
        assertEquals(hex("[ev?[1m???z] <defunct>"), terminal(new CommandLine("", raw(hex("ev\u001b[1m\n\t\u007fz")), 'Z'), true));
        assertEquals(hex("[ab??]"), terminal(new CommandLine("", raw("6162e6bc"), 'S'), true));
        assertEquals("5b61c3a962e2808a5d", terminal(new CommandLine("", raw("61c3a962e2808a"), 'S'), true));
        // Only an empty cmdline shows comm: a zombie state with a command line is printed as is.
        assertEquals(hex("a b"), terminal(new CommandLine(raw("61006200"), "x", 'Z'), true));
    }

    @Test
    void firstLineOfTheRendering() {
        PmapProcess p = new PmapProcess(42, new CommandLine("", "python3", 'Z'), 0, -1, List.of());
        assertEquals("42:   [python3] <defunct>\n total                0K\n", Pmap.render(p, PmapOptions.of(PmapOptions.Mode.MAPS)));
        byte[] bytes = Pmap.renderBytes(new PmapProcess(7, new CommandLine(raw("61e6bc6200"), "a", 'S'), 0, -1, List.of()),
                PmapOptions.of(PmapOptions.Mode.MAPS));
        assertEquals(HexFormat.of().formatHex("7:   ".getBytes(StandardCharsets.US_ASCII)) + "61e6bc62" + "0a",
                HexFormat.of().formatHex(bytes, 0, 10));
    }

    @Test
    void argvIsExactUtf8WithReplacementCharacters() {
        CommandLine c = new CommandLine(raw(hex("evil\u001b[31m)\nname x") + "00" + hex("1800") + "00"), "sleep", 'S');
        assertEquals(List.of("evil\u001b[31m)\nname x", "1800"), c.argv());
        assertEquals("evil\u001b[31m)\nname x 1800", c.text());
        assertEquals(List.of("a\ufffdb", "\ufffd\ufffd", "é漢😀", "", "c"), new CommandLine(raw("61ff620080ff00c3a9e6bca2f09f98800000630000"), "x", 'S').argv());
        assertEquals(List.of("title without nul"), new CommandLine("title without nul", "x", 'S').argv());
        assertEquals(List.of(), new CommandLine("", "x", 'Z').argv());
        assertEquals("", new CommandLine("", "x", 'Z').text());
        assertEquals("a\ufffd", new CommandLine("", raw("61e6"), 'Z').name());
        assertEquals(List.of("x", "-y"), CommandLine.of("x", "-y").argv());
    }
}
