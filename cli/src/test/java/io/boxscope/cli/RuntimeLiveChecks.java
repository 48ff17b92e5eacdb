package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;

/**
 * The same four commands a user runs against any runtime's container, checked live: `containers`,
 * `containers --container NAME`, `mem container NAME` and `--container NAME bench cpu`. The
 * container runs `sleep` with 0.5 CPU and 128 MiB, which are the oracles; the runtime's own CLI
 * gave its id and PID.
 */
final class RuntimeLiveChecks {
    private RuntimeLiveChecks() {}

    static final long MEM_LIMIT = 128L * 1024 * 1024;

    /** Runs the four commands and checks them; returns the container's JSON from `containers --json`. */
    static Map<String, Object> checkAll(String name, String id, int pid, String runtime, String image) {
        Cli r = Cli.run("containers", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> found = null;
        for (Object o : Json.asList(Json.asObject(Json.parse(r.out())).get("containers"))) {
            Map<String, Object> m = Json.asObject(o);
            if (name.equals(m.get("name"))) {
                found = m;
            }
        }
        assertTrue(found != null, "container " + name + " not in " + r.out() + r.err());
        assertEquals(id, found.get("id"));
        assertEquals(runtime, found.get("runtime"));
        assertEquals(image, found.get("image"));
        assertTrue(Json.asList(found.get("pids")).contains((long) pid), found.toString());
        Map<String, Object> limits = Json.asObject(found.get("limits"));
        assertEquals(0.5, ((Number) limits.get("cpus")).doubleValue());
        assertEquals(MEM_LIMIT, limits.get("memory_limit_bytes"));
        String cgroup = (String) Json.asObject(found.get("cgroup")).get("v2_path");

        Cli one = Cli.run("containers", "--container", name);
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("128MiB") && one.out().contains(runtime), one.out());

        Cli byPid = Cli.run("containers", "--pid", Integer.toString(pid));
        assertEquals(0, byPid.code(), byPid.err());
        assertTrue(byPid.out().contains("is in container " + name + " (" + runtime), byPid.out());

        Cli mem = Cli.run("--json", "mem", "container", name);
        assertEquals(0, mem.code(), mem.err());
        Map<String, Object> m = Json.asObject(Json.parse(mem.out()));
        assertEquals(MEM_LIMIT, Json.asObject(m.get("cgroup")).get("limit_bytes"));
        List<Object> procs = Json.asList(Json.asObject(m.get("processes")).get("list"));
        assertTrue(procs.stream().anyMatch(p -> ((Number) Json.asObject(p).get("pid")).intValue() == pid), mem.out());

        // The benchmark's child joins the container's cgroups: the environment it reports is the
        // container's cgroup and quota, which it could not read from anywhere else.
        Cli bench = Cli.run("--json", "--container", name, "bench", "cpu", "--time=0.5", "--warmup-time=0");
        assertEquals(0, bench.code(), bench.err());
        Map<String, Object> env = Json.asObject(Json.asObject(Json.parse(bench.out())).get("environment"));
        assertEquals(cgroup, env.get("cgroup"));
        assertEquals(0.5, ((Number) env.get("cpu_quota")).doubleValue(), 1e-9);
        assertEquals(MEM_LIMIT, ((Number) env.get("memory_limit_bytes")).longValue());
        return found;
    }

    /** A name of this run's own: runs in other worktrees share the daemons. */
    static String uniqueName(String what) {
        return "boxscope-test-" + what + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }
}
