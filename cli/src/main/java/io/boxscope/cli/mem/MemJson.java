package io.boxscope.cli.mem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.SmapsFields;
import io.boxscope.proc.json.Json;

/** JSON renderings of the mem commands: exact kB, names decoded as UTF-8 (escaped by Json). */
final class MemJson {
    private MemJson() {}

    /**
     * One process as {@code mem pmap --json} gives it: the exact command line (not the escaped
     * terminal form: arguments joined by spaces, decoded as UTF-8 with U+FFFD for invalid bytes;
     * Json escapes control characters), its arguments, the command name and the state letter (empty
     * command and argv for zombies and kernel threads, which pmap shows as {@code [comm]}).
     */
    static Map<String, Object> pmap(PmapProcess p) {
        Map<String, Object> o = Json.object();
        o.put("pid", p.tgid());
        o.put("command", p.command().text());
        o.put("argv", p.command().argv());
        o.put("comm", p.command().name());
        o.put("state", String.valueOf(p.command().state()));
        o.put("mappings", mappings(p.mappings()));
        return o;
    }

    static List<Object> mappings(List<Mapping> ms) {
        List<Object> out = new ArrayList<>(ms.size());
        for (Mapping m : ms) {
            out.add(mapping(m));
        }
        return out;
    }

    static Map<String, Object> mapping(Mapping m) {
        Map<String, Object> o = Json.object();
        o.put("start", m.startHex());
        o.put("end", m.endHex());
        o.put("size_kb", m.sizeBytes() >>> 10);
        o.put("perms", m.perms());
        o.put("offset", m.offsetHex());
        o.put("device", m.device());
        o.put("inode", m.inode());
        o.put("name", m.displayName());
        fields(o, "fields_kb", m.fields());
        if (!m.vmFlags().isEmpty()) {
            o.put("vm_flags", List.of(m.vmFlags().split(" ")));
        }
        return o;
    }

    /**
     * The kernel's smaps fields under {@code key} (kB), named in snake_case ({@code Private_Clean}
     * is {@code private_clean}); the two that are not sizes, THPeligible (0 or 1) and ProtectionKey,
     * go beside it as {@code thp_eligible} and {@code protection_key}.
     */
    static void fields(Map<String, Object> o, String key, SmapsFields f) {
        Map<String, Object> kb = Json.object();
        for (int i = 0; i < f.size(); i++) {
            String name = f.name(i);
            if (!NOT_KB.contains(name)) {
                kb.put(Json.snakeCase(name), f.value(i));
            }
        }
        o.put(key, kb);
        for (String name : NOT_KB) {
            if (f.has(name)) {
                o.put(Json.snakeCase(name), f.get(name, 0));
            }
        }
    }

    /** smaps lines without " kB" (proc(5)). */
    static final List<String> NOT_KB = List.of("THPeligible", "ProtectionKey");
}
