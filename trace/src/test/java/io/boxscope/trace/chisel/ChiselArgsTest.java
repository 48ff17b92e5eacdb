package io.boxscope.trace.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chisel's argument word split as sysdig 0.29's set_args splits it (libsinsp chisel.cpp): trimmed, cut at spaces
 * outside ' or ` quotes. The walk of session 32 gave spectrogram ' 5', which sysdig reads as the one argument 5 and
 * Boxscope cut into "" and "5" ("too many parameters").
 */
class ChiselArgsTest {
    @Test
    void splitAsSysdigSplitsIt() {
        assertEquals(List.of("5"), Chisels.splitArgs("spectrogram", " 5"));
        assertEquals(List.of("5"), Chisels.splitArgs("spectrogram", "5 "));
        assertEquals(List.of(), Chisels.splitArgs("spectrogram", "   "));
        assertEquals(List.of(), Chisels.splitArgs("spectrogram", ""));
        assertEquals(List.of("a", "b"), Chisels.splitArgs("x", "a b"));
        assertEquals(List.of("a", "", "b"), Chisels.splitArgs("x", "a  b"), "two spaces: an empty argument between, as sysdig");
        assertEquals(List.of("5 6"), Chisels.splitArgs("x", "'5 6'"));
        assertEquals(List.of("proc.name=a b", "c"), Chisels.splitArgs("x", "`proc.name=a b` c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chisels.splitArgs("spectrogram", "5 'x"));
        assertEquals("corrupted parameters for chisel spectrogram", e.getMessage());
    }
}
