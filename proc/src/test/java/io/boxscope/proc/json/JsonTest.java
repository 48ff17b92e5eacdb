package io.boxscope.proc.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrip() {
        Map<String, Object> o = Json.object();
        o.put("name", "web");
        o.put("pids", List.of(1, 2));
        o.put("cpus", 0.5);
        o.put("limit", OptionalLong.empty());
        o.put("pod", Optional.empty());
        o.put("ok", true);
        String text = Json.write(o);
        assertEquals("{\"name\":\"web\",\"pids\":[1,2],\"cpus\":0.5,\"limit\":null,\"pod\":null,\"ok\":true}", text);
        assertEquals(Json.parse(text), Json.parse(Json.pretty(o)));
    }

    /** Process names are attacker-chosen: quotes, backslashes, control and line-separator characters. */
    @Test
    void hostileStringsStayInsideTheirString() {
        String evil = "a\"b\\c\n\u001b[31m\u2028}\u0000\ud800\u009b2J\u0085\u007f";
        String text = Json.write(Map.of("comm", evil));
        assertTrue(text.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f), text);
        assertTrue(!text.contains("\u2028"));
        Map<String, Object> back = Json.asObject(Json.parse(text));
        // A lone surrogate is not text: written as U+FFFD, the rest round-trips exactly.
        assertEquals(evil.replace('\ud800', '\ufffd'), back.get("comm"));
    }

    /**
     * The bidi controls are written as escapes (a process named "x", U+202E, "exe.sh" would read "xhs.exe" where the
     * JSON is shown: session 36's walk of `diagnose --json` found U+202E raw), and parse back to the same string.
     */
    @Test
    void bidiControlsAreEscapedAndRoundTrip() {
        String evil = "x\u202eexe.sh \u202a\u202b\u202c\u202d \u2066\u2067\u2068\u2069 \u200e\u200f\u061c";
        String text = Json.write(Map.of("comm", evil));
        assertTrue(text.chars().noneMatch(c -> c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c == 0x200e
                || c == 0x200f || c == 0x061c), text);
        assertTrue(text.contains("\\u202e"), text);
        assertEquals(evil, Json.asObject(Json.parse(text)).get("comm"));
    }

    @Test
    void parseErrorsNameTheOffset() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\": [1, 2,, 3]}"));
        assertTrue(e.getMessage().contains("offset 12"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(10000)));
        assertThrows(JsonException.class, () -> Json.parse("{} x"));
        assertThrows(JsonException.class, () -> Json.parse("\"abc"));
        assertEquals(12345678901234L, Json.parse("12345678901234"));
        assertEquals(-1.5e3, Json.parse("-1.5e3"));
    }

    /** Kernel field names (smaps, status) as JSON keys: docs/json.md. */
    @Test
    void kernelNamesInSnakeCase() {
        Map<String, String> cases = Map.ofEntries(Map.entry("Private_Clean", "private_clean"), Map.entry("Rss", "rss"),
                Map.entry("Pss_Dirty", "pss_dirty"), Map.entry("AnonHugePages", "anon_huge_pages"),
                Map.entry("MMUPageSize", "mmu_page_size"), Map.entry("KernelPageSize", "kernel_page_size"),
                Map.entry("THPeligible", "thp_eligible"), Map.entry("VmRSS", "vm_rss"), Map.entry("VmHWM", "vm_hwm"),
                Map.entry("RssAnon", "rss_anon"), Map.entry("HugetlbPages", "hugetlb_pages"), Map.entry("SwapPss", "swap_pss"),
                Map.entry("KSM", "ksm"), Map.entry("Shared_Hugetlb", "shared_hugetlb"), Map.entry("ShmemPmdMapped", "shmem_pmd_mapped"),
                Map.entry("cpu.max", "cpu_max"), Map.entry("Locked", "locked"));
        cases.forEach((kernel, key) -> assertEquals(key, Json.snakeCase(kernel), kernel));
    }
}
