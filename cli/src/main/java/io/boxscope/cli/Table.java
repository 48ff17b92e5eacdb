package io.boxscope.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Boxscope's text tables: the first columns left-aligned text, the sizes right-aligned (as smem
 * and pmap align them), an optional totals line under a rule; two spaces between columns. Cells are escaped with
 * {@link Text#safe}. Written as one pass into one buffer: {@code mem top} prints hundreds of rows
 * from a JVM that has just started, where every call and temporary string costs.
 */
public final class Table {
    private Table() {}

    /** Without text after the sizes. */
    public static String render(List<String> header, List<List<String>> rows, List<String> total, int textColumns) {
        return render(header, rows, total, textColumns, false);
    }

    /**
     * {@code textColumns} leading columns are left-aligned; with {@code trailingText} the last column
     * is too. {@code total}, if not null, is printed last under a rule, with "TOTAL" in its first cell.
     */
    public static String render(List<String> header, List<List<String>> rows, List<String> total, int textColumns,
            boolean trailingText) {
        List<String[]> all = new ArrayList<>(rows.size() + 2);
        all.add(header.toArray(new String[0]));
        for (List<String> r : rows) {
            String[] cells = new String[r.size()];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = Text.safe(r.get(i));
            }
            all.add(cells);
        }
        if (total != null) {
            String[] t = total.toArray(new String[0]);
            t[0] = "TOTAL";
            all.add(t);
        }
        int[] w = new int[header.size()];
        int lineWidth = 0;
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (int x : w) {
            lineWidth += x + 2;
        }
        StringBuilder sb = new StringBuilder(all.size() * (lineWidth + 1) + lineWidth);
        for (int n = 0; n < all.size(); n++) {
            String[] r = all.get(n);
            if (total != null && n == all.size() - 1) {
                repeat(sb, '-', lineWidth - 2);
                sb.append('\n');
            }
            int start = sb.length();
            for (int i = 0; i < r.length; i++) {
                boolean text = i < textColumns || (trailingText && i == r.length - 1);
                int fill = w[i] - r[i].length();
                if (!text) {
                    repeat(sb, ' ', fill);
                }
                sb.append(r[i]);
                if (text) {
                    repeat(sb, ' ', fill);
                }
                if (i + 1 < r.length) {
                    sb.append("  ");
                }
            }
            int end = sb.length();
            while (end > start && sb.charAt(end - 1) == ' ') {
                end--;
            }
            sb.setLength(end);
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void repeat(StringBuilder sb, char c, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(c);
        }
    }
}
