package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void smemStyle() {
        // The strings smem -k prints for these kB values.
        assertEquals("0", Units.smem(0));
        assertEquals("184.0K", Units.smem(184));
        assertEquals("1.0M", Units.smem(1024));
        assertEquals("76.8M", Units.smem(78643));
        assertEquals("1024.0M", Units.smem(1048575));
        assertEquals("5.0G", Units.smem(5L * 1024 * 1024 + 52));
    }

    @Test
    void binary() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("51.0 MiB", Units.bytes(53497856));
        assertEquals("-2.0 KiB", Units.bytes(-2048));
        assertEquals("4.0 KiB", Units.kb(4));
    }
}
