package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * StdSort leaves ties exactly where GNU libstdc++'s std::sort (Debian 12's GCC 12, the one
 * bpftrace 0.17 is built with) leaves them: stdsort.txt was written by
 * src/test/scripts/stdsort_fixture.cpp, sizes 1 to 1,000, insertion sort, quicksort and
 * heapsort paths.
 */
class StdSortTest {
    record Item(int value, int id) {}

    @Test
    void sameOrderAsLibstdcxx() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("stdsort.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int lines = 0;
        for (String line : text.lines().toList()) {
            String[] halves = line.split("\\|");
            int[] values = Arrays.stream(halves[0].trim().split(" ")).mapToInt(Integer::parseInt).toArray();
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                items.add(new Item(values[i], i));
            }
            StdSort.sort(items, Comparator.comparingInt(Item::value));
            String ids = String.join(" ", items.stream().map(x -> Integer.toString(x.id())).toList());
            assertEquals(halves[1].trim(), ids, "input of " + values.length + ": " + halves[0]);
            lines++;
        }
        assertEquals(59, lines);
    }

    @Test
    void stableBelowSeventeenAsInsertionSort() {
        List<Item> items = new ArrayList<>(List.of(new Item(1, 0), new Item(0, 1), new Item(1, 2), new Item(0, 3)));
        StdSort.sort(items, Comparator.comparingInt(Item::value));
        assertEquals(List.of(1, 3, 0, 2), items.stream().map(Item::id).toList());
    }
}
