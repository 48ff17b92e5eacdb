package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * Names as libsinsp's cycle_writer (cyclewriter.cpp at libs e5c53d64) computes them. sysdig 0.29 cannot
 * capture on this kernel, so these expectations follow that code, not a run of sysdig.
 */
class RotationNamesTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void sizeRotationAppendsIndexPaddedToFileLimitDigits() {
        RotationNames n = new RotationNames("cap.scap", 10, 0, 12, 0);
        assertEquals("cap.scap00", n.name(0, 0, UTC));
        assertEquals("cap.scap11", n.name(11, 0, UTC));
        assertEquals("cap.scap00", n.name(12, 0, UTC));
        assertEquals(10_000_000L, n.rolloverBytes());
    }

    @Test
    void sizeRotationWithoutLimitAppendsPlainIndex() {
        RotationNames n = new RotationNames("cap", 1, 0, 0, 0);
        assertEquals("cap0", n.name(0, 0, UTC));
        assertEquals("cap17", n.name(17, 0, UTC));
    }

    @Test
    void timeRotationUsesStrftimeOrIndex() {
        RotationNames fmt = new RotationNames("cap-%Y%m%d-%H%M%S.scap", 0, 60, 0, 0);
        assertEquals("cap-20231114-221320.scap", fmt.name(3, 1_700_000_000L, UTC));
        RotationNames plain = new RotationNames("cap", 0, 60, 3, 0);
        assertEquals("cap2", plain.name(2, 0, UTC));
        assertEquals("cap0", plain.name(3, 0, UTC));
    }

    @Test
    void eventRotationIsBasePlusIndex() {
        assertEquals("cap4", new RotationNames("cap", 0, 0, 0, 1000).name(4, 0, UTC));
    }
}
