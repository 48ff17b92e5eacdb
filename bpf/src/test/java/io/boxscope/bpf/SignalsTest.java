package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signal names and descriptions against the running system: Python's signal module calls the C library. */
class SignalsTest {
    @Test
    void namesAndDescriptionsAreTheSystems() throws Exception {
        String py = "import signal\nfor i in list(range(1, 32)) + [34, 40, 64]:\n"
                + "    n = signal.Signals(i).name if i < 32 else ''\n"
                + "    print(str(i) + '|' + n + '|' + signal.strsignal(i))\n";
        Process p = new ProcessBuilder("python3", "-c", py).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3: " + lines);
        for (String line : lines) {
            String[] f = line.split("\\|", 3);
            int sig = Integer.parseInt(f[0]);
            if (!f[1].isEmpty()) {
                assertEquals(f[1], Signals.name(sig));
                assertEquals(sig, Signals.parse(f[1]));
                assertEquals(sig, Signals.parse(f[1].substring(3).toLowerCase(java.util.Locale.ROOT)));
            }
            assertEquals(f[2], Signals.describe(sig), line);
        }
    }

    @Test
    void parseRefusesWhatIsNoSignal() {
        assertNull(Signals.parse("SIGNOPE"));
        assertNull(Signals.parse("0"));
        assertNull(Signals.parse("65"));
        assertNull(Signals.parse("99999999999")); // past int: null, not a NumberFormatException
        assertEquals(9, Signals.parse("9"));
    }
}
