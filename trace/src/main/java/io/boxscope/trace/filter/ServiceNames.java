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
 */
public final class ServiceNames {
    private final Map<String, Integer> ports;

    private ServiceNames(Map<String, Integer> ports) {
        this.ports = Map.copyOf(ports);
    }

    /** Parses services(5) text. */
    public static ServiceNames parse(String text) {
        Map<String, Integer> ports = new HashMap<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("[ \t]+");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            int slash = f[1].indexOf('/');
            if (slash <= 0) {
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(f[1].substring(0, slash));
            } catch (NumberFormatException e) {
                continue;
            }
            if (port < 0 || port > 65535) {
                continue;
            }
            ports.putIfAbsent(f[0], port);
            for (int i = 2; i < f.length; i++) {
                ports.putIfAbsent(f[i], port);
            }
        }
        return new ServiceNames(ports);
    }

    /** Reads {@code file} (normally /etc/services); a missing file knows no names. */
    public static ServiceNames read(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
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
