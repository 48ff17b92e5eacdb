package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * tcplife's KB and MS columns as C's {@code %.2f} writes them: byte counts divided by 1024 are
 * often exact ties at two decimals (128 bytes are 0.125 KB), which C rounds to even and Java's
 * {@code %.2f} rounds up. Oracle: printf(1), which formats with the C library.
 */
class TcplifeTextTest {
    static String cPrintf(double v) throws Exception {
        Process p = new ProcessBuilder("printf", "%.2f", Double.toString(v)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void kilobytesAsCPrintsThem() throws Exception {
        for (long bytes : new long[] {0, 1, 128, 384, 640, 1000, 1024, 1152, 5000, 5001, 10_000, 10_002, 123_456_789}) {
            double kb = bytes / 1024.0;
            assertEquals(cPrintf(kb), TcplifeCommand.twoDecimals(kb), bytes + " bytes");
        }
    }
}
