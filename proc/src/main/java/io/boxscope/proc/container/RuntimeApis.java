package io.boxscope.proc.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;
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
    /**
     * The newest Engine API version whose container list this code reads (Docker 27; the fields
     * read, Id, Names, Image and State, are the same since 1.24). Podman's compatible API says 1.41.
     */
    static final String API_VERSION = "1.47";
    /** What to ask a daemon whose {@code /_ping} names no version: Docker 20.10's, which Podman also speaks. */
    static final String FALLBACK_VERSION = "1.41";
    private final List<Path> sockets;

    public RuntimeApis(List<Path> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** {@code $DOCKER_HOST} if it is a unix:// address, then the usual Docker and Podman sockets. */
    public static RuntimeApis defaults() {
        return defaults(HostPaths.DEFAULT);
    }

    /**
     * The default sockets as the host sees them. With a proc root other than {@code /proc} (an
     * agent in a container with the host's /proc mounted and the host's PID namespace, as
     * deploy/daemonset.yaml runs it) the host's sockets are reached through the host's PID 1 root,
     * {@code <proc-root>/1/root/var/run/docker.sock} ({@link HostRoot}: /proc/PID/root needs ptrace
     * access, CAP_SYS_PTRACE), after the container's own paths; {@code $DOCKER_HOST} comes first.
     */
    public static RuntimeApis defaults(HostPaths paths) {
        List<Path> s = new ArrayList<>();
        String env = System.getenv("DOCKER_HOST");
        if (env != null && env.startsWith("unix://")) {
            s.add(Path.of(env.substring("unix://".length())));
        }
        s.add(Path.of(DOCKER_SOCKET));
        s.add(Path.of(PODMAN_SOCKET));
        if (!paths.procRoot().equals(HostPaths.DEFAULT.procRoot())) {
            Path hostRoot = HostRoot.of(paths);
            s.add(hostRoot.resolve(DOCKER_SOCKET.substring(1)));
            s.add(hostRoot.resolve(PODMAN_SOCKET.substring(1)));
        }
        return new RuntimeApis(s);
    }

    private static final String DOCKER_SOCKET = "/var/run/docker.sock";
    private static final String PODMAN_SOCKET = "/run/podman/podman.sock";

    /** The sockets asked, in order. */
    List<Path> sockets() {
        return sockets;
    }

    /**
     * Result: containers by full id, and one notice per socket that could not be asked. {@code refused}: the notices
     * of the sockets that refused this user's connect(2) (EACCES: connecting to a unix socket needs write permission
     * on its file, unix(7)), a missing privilege, unlike a daemon that is down or answers an error.
     */
    public record Lookup(Map<String, RuntimeContainer> byId, List<String> notices, List<String> refused) {
        public Lookup {
            notices = List.copyOf(notices);
            refused = List.copyOf(refused);
        }
    }

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
        List<String> refused = new ArrayList<>();
        boolean anySocket = false;
        for (Path socket : sockets.stream().distinct().toList()) {
            if (!Files.exists(socket)) {
                continue;
            }
            anySocket = true;
            try {
                // One budget per socket for both calls: a hung daemon costs TIMEOUT_MS, not twice that.
                long start = System.nanoTime();
                String version = apiVersion(socket);
                long left = Math.max(1, TIMEOUT_MS - (System.nanoTime() - start) / 1_000_000);
                UnixHttp.Response r = UnixHttp.get(socket, "/v" + version + (all ? "/containers/json?all=1" : "/containers/json"), left);
                if (r.status() != 200) {
                    notices.add(socket + " answered HTTP " + r.status() + " to GET /v" + version + "/containers/json"
                            + errorMessage(r.body()) + ": container names unavailable, showing ids");
                    continue;
                }
                for (RuntimeContainer c : parseList(r.body())) {
                    byId.putIfAbsent(c.id(), c);
                }
            } catch (IOException | JsonException | SecurityException e) {
                // connect(2) on a socket file we may not write to fails with EACCES (unix(7)); Java reports it as
                // a BindException or SocketException with strerror's text, so the file's mode decides (access(2)).
                boolean denied = !Files.isWritable(socket) || String.valueOf(e.getMessage()).contains("Permission denied");
                String notice = "cannot ask " + socket + " for container names (" + e.getMessage() + "): showing ids"
                        + (denied ? "; run as root" : "");
                notices.add(notice);
                if (denied) {
                    refused.add(notice);
                }
            }
        }
        if (!anySocket) {
            notices.add("no container runtime socket found (" + sockets.getFirst() + "): showing ids, not names");
        }
        return new Lookup(byId, notices, refused);
    }

    /**
     * The Engine API version to ask in: the daemon's own ({@code Api-Version} header of
     * {@code GET /_ping}) if it is older than {@link #API_VERSION}, else {@link #API_VERSION}; the
     * way the docker CLI negotiates. An unversioned path would get whatever the daemon's latest
     * is, whose answer may change shape; a fixed old one is refused by daemons whose minimum moved
     * past it (Docker 29 accepts 1.44 and later).
     */
    static String apiVersion(Path socket) throws IOException {
        UnixHttp.Response ping = UnixHttp.get(socket, "/_ping", TIMEOUT_MS);
        return negotiate(ping.header("Api-Version"));
    }

    /** {@code min(server, API_VERSION)}; {@link #FALLBACK_VERSION} when the server names none. */
    static String negotiate(String server) {
        int[] s = parseVersion(server);
        if (s == null) {
            return FALLBACK_VERSION;
        }
        int[] mine = parseVersion(API_VERSION);
        boolean older = s[0] < mine[0] || (s[0] == mine[0] && s[1] < mine[1]);
        return older ? s[0] + "." + s[1] : API_VERSION;
    }

    private static int[] parseVersion(String v) {
        String[] p = v.strip().split("\\.");
        if (p.length != 2) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The Engine API's error document {@code {"message": "..."}}, as " (message)", or "". */
    private static String errorMessage(String body) {
        try {
            Object m = Json.asObject(Json.parse(body)).get("message");
            return m == null ? "" : " (" + m + ")";
        } catch (JsonException | ClassCastException | IllegalArgumentException e) {
            return "";
        }
    }

    /**
     * The privileged flag and mounts of one container, from the first runtime that knows it: {@code GET
     * /containers/{id}/json} (Docker Engine API ContainerInspect; Podman's compatible API) on each socket in turn, a
     * 404 passing to the next. {@link RuntimeDetails#UNKNOWN} when no runtime knows the id (or it is not a runtime's
     * hexadecimal id, which is never put in a request path).
     *
     * @throws IOException when no runtime answered it and one failed (its message names the socket and why)
     */
    public RuntimeDetails inspect(String id) throws IOException {
        if (id.isEmpty() || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return RuntimeDetails.UNKNOWN;
        }
        IOException failed = null;
        for (Path socket : sockets.stream().distinct().toList()) {
            if (!Files.exists(socket)) {
                continue;
            }
            try {
                long start = System.nanoTime();
                String version = apiVersion(socket);
                long left = Math.max(1, TIMEOUT_MS - (System.nanoTime() - start) / 1_000_000);
                String target = "/v" + version + "/containers/" + id + "/json";
                UnixHttp.Response r = UnixHttp.get(socket, target, left);
                if (r.status() == 200) {
                    return parseInspect(r.body());
                }
                if (r.status() != 404) {
                    failed = new IOException(socket + " answered HTTP " + r.status() + " to GET " + target + errorMessage(r.body()));
                }
            } catch (IOException | JsonException | SecurityException | ClassCastException e) {
                failed = new IOException("cannot ask " + socket + " about container " + id.substring(0, Math.min(12, id.length()))
                        + ": " + e.getMessage(), e);
            }
        }
        if (failed != null) {
            throw failed;
        }
        return RuntimeDetails.UNKNOWN;
    }

    /**
     * Parses an inspect answer ({@code GET /containers/{id}/json}): {@code HostConfig.Privileged} and each
     * {@code Mounts} entry's Source, Destination, Mode, RW and Propagation (absent strings read as "", as libsinsp's
     * parse_json_mounts reads a null Json value's asString).
     */
    public static RuntimeDetails parseInspect(String json) {
        Map<String, Object> root = Json.asObject(Json.parse(json));
        boolean privileged = root.get("HostConfig") instanceof Map<?, ?> hc && Boolean.TRUE.equals(hc.get("Privileged"));
        List<RuntimeDetails.Mount> mounts = new ArrayList<>();
        if (root.get("Mounts") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    mounts.add(new RuntimeDetails.Mount(text(m.get("Source")), text(m.get("Destination")), text(m.get("Mode")),
                            Boolean.TRUE.equals(m.get("RW")), text(m.get("Propagation"))));
                }
            }
        }
        return new RuntimeDetails(true, privileged, mounts);
    }

    private static String text(Object o) {
        return o instanceof String s ? s : "";
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
            Map<String, String> labels = new java.util.HashMap<>();
            if (c.get("Labels") instanceof Map<?, ?> l) {
                l.forEach((k, v) -> {
                    if (k instanceof String key && v instanceof String value) {
                        labels.put(key, value);
                    }
                });
            }
            out.add(new RuntimeContainer(id, name, String.valueOf(c.getOrDefault("Image", "")),
                    String.valueOf(c.getOrDefault("State", "")), labels));
        }
        return out;
    }
}
