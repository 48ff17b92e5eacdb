package io.boxscope.proc.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The accept and reject cases of RFC 8259's grammar (sections 2-8), and the writer's refusal of
 * values it cannot represent. Each reject case names the offset of the error.
 */
class JsonStrictnessTest {
    /** Every production of the grammar, in its edge forms (RFC 8259 sections 2, 3, 4, 5, 6, 7). */
    @ParameterizedTest
    @ValueSource(strings = {
        "0", "-0", "1", "-1", "10", "123456789", "0.5", "-0.5", "1.25", "1e5", "1E5", "1e+5", "1e-5", "-1.5e3",
        "0e0", "0.0e-0", "9223372036854775807", "1e400", "true", "false", "null", "\"\"", "\"a\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0041\\u00e9\\uFFFF\"", "\"\\ud83d\\ude00\"", "\"\ud83d\ude00\"",
        "[]", "{}", "[1,2,3]", "{\"a\":1,\"b\":[true,false,null]}", " \t\r\n[ 1 , 2 ] \t\r\n", "[[[[]]]]",
        "{\"\":0}", "\"\u007f\u0080\u2028\""})
    void accepts(String text) {
        Json.parse(text);
    }

    /** Inputs the grammar does not produce. */
    @ParameterizedTest
    @ValueSource(strings = {
        // numbers: leading zeros, a dot without digits, a lone sign, an exponent without digits, other bases
        "01", "-01", "00", "1.", "-1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "0x10", "1_000", "- 1", "NaN", "Infinity",
        "-Infinity", "1.5.2", "1e5e5", "[01]", "{\"a\":1.}",
        // \\u escapes: exactly four hexadecimal digits, no sign
        "\"\\u+123\"", "\"\\u-123\"", "\"\\u 123\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "\"\\x41\"", "\"\\'\"",
        // trailing and missing commas
        "[1,]", "{\"a\":1,}", "[,1]", "[1 2]", "{\"a\":1 \"b\":2}", "{,}", "[,]",
        // raw control characters in strings (U+0000 to U+001F must be escaped)
        "\"a\u0000b\"", "\"a\nb\"", "\"a\tb\"", "\"\u001f\"",
        // lone surrogates, escaped or raw
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\ude00\\ud83d\"", "\"\ud800\"", "\"\udc00\"",
        // structure
        "", " ", "[", "]", "{", "}", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "['a']", "tru", "nul", "True",
        "[1]x", "{}{}", "\"abc", "\u00a0[]", "[1]\u000b"})
    void rejects(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text), () -> "accepted: " + text);
        assertTrue(e.getMessage().matches("JSON .* at offset \\d+"), e.getMessage());
    }

    @Test
    void rejectionsNameTheOffset() {
        assertEquals("JSON leading zero in a number at offset 1", message("[01]"));
        assertEquals("JSON expected a digit after '.' at offset 3", message("[1.]"));
        assertEquals("JSON \\u must be followed by four hexadecimal digits at offset 3", message("\"\\u+123\""));
        assertEquals("JSON trailing comma at offset 3", message("[1,]"));
        assertEquals("JSON trailing comma at offset 7", message("{\"a\":1,}"));
        assertEquals("JSON raw control character U+000a in a string (escape it as \\n or \\u000a) at offset 2",
                message("\"a\nb\""));
        assertEquals("JSON lone surrogate \\ud800 at offset 1", message("\"\\ud800\""));
    }

    /** Nesting is limited (a recursive parser would otherwise overflow its stack on "[[[[..."). */
    @Test
    void nestingIsLimited() {
        Json.parse("[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH));
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parse("[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1)));
        assertEquals("JSON nested deeper than " + JsonParser.MAX_DEPTH + " at offset " + JsonParser.MAX_DEPTH, e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":".repeat(100_000)));
    }

    @Test
    void surrogatePairsDecodeToOneCodePoint() {
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("\ud83d\ude00", Json.parse("\"\\uD83D\\uDE00\""));
    }

    @Test
    void numbersKeepTheirValue() {
        assertEquals(0L, Json.parse("-0"));
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("1e400"));
        assertEquals(9223372036854775807L, Json.parse("9223372036854775807"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
        assertEquals(0.5, Json.parse("5e-1"));
    }

    /** A type the writer does not know is a bug in the caller, not something to print as toString(). */
    @Test
    void writerRejectsUnknownTypes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("dir", Path.of("/tmp"))));
        assertTrue(e.getMessage().contains("UnixPath") || e.getMessage().contains("Path"), e.getMessage());
        assertTrue(e.getMessage().contains("dir"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(new Object())));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("c", 'x')));
    }

    /** The writer's output is what the strict parser accepts, lone surrogates included. */
    @Test
    void loneSurrogatesAreWrittenAsReplacementCharacters() {
        String text = Json.write(List.of("a\ud800b", "\udc00", "\ud83d\ude00"));
        assertEquals("[\"a\ufffdb\",\"\ufffd\",\"\ud83d\ude00\"]", text);
        assertEquals(List.of("a\ufffdb", "\ufffd", "\ud83d\ude00"), Json.parse(text));
    }

    /** For JSON inside an HTML script element: nothing in a string can close the element or start markup. */
    @Test
    void htmlSafeModeEscapesMarkup() {
        Map<String, Object> o = Json.object();
        o.put("comm", "</script><b>&amp;\u2028\u2029");
        String text = Json.writeHtmlSafe(o);
        assertEquals("{\"comm\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\\u2028\\u2029\"}", text);
        assertTrue(text.chars().noneMatch(c -> c == '<' || c == '>' || c == '&'));
        assertEquals(o, Json.parse(text));
        assertEquals("{\"comm\":\"</script><b>&amp;\\u2028\\u2029\"}", Json.write(o));
    }

    private static String message(String text) {
        return assertThrows(JsonException.class, () -> Json.parse(text), () -> "accepted: " + text).getMessage();
    }
}
