package io.boxscope.probe.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/** Strftime against GNU date(1), which formats with the same C library strftime bpftrace calls. */
class StrftimeTest {
    static final String FORMAT = "%a|%A|%b|%B|%C|%d|%D|%e|%F|%g|%G|%h|%H|%I|%j|%k|%l|%m|%M|%n|%p|%P|%r|%R|%s|%S|%t|%T|%u|%U|%V|%w|%W|%x|%X|%y|%Y|%z|%Z|%%|%c";

    static String date(long epoch, String format) throws Exception {
        return date(epoch, format, "UTC");
    }

    static String date(long epoch, String format, String zone) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("date", "-d", "@" + epoch, "+" + format);
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("TZ", zone);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Requirements.require(p.exitValue() == 0, "GNU date (coreutils)");
        return out.substring(0, out.length() - 1);
    }

    @Test
    void sameAsTheCLibrary() throws Exception {
        // a Sunday in January (week numbers), a leap day afternoon, a single-digit day, year end
        for (long epoch : new long[] {1704585600L, 1709218799L, 1775001845L, 1798761599L, 0L}) {
            ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochSecond(epoch), ZoneOffset.UTC);
            assertEquals(date(epoch, FORMAT), Strftime.format(FORMAT, t), "epoch " + epoch);
        }
    }

    @Test
    void localZoneWithSummerTime() throws Exception {
        Requirements.require(java.nio.file.Files.exists(java.nio.file.Path.of("/usr/share/zoneinfo/Europe/Berlin")), "tzdata");
        for (long epoch : new long[] {1704585600L, 1719835200L}) {
            ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochSecond(epoch), java.time.ZoneId.of("Europe/Berlin"));
            assertEquals(date(epoch, FORMAT, "Europe/Berlin"), Strftime.format(FORMAT, t), "epoch " + epoch);
        }
    }
}
