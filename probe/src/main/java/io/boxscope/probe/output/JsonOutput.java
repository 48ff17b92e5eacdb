package io.boxscope.probe.output;

import java.util.List;
import java.util.Map;

/**
 * bpftrace 0.17's {@code JsonOutput} ({@code -f json}): one JSON document a line, with its exact
 * spacing ({@code {"type": "map", "data": {"@x": 1}}}). Kept as bpftrace writes it, even where
 * that is not valid JSON (bare strerror, cgroup_path, strftime and macaddr values).
 */
public final class JsonOutput extends Output {
    JsonOutput() {}

    @Override
    public String attached(long probes) {
        return counter("attached_probes", "probes", probes);
    }

    @Override
    public String lostEvents(long lost) {
        return counter("lost_events", "events", lost);
    }

    /** {@code {"type": "container_misses", "data": {"values_count": 3}}}, shaped like lost_events. */
    @Override
    public String containerMisses(long values) {
        return counter("container_misses", "values_count", values);
    }

    /** {@code {"type": "kernel_symbols_missing", "data": {"addresses": 12, "reason": "..."}}}, shaped like lost_events. */
    @Override
    public String kernelSymbolsMissing(KernelSymbolsMissing missing) {
        return "{\"type\": \"kernel_symbols_missing\", \"data\": {\"addresses\": " + Long.toUnsignedString(missing.addresses())
                + ", \"reason\": \"" + Escapes.json(missing.reason()) + "\"}}\n";
    }

    /**
     * {@code {"type": "stacks_unread", "data": {"stacks": 3, "errors": {"eexist": 2, "efault": 1}}}}, shaped like
     * lost_events (bpftrace 0.17 has no JSON for these: its log lines go to standard error as text).
     */
    @Override
    public String stacksUnread(StacksUnread unread) {
        // StacksUnread#json's object (profile, offcputime and diagnose show it too), in this stream's spacing
        Map<String, Object> data = unread.json();
        StringBuilder sb = new StringBuilder("{\"type\": \"stacks_unread\", \"data\": {\"stacks\": ")
                .append(Long.toUnsignedString((Long) data.get("stacks"))).append(", \"errors\": {");
        String sep = "";
        for (Map.Entry<?, ?> e : ((Map<?, ?>) data.get("errors")).entrySet()) {
            sb.append(sep).append('"').append(Escapes.json((String) e.getKey())).append("\": ")
                    .append(Long.toUnsignedString((Long) e.getValue()));
            sep = ", ";
        }
        return sb.append("}}}\n").toString();
    }

    /** {@code {"type": "skipped_events", "data": {"events": 3}}}, shaped like lost_events. */
    @Override
    public String skippedEvents(long skipped) {
        return counter("skipped_events", "events", skipped);
    }

    /**
     * bpftrace 0.17's {@code {"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 1,
     * "col": 66}}, with the map and the number of failures this line stands for.
     */
    @Override
    public String mapUpdateFailed(Event.MapUpdateFailed f) {
        return "{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", \"retcode\": " + f.retcode()
                + ", \"line\": " + f.line() + ", \"col\": " + f.column() + ", \"map\": \"" + Escapes.json(f.map())
                + "\", \"count\": " + Long.toUnsignedString(f.count()) + "}\n";
    }

    private static String counter(String type, String field, long n) {
        return "{\"type\": \"" + type + "\", \"data\": {\"" + field + "\": " + Long.toUnsignedString(n) + "}}\n";
    }

    @Override
    public String message(MessageType type, String text, boolean newline) {
        return "{\"type\": \"" + type.jsonName() + "\", \"data\": \"" + Escapes.json(text) + "\"}\n";
    }

    @Override
    public String value(Value v) {
        return "{\"type\": \"value\", \"data\": " + valueText(v) + "}\n";
    }

    /** Strings, buffers, stacks and the quoted resolved kinds in quotes; the rest bare. */
    @Override
    String valueText(Value v) {
        String s = value(v, this::valueText);
        boolean quoted = switch (v) {
            case Value.Str x -> true;
            case Value.Buffer x -> true;
            case Value.Stack x -> true;
            case Value.Resolved r -> r.kind().quotedInJson();
            default -> false;
        };
        return quoted ? "\"" + Escapes.json(s) + "\"" : s;
    }

    /** The key arguments joined by a bare comma into one string: {@code "2,b"}. */
    @Override
    String key(MapDump map, List<Value> key) {
        if (key.isEmpty()) {
            return "";
        }
        return "\"" + Escapes.json(String.join(",", key.stream().map(Output::keyArgument).toList())) + "\"";
    }

    @Override
    String keyValue(MapDump map, String key, String value) {
        return key.isEmpty() ? value : key + ": " + value;
    }

    @Override
    String delimiter(MapDump map) {
        return ", ";
    }

    /** Nothing at all for an empty map. */
    @Override
    String mapDocument(MapDump map, String body) {
        if (map.entries().isEmpty()) {
            return "";
        }
        String open = map.keyed() ? "{" : "";
        String close = map.keyed() ? "}" : "";
        return "{\"type\": \"" + map.kind().jsonType() + "\", \"data\": {\"" + Escapes.json(map.name()) + "\": "
                + open + body + close + "}}\n";
    }

    @Override
    String tuple(List<String> elems) {
        return "[" + String.join(",", elems) + "]";
    }

    @Override
    String field(String name, String value) {
        return "\"" + name + "\": " + value;
    }

    @Override
    String stats(long count, long average, long total) {
        return "{\"count\": " + count + ", \"average\": " + average + ", \"total\": " + total + "}";
    }

    @Override
    String hist(long[] buckets, long div) {
        return HistFormat.histJson(buckets, div);
    }

    @Override
    String lhist(long[] buckets, LinearRange range) {
        return HistFormat.lhistJson(buckets, range);
    }
}
