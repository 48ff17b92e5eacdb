package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.diagnose.Neighbours;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The HOST line names the first {@link Neighbours#TOP} other containers and says how many more there were (the
 * user walk of session 32 saw a cut list without a word of it); --json lists every one.
 */
class DiagnoseHostViewTest {
    /** {@code n} containers c0..c(n-1) using 0.7, 0.6, ... CPUs, and {@code stopped} more watched that stopped. */
    static Neighbours around(int n, int stopped) {
        List<Neighbours.Neighbour> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(new Neighbours.Neighbour("c" + i, Integer.toString(i).repeat(64), 0.7 - i / 10.0, i != 1));
        }
        return new Neighbours(1.5, 2, 0.1, all, n + stopped, List.of());
    }

    private static String text(Neighbours n) {
        StringBuilder b = new StringBuilder();
        DiagnoseViews.hostText(b, n);
        return b.toString();
    }

    @Test
    void aCutListSaysHowManyMore() {
        assertEquals("  HOST       1.50 of 2 CPUs busy; 8 other containers: c0 0.70, c1 0.60 (other CPUs), c2 0.50, c3 0.40, c4 0.30"
                + " and 2 more (1 stopped during the window); outside containers 0.10 CPUs\n", text(around(7, 1)));
        assertEquals("  HOST       1.50 of 2 CPUs busy; 1 other container: c0 0.70; outside containers 0.10 CPUs\n", text(around(1, 0)));
        assertEquals("  HOST       1.50 of 2 CPUs busy; 0 other containers; outside containers 0.10 CPUs\n", text(around(0, 0)));
        assertEquals("", text(Neighbours.NONE));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasEveryContainer() {
        Map<String, Object> host = (Map<String, Object>) Json.parse(Json.write(DiagnoseViews.hostJson(around(7, 1))));
        List<Map<String, Object>> cs = (List<Map<String, Object>>) host.get("containers");
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6"), cs.stream().map(c -> c.get("name")).toList());
        assertEquals(8L, host.get("other_containers"));
        assertEquals(1L, host.get("stopped_containers"));
        assertEquals(false, cs.get(1).get("shares_cpus"));
    }
}
