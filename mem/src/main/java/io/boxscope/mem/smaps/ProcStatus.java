package io.boxscope.mem.smaps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The parts of {@code /proc/PID/status} memory analysis needs (proc(5)): Name, Tgid, the
 * effective UID (second Uid field: the owner of /proc/PID, which smem and ps show), and every {@code Vm*}/{@code Rss*} line in kB. VmSize is the VSZ of ps, VmRSS the RSS,
 * VmSwap the swapped-out anonymous memory (since Linux 2.6.34).
 */
public record ProcStatus(String name, int tgid, int uid, Map<String, Long> kb) {
    public ProcStatus {
        kb = Map.copyOf(kb);
    }

    public static ProcStatus parse(String text) {
        String name = "";
        int tgid = -1;
        int uid = -1;
        Map<String, Long> kb = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "Name" -> name = value;
                case "Tgid" -> tgid = parseInt(value);
                case "Uid" -> {
                    String[] ids = value.split("\\s+");
                    uid = parseInt(ids.length > 1 ? ids[1] : ids[0]);
                }
                default -> {
                    if ((key.startsWith("Vm") || key.startsWith("Rss") || key.startsWith("Hugetlb")) && value.endsWith(" kB")) {
                        try {
                            kb.put(key, Long.parseLong(value.substring(0, value.length() - 3).strip()));
                        } catch (NumberFormatException e) {
                            // not a size line; ignored
                        }
                    }
                }
            }
        }
        return new ProcStatus(name, tgid, uid, kb);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A Vm or Rss line in kB; empty for kernel threads, which have none. */
    public OptionalLong get(String key) {
        Long v = kb.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
