package io.boxscope.trace.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Service names → ports, for port fields given a name ({@code fd.sport=http}); sysdig looks them up
 * with getservbyname(3), i.e. in /etc/services (services(5)): "name port/protocol aliases...".
 * The first entry of a name or alias wins, whatever its protocol, as getservbyname(name, NULL) does.
 * The file is anyone's who can write it, and read as glibc's nss_files parser reads it (nss/nss_files/files-service.c
 * through files-parse.c): a line ends at '#'; fields are separated by any C isspace(3) character (space, tab, CR,
 * vertical tab, form feed: a CRLF file's last alias is "http", not "http\r"); the port is ASCII digits, at most
 * 65535, then '/' and a protocol (Unicode digits such as "٨٠" are not a port, which Integer.parseInt would take).
 * A sign before the port, which glibc's strtoul(3) accepts, is not taken: no real entry has one.
 */
public final class ServiceNames {
    private final Map<String, Integer> ports;

    private ServiceNames(Map<String, Integer> ports) {
        this.ports = Map.copyOf(ports);
    }

    /** Parses services(5) text; lines that are not an entry are skipped, as getservbyname(3) skips them. */
    public static ServiceNames parse(String text) {
        Map<String, Integer> ports = new HashMap<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = text.indexOf('\n', i);
            if (end < 0) {
                end = n;
            }
            int hash = text.indexOf('#', i);
            entry(text, i, hash >= 0 && hash < end ? hash : end, ports);
            i = end + 1;
        }
        return new ServiceNames(ports);
    }

    /** One line's entry, text[from, to) without its comment, into {@code ports}. */
    private static void entry(String text, int from, int to, Map<String, Integer> ports) {
        int nameStart = skipSpace(text, from, to);
        int nameEnd = skipField(text, nameStart, to);
        int portStart = skipSpace(text, nameEnd, to);
        int portEnd = skipField(text, portStart, to);
        if (nameStart == nameEnd || portStart == portEnd) {
            return; // blank, or a name without a port
        }
        int port = 0;
        int p = portStart;
        while (p < portEnd && text.charAt(p) >= '0' && text.charAt(p) <= '9') {
            port = Math.min(port * 10 + (text.charAt(p) - '0'), 65536); // past 65535 stays past it, without overflow
            p++;
        }
        // digits, at most 65535, then '/' and a protocol
        if (p == portStart || p >= portEnd - 1 || text.charAt(p) != '/' || port > 65535) {
            return;
        }
        ports.putIfAbsent(text.substring(nameStart, nameEnd), port);
        int a = skipSpace(text, portEnd, to);
        while (a < to) {
            int aliasEnd = skipField(text, a, to);
            ports.putIfAbsent(text.substring(a, aliasEnd), port);
            a = skipSpace(text, aliasEnd, to);
        }
    }

    /** isspace(3) in the C locale: space, \t, \n, \v, \f, \r. */
    private static boolean space(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int skipSpace(String text, int i, int to) {
        while (i < to && space(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipField(String text, int i, int to) {
        while (i < to && !space(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Reads {@code file} (normally /etc/services); a missing file knows no names. Bytes that are not UTF-8 (a Latin-1
     * comment) become U+FFFD instead of failing the whole file: the names around them still resolve.
     */
    public static ServiceNames read(Path file) throws IOException {
        try {
            return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new ServiceNames(Map.of());
        }
    }

    /** No names at all (ports must be given as numbers). */
    public static ServiceNames none() {
        return new ServiceNames(Map.of());
    }

    public OptionalInt port(String name) {
        Integer p = ports.get(name);
        return p == null ? OptionalInt.empty() : OptionalInt.of(p);
    }
}
