package io.boxscope.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.Test;

class CompareDocumentsTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> doc(String test, Object quota, double... eps) {
        StringBuilder runs = new StringBuilder();
        for (double e : eps) {
            runs.append(runs.isEmpty() ? "" : ",").append("{\"metrics\":{\"events_per_second\":").append(e)
                    .append(",\"latency_avg_ms\":").append(1000 / e).append(",\"total_time_s\":10}}");
        }
        return (Map<String, Object>) Json.parse("{\"format\":2,\"test\":\"" + test + "\",\"options\":{\"threads\":1,\"time_s\":10},"
                + "\"environment\":{\"cpu_model\":\"AMD EPYC\",\"cpu_quota\":" + quota + "},\"runs\":[" + runs + "]}");
    }

    @Test
    void halvedThroughputIsSignificantAndTheQuotaDifferenceIsNamed() {
        var r = CompareDocuments.compare(doc("cpu", null, 4400, 4380, 4420, 4390), doc("cpu", 0.5, 2200, 2190, 2210, 2205));
        var eps = r.rows().stream().filter(x -> x.metric().equals("events_per_second")).findFirst().orElseThrow();
        assertEquals(-50, eps.change().changePercent(), 0.5);
        assertTrue(eps.change().significant());
        assertFalse(eps.lowerIsBetter());
        var lat = r.rows().stream().filter(x -> x.metric().equals("latency_avg_ms")).findFirst().orElseThrow();
        assertTrue(lat.lowerIsBetter());
        assertTrue(r.rows().stream().noneMatch(x -> x.metric().equals("total_time_s")), "run length is not compared");
        assertEquals(List.of("cpu_quota: none → 0.5"), r.differences());
    }

    @Test
    @SuppressWarnings("unchecked")
    void governorAndFileSystemDifferencesAreWarnedAbout() {
        Map<String, Object> a = doc("fileio", null, 100, 101, 99);
        Map<String, Object> b = doc("fileio", null, 100, 102, 98);
        ((Map<String, Object>) a.get("environment")).putAll(Map.of("cpu_governor", "performance", "file_dir_fs_type", "ext4"));
        ((Map<String, Object>) b.get("environment")).putAll(Map.of("cpu_governor", "powersave", "file_dir_fs_type", "tmpfs"));
        assertEquals(List.of("cpu_governor: performance → powersave", "file_dir_fs_type: ext4 → tmpfs"),
                CompareDocuments.compare(a, b).differences());
        // a file saved before these were recorded has neither: nothing to warn about
        assertTrue(CompareDocuments.compare(doc("fileio", null, 100, 101), b).differences().isEmpty());
    }

    @Test
    void sameNoiseIsNoSignificantDifference() {
        var r = CompareDocuments.compare(doc("cpu", null, 4400, 4300, 4500), doc("cpu", null, 4450, 4350, 4380));
        assertFalse(r.rows().get(0).change().significant());
        assertTrue(r.differences().isEmpty());
    }

    @Test
    void refusesDifferentTestsAndEmptyDocuments() {
        assertThrows(IllegalArgumentException.class, () -> CompareDocuments.compare(doc("cpu", null, 1, 2), doc("memory", null, 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> CompareDocuments.compare(doc("cpu", null), doc("cpu", null, 1)));
    }

    /** Files saved before keys were snake_case (format 1: sysbench's option names) still compare. */
    @Test
    @SuppressWarnings("unchecked")
    void formatOneFilesCompareWithFormatTwo() {
        Map<String, Object> old = (Map<String, Object>) Json.parse("{\"format\":1,\"test\":\"memory\",\"options\":{\"threads\":1,"
                + "\"time\":10,\"warmup-time\":0,\"memory-block-size\":1024,\"memory-oper\":\"write\"},"
                + "\"environment\":{},\"runs\":[{\"metrics\":{\"events_per_second\":100}}]}");
        Map<String, Object> now = (Map<String, Object>) Json.parse("{\"format\":2,\"test\":\"memory\",\"options\":{\"threads\":1,"
                + "\"time_s\":30,\"warmup_time_s\":2,\"memory_block_size_bytes\":1048576,\"memory_oper\":\"write\"},"
                + "\"environment\":{},\"runs\":[{\"metrics\":{\"events_per_second\":90}}]}");
        var r = CompareDocuments.compare(old, now);
        assertEquals(List.of("option --memory-block-size: 1024 → 1048576"), r.differences());
        assertEquals("--warmup-time", Metrics.optionName("warmup_time_s"));
        assertEquals("memory_total_size_bytes", Metrics.optionKey("memory-total-size"));
        assertEquals("time_s", Metrics.optionKey("time"));
    }
}
