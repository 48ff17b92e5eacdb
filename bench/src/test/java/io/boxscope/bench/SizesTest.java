package io.boxscope.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesSysbenchSizes() {
        assertEquals(1024, Sizes.parse("1K"));
        assertEquals(1024, Sizes.parse("1k"));
        assertEquals(16384, Sizes.parse("16384"));
        assertEquals(2L << 30, Sizes.parse("2G"));
        assertEquals(100L << 30, Sizes.parse("100G"));
        assertEquals(1L << 40, Sizes.parse("1T"));
        assertEquals(16 << 10, Sizes.parse("16KiB"));
        assertEquals(1 << 20, Sizes.parse("1MB"));
        assertEquals(0, Sizes.parse("0"));
    }

    @Test
    void rejectsBadSizesWithAClearMessage() {
        for (String bad : new String[] {"10Q", "", "K", "-1", "1.5G", "1 G x", "0x10", "99999999999T", "12345678901234567890"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("size"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.parse("10Q")).getMessage().contains("K, M, G or T"));
    }

    @Test
    void printsSizesLikeSysbench() {
        assertEquals("16Mi", Sizes.sysbenchUnits(16 << 20));
        assertEquals("16Ki", Sizes.sysbenchUnits(16384));
        assertEquals("64Mi", Sizes.sysbenchUnits(64 << 20));
        assertEquals("100", Sizes.sysbenchUnits(100));
        // C's %.5g, as sysbench 1.0.20 printed these sizes on this machine
        assertEquals("1.4648Gi", Sizes.sysbenchUnits(1500L << 20));
        assertEquals("214.29Mi", Sizes.sysbenchUnits((1500L << 20) / 7));
        assertEquals("2.9297Ki", Sizes.sysbenchUnits(3000));
        assertEquals("8.7891Ki", Sizes.sysbenchUnits(9000));
        assertEquals("1023", Sizes.sysbenchUnits(1023));
        assertEquals("1Ki", Sizes.sysbenchUnits(1024));
        assertEquals("0", Sizes.sysbenchUnits(0));
    }
}
