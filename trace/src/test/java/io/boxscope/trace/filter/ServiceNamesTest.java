package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** services(5) as glibc's getservbyname(3) reads it, the real file against getent(1), then hostile files. */
class ServiceNamesTest {
    @TempDir
    Path dir;

    /** Every name getent resolves from this machine's /etc/services (first port of the name) is ours too. */
    @Test
    void theSystemsFileAgreesWithGetent() throws Exception {
        Path services = Path.of("/etc/services");
        Assumptions.assumeTrue(Files.isRegularFile(services), "no /etc/services");
        ServiceNames names = ServiceNames.read(services);
        int checked = 0;
        for (String name : List.of("http", "https", "ssh", "domain", "www", "ntp", "smtp", "mail", "postgresql")) {
            Process p = new ProcessBuilder("getent", "services", name).start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || line.isEmpty()) {
                assertEquals(OptionalInt.empty(), names.port(name), name + ": getent knows no such service");
                continue;
            }
            String port = line.split("\\s+")[1];
            assertEquals(OptionalInt.of(Integer.parseInt(port.substring(0, port.indexOf('/')))), names.port(name), line);
            checked++;
        }
        assertTrue(checked > 0, "getent resolved none of the usual names");
    }

    @Test
    void crlfLinesAndEveryCWhitespaceSeparateFields() {
        ServiceNames n = ServiceNames.parse("http\t80/tcp www\r\nx\f81/tcp\u000b y-alias \r\n");
        assertEquals(OptionalInt.of(80), n.port("www"), "a CRLF file's last alias has no \\r");
        assertEquals(OptionalInt.of(80), n.port("http"));
        assertEquals(OptionalInt.of(81), n.port("x"));
        assertEquals(OptionalInt.of(81), n.port("y-alias"));
        assertEquals(OptionalInt.empty(), n.port("www\r"));
    }

    @Test
    void onlyAsciiDigitsInRangeWithAProtocolAreAPort() {
        ServiceNames n = ServiceNames.parse("""
                arabic \u0668\u0660/tcp
                fullwidth \uff18\uff10/tcp
                big 65536/tcp
                huge 99999999999999999999/tcp alias-of-huge
                noproto 80/
                noslash 80
                signed +80/tcp
                max 65535/udp
                zero 0/tcp
                padded 0000080/tcp
                """);
        for (String bad : List.of("arabic", "fullwidth", "big", "huge", "alias-of-huge", "noproto", "noslash", "signed")) {
            assertEquals(OptionalInt.empty(), n.port(bad), bad);
        }
        assertEquals(OptionalInt.of(65535), n.port("max"));
        assertEquals(OptionalInt.of(0), n.port("zero"));
        assertEquals(OptionalInt.of(80), n.port("padded"));
    }

    @Test
    void commentsBlankLinesAndTheFirstEntryOfANameWin() {
        ServiceNames n = ServiceNames.parse("# header\n\n   \nfoo 10/tcp bar # baz 11/tcp\nfoo 12/udp\nbar 13/tcp\n#qux 14/tcp\nqux 15/tcp#c");
        assertEquals(OptionalInt.of(10), n.port("foo"));
        assertEquals(OptionalInt.of(10), n.port("bar"));
        assertEquals(OptionalInt.empty(), n.port("baz"));
        assertEquals(OptionalInt.of(15), n.port("qux"));
        assertEquals(OptionalInt.empty(), n.port("#"));
    }

    /** A Latin-1 byte in a comment failed the whole file (MalformedInputException); the names around it resolve. */
    @Test
    void bytesThatAreNotUtf8DoNotLoseTheFile() throws Exception {
        Path f = dir.resolve("services");
        byte[] latin1 = "# Stra\u00dfe\nhttp 80/tcp www\nk\u00f6ln 9/tcp\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, latin1);
        ServiceNames n = ServiceNames.read(f);
        assertEquals(OptionalInt.of(80), n.port("www"));
        assertEquals(OptionalInt.empty(), n.port("k\u00f6ln"), "not UTF-8: not that name");
    }

    /** A long file of one-character fields and a 1 MB line: parsed, not a regex's backtracking or a stack overflow. */
    @Test
    void longLinesAndManyFields() {
        StringBuilder sb = new StringBuilder("s 7/tcp");
        for (int i = 0; i < 200_000; i++) {
            sb.append(' ').append('a').append(i);
        }
        sb.append('\n').append("x".repeat(1 << 20)).append(" 8/tcp\n");
        ServiceNames n = ServiceNames.parse(sb.toString());
        assertEquals(OptionalInt.of(7), n.port("a199999"));
        assertEquals(OptionalInt.of(8), n.port("x".repeat(1 << 20)));
    }
}
