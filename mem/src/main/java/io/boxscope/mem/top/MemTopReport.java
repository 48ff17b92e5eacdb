package io.boxscope.mem.top;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code boxscope mem top}: smem's table from a {@link MemTop.Scan}, one row per process, container
 * or user, sorted, with the sums. Filtering, grouping, sums and order live here so that the
 * diagnosis can use them without the command line.
 *
 * @param rows  the rows, in order
 * @param total the sums over the rows ({@code count}: how many processes)
 * @param scan  the scan, for its skipped and kernel-thread counts
 */
public record MemTopReport(By by, List<Row> rows, Row total, MemTop.Scan scan) {
    public MemTopReport {
        rows = List.copyOf(rows);
    }

    /** What one row is. */
    public enum By { PROCESS, CONTAINER, USER }

    /** Sort keys; sizes sort biggest first, text alphabetically. */
    public enum Key { PID, USER, COMMAND, CONTAINER, SWAP, USS, PSS, RSS }

    /**
     * One row: a process ({@code pid} > 0), or a sum over {@code count} processes ({@code pid} 0;
     * {@code user} and {@code container} are those of the group's first process). Sizes in kB.
     * {@code container} is "-" for the host.
     */
    public record Row(int pid, String user, String command, String container, long swapKb, long ussKb, long pssKb, long rssKb,
            int count) {}

    /**
     * The table. {@code users} names uids (a uid without a name is shown as the number);
     * {@code containerNames} from {@link MemTop#containerNames}; {@code filter}, if not null, keeps
     * the processes whose command line it finds a match in.
     */
    public static MemTopReport of(MemTop.Scan scan, Map<String, String> containerNames, Map<Integer, String> users,
            Pattern filter, By by, Key sort, boolean reverse) {
        List<Row> rows = new ArrayList<>();
        for (ProcessMemory m : scan.processes()) {
            if (filter != null && !filter.matcher(m.command()).find()) {
                continue;
            }
            rows.add(new Row(m.pid(), users.getOrDefault(m.uid(), Integer.toString(m.uid())), m.command(),
                    MemTop.containerLabel(m.container(), containerNames), m.swap(), m.uss(), m.pss(), m.rss(), 1));
        }
        rows = switch (by) {
            case PROCESS -> rows;
            case CONTAINER -> sum(rows, true);
            case USER -> sum(rows, false);
        };
        rows.sort(order(sort, reverse));
        long swap = 0;
        long uss = 0;
        long pss = 0;
        long rss = 0;
        int count = 0;
        for (Row r : rows) {
            swap += r.swapKb();
            uss += r.ussKb();
            pss += r.pssKb();
            rss += r.rssKb();
            count += r.count();
        }
        return new MemTopReport(by, rows, new Row(0, "", "", "", swap, uss, pss, rss, count), scan);
    }

    private static List<Row> sum(List<Row> rows, boolean byContainer) {
        Map<String, Row> m = new LinkedHashMap<>();
        for (Row r : rows) {
            String k = byContainer ? r.container() : r.user();
            Row prev = m.get(k);
            m.put(k, prev == null ? new Row(0, r.user(), "", r.container(), r.swapKb(), r.ussKb(), r.pssKb(), r.rssKb(), 1)
                    : new Row(0, prev.user(), "", prev.container(), prev.swapKb() + r.swapKb(), prev.ussKb() + r.ussKb(),
                            prev.pssKb() + r.pssKb(), prev.rssKb() + r.rssKb(), prev.count() + 1));
        }
        return new ArrayList<>(m.values());
    }

    /**
     * The rows' order. Written as plain comparisons, not Comparator.comparing(...): those factories'
     * lambdas live in java.util.Comparator and are spun at run time (the AOT cache does not keep
     * them), which costs a cold mem top a few milliseconds.
     */
    private static Comparator<Row> order(Key key, boolean reverse) {
        int sign = reverse ? -1 : 1;
        return (a, b) -> sign * switch (key) {
            case PID -> Long.compare(a.pid(), b.pid());
            case USER -> a.user().compareTo(b.user());
            case COMMAND -> a.command().compareTo(b.command());
            case CONTAINER -> a.container().compareTo(b.container());
            case SWAP -> Long.compare(b.swapKb(), a.swapKb());
            case USS -> Long.compare(b.ussKb(), a.ussKb());
            case PSS -> Long.compare(b.pssKb(), a.pssKb());
            case RSS -> Long.compare(b.rssKb(), a.rssKb());
        };
    }
}
