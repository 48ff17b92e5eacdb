package io.boxscope.mem.smaps;

import java.util.List;

/**
 * {@code boxscope mem smaps}: a process's mappings in groups with subtotals ({@link SmapsGroups}),
 * the totals, and which summed fields this kernel does not print at all (Pss_Dirty before Linux
 * 6.0, ...): those are shown as "-", never as a 0 the kernel did not say.
 *
 * @param totals parallel to {@link SmapsGroups#FIELDS}, kB (Size too)
 * @param absent parallel to {@link SmapsGroups#FIELDS}: true when no mapping has the field
 */
public record SmapsReport(int pid, String name, int mappings, List<SmapsGroups.Group> groups, long[] totals, boolean[] absent) {
    public SmapsReport {
        groups = List.copyOf(groups);
    }

    /** Groups {@code mappings} of process {@code pid} (named {@code name}), biggest {@code sort} first. */
    public static SmapsReport of(int pid, String name, List<Mapping> mappings, SmapsGroups.Sort sort) {
        List<SmapsGroups.Group> groups = SmapsGroups.group(mappings, sort);
        boolean[] absent = new boolean[SmapsGroups.FIELDS.size()];
        for (int f = 1; f < absent.length; f++) { // Size (0) comes from the header line: always there
            absent[f] = !mappings.isEmpty();
            for (Mapping m : mappings) {
                if (m.fields().has(SmapsGroups.FIELDS.get(f))) {
                    absent[f] = false;
                    break;
                }
            }
        }
        return new SmapsReport(pid, name, mappings.size(), groups, SmapsGroups.totals(groups), absent);
    }

    /** The groups past the first {@code shown}, summed: how many groups and mappings, and their totals. */
    public record Rest(int groups, int mappings, long[] totals) {}

    /** What {@code --top N} leaves out after the first {@code shown} groups. */
    public Rest rest(int shown) {
        List<SmapsGroups.Group> rest = groups.subList(Math.min(shown, groups.size()), groups.size());
        int n = 0;
        for (SmapsGroups.Group g : rest) {
            n += g.mappings().size();
        }
        return new Rest(rest.size(), n, SmapsGroups.totals(rest));
    }

    /** One mapping's figures, parallel to {@link SmapsGroups#FIELDS} (Size from the header line). */
    public static long[] fields(Mapping m) {
        long[] t = new long[SmapsGroups.FIELDS.size()];
        for (int f = 0; f < t.length; f++) {
            t[f] = f == 0 ? m.sizeBytes() >>> 10 : m.kb(SmapsGroups.FIELDS.get(f));
        }
        return t;
    }

    /** USS: Private_Clean + Private_Dirty, kB. */
    public long ussKb() {
        return totals[SmapsGroups.FIELDS.indexOf("Private_Clean")] + totals[SmapsGroups.FIELDS.indexOf("Private_Dirty")];
    }

    public long totalKb(String field) {
        return totals[SmapsGroups.FIELDS.indexOf(field)];
    }
}
