package io.boxscope.cli.trace;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapWriter;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A capture with containers: nginx (pid 500) in a Docker container the file describes with a container
 * event (as sysdig -w writes them: PPME_CONTAINER_JSON_2_E, its JSON), redis (pid 600) in a Docker
 * container the file does not describe, and bash (pid 100) on the host. Each opens a file.
 */
final class ContainerCapture {
    static final String WEB = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8";
    static final String CACHE = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";

    private ContainerCapture() {}

    static Path write(Path file) throws Exception {
        List<ThreadInfo> threads = List.of(
                ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0),
                ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of(), "/root/", 0, 0),
                inContainer(ThreadInfo.of(500, 500, 1, "nginx", "/usr/sbin/nginx", List.of(), "/", 0, 0), WEB),
                inContainer(ThreadInfo.of(600, 600, 1, "redis-server", "/usr/bin/redis-server", List.of(), "/data/", 0, 0), CACHE));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 4L << 30, 4194304, "container-test"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), List.of(new GroupInfo(0, "root")), threads, Map.of());
        List<ScapEvent> events = new ArrayList<>();
        long ts = 1_700_000_100_000_000_000L;
        String json = "{\"container\":{\"Mounts\":[],\"full_id\":\"" + WEB + "\",\"id\":\"" + WEB.substring(0, 12)
                + "\",\"image\":\"nginx:1.25\",\"imagedigest\":\"\",\"imageid\":\"a8758716bb6a\",\"imagerepo\":\"nginx\","
                + "\"imagetag\":\"1.25\",\"name\":\"web\",\"privileged\":false,\"type\":0}}";
        events.add(ScapEvent.builder("PPME_CONTAINER_JSON_2_E", ts, -1, 0).str(json).build());
        int n = 0;
        for (long tid : new long[] {100, 500, 600, 500}) {
            String path = "/etc/file" + n++;
            events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, tid, 0).num(-100).str(path).num(1).num(0).build());
            events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, tid, 0).num(3 + n).num(-100).str(path)
                    .num(1).num(0).num(0x803).build());
            events.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, tid, 0).num(3 + n).num(100).build());
            events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000 * n, tid, 0).num(10L * n).bytes(new byte[10 * n]).build());
        }
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        return file;
    }

    private static ThreadInfo inContainer(ThreadInfo t, String id) {
        List<String> cgroups = List.of("cpu=/docker/" + id, "memory=/docker/" + id);
        return new ThreadInfo(t.tid(), t.pid(), t.ptid(), t.sid(), t.vpgid(), t.comm(), t.exe(), t.exepath(), t.args(), t.cwd(),
                t.fdlimit(), t.flags(), t.uid(), t.gid(), 0, 0, 0, 0, 0, List.of(), 1, 1, cgroups, "/", -1, false);
    }
}
