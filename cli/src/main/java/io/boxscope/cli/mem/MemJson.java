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
        o.put("fields_kb", fields(m.fields()));
        if (!m.vmFlags().isEmpty()) {
            o.put("vm_flags", List.of(m.vmFlags().split(" ")));
        }
        return o;
    }

    static Map<String, Object> fields(SmapsFields f) {
        Map<String, Object> o = Json.object();
        for (int i = 0; i < f.size(); i++) {
            o.put(f.name(i), f.value(i));
        }
        return o;
    }
}
