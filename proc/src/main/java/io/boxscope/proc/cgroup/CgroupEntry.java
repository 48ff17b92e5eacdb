package io.boxscope.proc.cgroup;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.proc.ProcParseException;

/**
 * One line of {@code /proc/PID/cgroup} (cgroups(7)): {@code hierarchy-ID:controller-list:path}.
 * Hierarchy 0 with an empty controller list is the cgroup v2 (unified) membership.
 */
public record CgroupEntry(int hierarchyId, List<String> controllers, String path) {
    public CgroupEntry {
        controllers = List.copyOf(controllers);
    }

    public boolean isUnified() {
        return hierarchyId == 0 && controllers.isEmpty();
    }

    /** Parses the whole file. Blank lines are ignored; a malformed line is an error. */
    public static List<CgroupEntry> parseFile(String text) {
        List<CgroupEntry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (a < 0 || b < 0) {
                throw new ProcParseException("cgroup", "expected ID:CONTROLLERS:PATH, got: " + line);
            }
            int id;
            try {
                id = Integer.parseInt(line.substring(0, a));
            } catch (NumberFormatException e) {
                throw new ProcParseException("cgroup", "hierarchy id is not a number in: " + line);
            }
            String ctl = line.substring(a + 1, b);
            List<String> controllers = ctl.isEmpty() ? List.of() : List.of(ctl.split(","));
            out.add(new CgroupEntry(id, controllers, line.substring(b + 1)));
        }
        return out;
    }
}
