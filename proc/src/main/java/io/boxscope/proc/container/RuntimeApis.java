package io.boxscope.proc.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.proc.json.JsonException;

/**
 * Names and images of containers from the runtimes' APIs: the Docker Engine API
 * ({@code GET /containers/json}) on Docker's socket, and the same call on Podman's
 * Docker-compatible socket. A missing socket or a refused call is a notice, never an error:
 * discovery then shows ids only.
 */
public final class RuntimeApis {
    private static final long TIMEOUT_MS = 3000;
    private final List<Path> sockets;

    public RuntimeApis(List<Path> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** {@code $DOCKER_HOST} if it is a unix:// address, then the usual Docker and Podman sockets. */
    public static RuntimeApis defaults() {
        List<Path> s = new ArrayList<>();
        String env = System.getenv("DOCKER_HOST");
        if (env != null && env.startsWith("unix://")) {
            s.add(Path.of(env.substring("unix://".length())));
        }
        s.add(Path.of("/var/run/docker.sock"));
        s.add(Path.of("/run/podman/podman.sock"));
        return new RuntimeApis(s);
    }

    /** Result: containers by full id, and one notice per socket that could not be asked. */
    public record Lookup(Map<String, RuntimeContainer> byId, List<String> notices) {}

    /** The running containers of every runtime that answers. */
    public Lookup lookup() {
        return lookup(false);
    }

    /**
     * The containers of every runtime that answers; with {@code all}, also those created, stopped or
     * exited ({@code GET /containers/json?all=1}, Docker Engine API; Podman's compatible API).
     */
    public Lookup lookup(boolean all) {
        Map<String, RuntimeContainer> byId = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>();
        boolean anySocket = false;
        for (Path socket : sockets.stream().distinct().toList()) {
            if (!Files.exists(socket)) {
                continue;
            }
            anySocket = true;
            try {
                UnixHttp.Response r = UnixHttp.get(socket, all ? "/containers/json?all=1" : "/containers/json", TIMEOUT_MS);
                if (r.status() != 200) {
                    notices.add(socket + " answered HTTP " + r.status() + ": container names unavailable, showing ids");
                    continue;
                }
                for (RuntimeContainer c : parseList(r.body())) {
                    byId.putIfAbsent(c.id(), c);
                }
            } catch (IOException | JsonException | SecurityException e) {
                notices.add("cannot ask " + socket + " for container names (" + e.getMessage()
                        + "): showing ids; run as root or join the docker group");
            }
        }
        if (!anySocket) {
            notices.add("no container runtime socket found (" + sockets.getFirst() + "): showing ids, not names");
        }
        return new Lookup(byId, notices);
    }

    /** Parses the Engine API's container list (Id, Names, Image, State). */
    public static List<RuntimeContainer> parseList(String json) {
        List<RuntimeContainer> out = new ArrayList<>();
        for (Object o : Json.asList(Json.parse(json))) {
            Map<String, Object> c = Json.asObject(o);
            String id = String.valueOf(c.getOrDefault("Id", ""));
            String name = "";
            if (c.get("Names") instanceof List<?> names && !names.isEmpty()) {
                name = String.valueOf(names.getFirst());
                if (name.startsWith("/")) {
                    name = name.substring(1);
                }
            }
            out.add(new RuntimeContainer(id, name, String.valueOf(c.getOrDefault("Image", "")),
                    String.valueOf(c.getOrDefault("State", ""))));
        }
        return out;
    }
}
