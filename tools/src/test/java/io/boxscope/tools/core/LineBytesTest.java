package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import io.boxscope.probe.output.TextBuffer;
import org.junit.jupiter.api.Test;

/** The -T column of opensnoop and execsnoop: the local time, its zone looked up at the first line, not before. */
class LineBytesTest {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Test
    void timeIsTheLocalWallClockInTheSystemZone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextBuffer out = new TextBuffer(bytes::write, 1 << 10);
        LineBytes w = new LineBytes(out, s -> s);
        // the clock may pass a second boundary between the reads: the line must show one of the two seconds
        String before = LocalTime.now(ZoneId.systemDefault()).format(HMS);
        w.time().ch('|').time();
        String after = LocalTime.now(ZoneId.systemDefault()).format(HMS);
        out.flush();
        String line = bytes.toString(StandardCharsets.US_ASCII);
        String[] parts = line.split("\\|", -1);
        assertTrue(parts.length == 2, line);
        for (String p : parts) {
            assertTrue(List.of(before, after).contains(p), p + " is neither " + before + " nor " + after);
        }
    }
}
