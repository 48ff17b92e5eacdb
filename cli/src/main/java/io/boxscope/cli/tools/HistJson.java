package io.boxscope.cli.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.hist.Log2Hist;

/**
 * A libbpf-tools histogram as JSON: the slots the text prints (0 up to the last non-empty one),
 * each {@code {low_us, high_us, count}} ({@code _ms} with -m, {@code _ns} with -N, {@code _kb} for bitesize's Kbytes),
 * bounds inclusive as printed.
 */
final class HistJson {
    private HistJson() {}

    /** One interval's document: {@code {time, histograms}} ({@code time} only with -T). */
    static Map<String, Object> document(String time, List<Object> histograms) {
        Map<String, Object> o = Json.object();
        if (time != null) {
            o.put("time", time);
        }
        o.put("histograms", histograms);
        return o;
    }

    /** {@code unit} is libbpf-tools' word ({@code usecs}, {@code msecs}). */
    static List<Object> buckets(Log2Hist hist, String unit) {
        String suffix = switch (unit) {
            case "usecs" -> "_us";
            case "msecs" -> "_ms";
            case "nsecs" -> "_ns";
            case "kbytes" -> "_kb";
            default -> throw new IllegalArgumentException("unit " + unit);
        };
        long[] s = hist.slots();
        int last = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] > 0) {
                last = i;
            }
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            Map<String, Object> b = Json.object();
            b.put("low" + suffix, Log2Hist.low(i));
            b.put("high" + suffix, Log2Hist.high(i));
            b.put("count", s[i]);
            out.add(b);
        }
        return out;
    }
}
