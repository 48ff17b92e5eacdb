package io.boxscope.trace.chisel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code -cl} and {@code -i} in sysdig 0.29's layout: chisels grouped under {@code Category: NAME} and a
 * line of dashes, categories in name order, each chisel's name padded to 16 columns (a longer name on a
 * line of its own) and its summary cut into 63-character pieces continued under column 17; {@code -i}
 * adds the description cut every 79 characters and the arguments as {@code [type] name - description}.
 */
public final class ChiselListing {
    private static final int NAME_COLUMN = 16;
    private static final int TEXT_WIDTH = 63;
    private static final int DESCRIPTION_WIDTH = 79;

    private ChiselListing() {}

    /** {@code -cl}: every chisel. */
    public static List<String> list(List<ChiselInfo> chisels) {
        Map<String, List<ChiselInfo>> byCategory = new TreeMap<>();
        for (ChiselInfo c : chisels) {
            byCategory.computeIfAbsent(c.category(), k -> new ArrayList<>()).add(c);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<ChiselInfo>> e : byCategory.entrySet()) {
            category(out, e.getKey());
            for (ChiselInfo c : e.getValue()) {
                out.addAll(entry(c));
            }
        }
        out.add("");
        out.add("Use the -i flag to get detailed information about a specific chisel");
        return out;
    }

    /** {@code -i NAME}: one chisel. */
    public static List<String> describe(ChiselInfo c) {
        List<String> out = new ArrayList<>();
        category(out, c.category());
        out.addAll(entry(c));
        out.add("");
        String d = c.description();
        for (int i = 0; i < d.length(); i += DESCRIPTION_WIDTH) {
            out.add(d.substring(i, Math.min(d.length(), i + DESCRIPTION_WIDTH)));
        }
        out.add("Args:");
        if (c.args().isEmpty()) {
            out.add("(None)");
        }
        for (ChiselInfo.Arg a : c.args()) {
            out.addAll(cut("[" + a.type() + "] " + a.name() + " - " + a.description(), ""));
        }
        if (!c.args().isEmpty()) {
            out.add("");
        }
        return out;
    }

    private static void category(List<String> out, String category) {
        out.add("");
        String title = "Category: " + category;
        out.add(title);
        out.add("-".repeat(title.length()));
    }

    private static List<String> entry(ChiselInfo c) {
        String name = c.name();
        if (name.length() >= NAME_COLUMN) {
            List<String> l = new ArrayList<>();
            l.add(name);
            l.addAll(cut(c.summary(), " ".repeat(NAME_COLUMN)));
            return l;
        }
        return cut(c.summary(), name + " ".repeat(NAME_COLUMN - name.length()));
    }

    /** {@code text} in 63-character pieces, the first after {@code first}, the others under column 17. */
    private static List<String> cut(String text, String first) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < text.length() || i == 0; i += TEXT_WIDTH) {
            l.add((i == 0 ? first : " ".repeat(NAME_COLUMN)) + text.substring(i, Math.min(text.length(), i + TEXT_WIDTH)));
        }
        return l;
    }
}
