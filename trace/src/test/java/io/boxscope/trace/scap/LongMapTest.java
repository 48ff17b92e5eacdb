package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** {@link LongMap} against java.util.HashMap over random puts, gets and removes, keys that collide included. */
class LongMapTest {
    @Test
    void basicOperations() {
        LongMap<String> m = new LongMap<>();
        assertNull(m.get(3));
        assertNull(m.put(3, "a"));
        assertEquals("a", m.put(3, "b"));
        assertEquals("b", m.get(3));
        assertTrue(m.containsKey(3));
        assertFalse(m.containsKey(4));
        assertNull(m.put(-1, "neg"));
        assertNull(m.put(0, "zero"));
        assertNull(m.put(Long.MIN_VALUE, "min"));
        assertEquals(4, m.size());
        assertEquals("zero", m.get(0));
        assertEquals("min", m.get(Long.MIN_VALUE));
        assertEquals("b", m.remove(3));
        assertNull(m.remove(3));
        assertNull(m.get(3));
        assertEquals(3, m.size());
        assertEquals(new TreeMap<>(Map.of(-1L, "neg", 0L, "zero", Long.MIN_VALUE, "min")), m.sorted());
        assertThrows(IllegalArgumentException.class, () -> m.put(5, null));
    }

    @Test
    void copyIsIndependent() {
        LongMap<String> a = new LongMap<>();
        for (long k = 0; k < 100; k++) {
            a.put(k, "v" + k);
        }
        LongMap<String> b = new LongMap<>(a);
        b.remove(5);
        b.put(500, "x");
        assertEquals("v5", a.get(5));
        assertNull(a.get(500));
        assertNull(b.get(5));
        assertEquals("x", b.get(500));
        assertEquals(100, a.size());
        assertEquals(100, b.size());
    }

    /** Random operations over a small key range (many removals inside probe runs) and a wide one. */
    @Test
    void agreesWithHashMap() {
        for (long seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            int range = seed % 2 == 0 ? 64 : 1 << 20;
            LongMap<Long> m = new LongMap<>();
            Map<Long, Long> ref = new HashMap<>();
            for (int op = 0; op < 20_000; op++) {
                long k = r.nextInt(range) - (seed % 3 == 0 ? range / 2 : 0);
                switch (r.nextInt(4)) {
                    case 0, 1 -> assertEquals(ref.put(k, (long) op), m.put(k, (long) op), "put " + k);
                    case 2 -> assertEquals(ref.remove(k), m.remove(k), "remove " + k);
                    default -> assertEquals(ref.get(k), m.get(k), "get " + k);
                }
                assertEquals(ref.size(), m.size());
            }
            for (long k = -range; k < range; k += Math.max(1, range / 4096)) {
                assertEquals(ref.get(k), m.get(k), "seed " + seed + " key " + k);
            }
            assertEquals(new TreeMap<>(ref), m.sorted());
        }
    }

    /** Keys that all hash to one slot's neighbourhood: removal must keep every later key reachable. */
    @Test
    void removalInsideCollidingRuns() {
        LongMap<Long> m = new LongMap<>();
        Map<Long, Long> ref = new HashMap<>();
        // multiples of 2^32 differ only in high bits: their products with the constant collide often in a small table
        for (long i = 0; i < 40; i++) {
            long k = i << 32;
            m.put(k, i);
            ref.put(k, i);
        }
        for (long i = 0; i < 40; i += 3) {
            assertEquals(ref.remove(i << 32), m.remove(i << 32));
            for (Map.Entry<Long, Long> e : ref.entrySet()) {
                assertEquals(e.getValue(), m.get(e.getKey()));
            }
        }
        assertEquals(new TreeMap<>(ref), m.sorted());
    }
}
