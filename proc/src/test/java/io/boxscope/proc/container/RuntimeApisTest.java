package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.proc.Fixtures;
import org.junit.jupiter.api.Test;

class RuntimeApisTest {

    @Test
    void anAgentWithTheHostsProcAsksTheHostsSocketsThroughPid1sRoot() {
        List<Path> sockets = RuntimeApis.defaults(new io.boxscope.proc.HostPaths(Path.of("/host/proc"), Path.of("/host/sys"))).sockets();
        assertTrue(sockets.contains(Path.of("/host/proc/1/root/var/run/docker.sock")), sockets.toString());
        assertTrue(sockets.contains(Path.of("/host/proc/1/root/run/podman/podman.sock")), sockets.toString());
        // the container's own sockets first: a socket mounted into the agent wins
        assertTrue(sockets.indexOf(Path.of("/var/run/docker.sock")) < sockets.indexOf(Path.of("/host/proc/1/root/var/run/docker.sock")));
        List<Path> plain = RuntimeApis.defaults(io.boxscope.proc.HostPaths.DEFAULT).sockets();
        assertTrue(plain.stream().noneMatch(p -> p.startsWith("/proc")), plain.toString());
    }
    /** A real response of Docker 20.10's GET /containers/json, headers included. */
    @Test
    void parsesRealEngineApiResponse() throws IOException {
        byte[] raw = Files.readAllBytes(Fixtures.path("docker/containers-json.http"));
        UnixHttp.Response r = UnixHttp.parse(raw);
        assertEquals(200, r.status());
        List<RuntimeContainer> list = RuntimeApis.parseList(r.body());
        assertEquals(1, list.size());
        assertEquals("t1", list.getFirst().name());
        assertEquals("boxscope-test/busybox", list.getFirst().image());
        assertEquals(64, list.getFirst().id().length());
    }

    /**
     * A container started with the labels cri-dockerd gives a pod's containers (plus one of the
     * user's): the Kubernetes ones are kept, the others dropped.
     */
    @Test
    void keepsKubernetesLabelsOfARealResponse() throws IOException {
        UnixHttp.Response r = UnixHttp.parse(Files.readAllBytes(Fixtures.path("docker/containers-json-k8s-labels.http")));
        RuntimeContainer c = RuntimeApis.parseList(r.body()).getFirst();
        assertEquals(java.util.Map.of(KubernetesLabels.POD_NAME, "web-0", KubernetesLabels.POD_NAMESPACE, "shop",
                KubernetesLabels.CONTAINER_NAME, "app"), c.labels());
    }

    @Test
    void hostileLabelValuesAreBoundedAndOtherLabelsIgnored() {
        String huge = "x".repeat(10_000);
        List<RuntimeContainer> list = RuntimeApis.parseList("[{\"Id\":\"a\",\"Labels\":{\"io.kubernetes.pod.name\":\"" + huge
                + "\",\"io.kubernetes.pod.namespace\":7,\"other\":\"y\"}},{\"Id\":\"b\",\"Labels\":null}]");
        assertEquals(KubernetesLabels.MAX_VALUE, list.get(0).labels().get(KubernetesLabels.POD_NAME).length());
        assertEquals(1, list.get(0).labels().size());
        assertTrue(list.get(1).labels().isEmpty());
    }

    /** The same body sent with chunked transfer coding, as newer engines do. */
    @Test
    void chunkedBody() throws IOException {
        String body = Fixtures.text("docker/containers-json.json");
        String chunked = Integer.toHexString(10) + "\r\n" + body.substring(0, 10) + "\r\n"
                + Integer.toHexString(body.length() - 10) + ";ext=1\r\n" + body.substring(10) + "\r\n0\r\n\r\n";
        byte[] raw = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked).getBytes(StandardCharsets.UTF_8);
        assertEquals(body, UnixHttp.parse(raw).body());
    }

    @Test
    void garbageResponses() {
        assertThrows(IOException.class, () -> UnixHttp.parse("SSH-2.0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> UnixHttp.parse("HTTP/1.1 abc\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> UnixHttp.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> UnixHttp.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> UnixHttp.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nabc\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** No socket at all: a notice, never an exception. */
    @Test
    void missingSocketIsANotice() {
        RuntimeApis.Lookup l = new RuntimeApis(List.of(Path.of("/nonexistent/docker.sock"))).lookup();
        assertTrue(l.byId().isEmpty());
        assertEquals(1, l.notices().size());
        assertTrue(l.notices().getFirst().contains("showing ids"));
    }

    /**
     * A real answer of Docker 20.10 to GET /v1.41/containers/ID/json (body only) for {@code docker run --network host
     * -v /tmp/rf5x:/x -v /tmp:/hosttmp:ro boxscope-test/busybox sleep 600}: both binds, in order, with mode, RW and
     * propagation; not privileged.
     */
    @Test
    void inspectAnswerGivesTheMountsAndThePrivilegedFlag() throws IOException {
        String body = Files.readString(Fixtures.path("docker/container-inspect.json"));
        RuntimeDetails d = RuntimeApis.parseInspect(body);
        assertTrue(d.known());
        assertEquals(false, d.privileged());
        assertEquals(List.of(new RuntimeDetails.Mount("/tmp/rf5x", "/x", "", true, "rprivate"),
                new RuntimeDetails.Mount("/tmp", "/hosttmp", "ro", false, "rprivate")), d.mounts());
        // the same answer for a container run with --privileged (which this machine's runc cannot start: it may not
        // apply every capability), the flag flipped in place
        String privileged = body.replace("\"Privileged\":false", "\"Privileged\":true");
        assertTrue(!privileged.equals(body));
        assertTrue(RuntimeApis.parseInspect(privileged).privileged());
    }

    @Test
    void hostileInspectAnswersReadAsNothingOrFail() {
        RuntimeDetails d = RuntimeApis.parseInspect("{\"HostConfig\":{\"Privileged\":\"yes\"},\"Mounts\":[7,null,"
                + "{\"Source\":5,\"RW\":\"true\"}]}");
        assertEquals(false, d.privileged());
        assertEquals(List.of(new RuntimeDetails.Mount("", "", "", false, "")), d.mounts());
        assertEquals(List.of(), RuntimeApis.parseInspect("{\"Mounts\":null}").mounts());
        assertThrows(RuntimeException.class, () -> RuntimeApis.parseInspect("[1]"));
    }

    @Test
    void anIdThatIsNotHexIsNeverPutInARequest() throws IOException {
        RuntimeApis apis = new RuntimeApis(List.of(Path.of("/var/run/docker.sock")));
        assertEquals(RuntimeDetails.UNKNOWN, apis.inspect("../../_ping"));
        assertEquals(RuntimeDetails.UNKNOWN, apis.inspect(""));
    }
}
