package io.boxscope.mem;

import io.boxscope.testkit.Unprivileged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/**
 * Permission denied for real: a root-owned busybox sleep read by a child JVM running as nobody
 * (see {@link Unprivileged}). smaps, smaps_rollup and maps need PTRACE_MODE_READ on the target
 * (proc(5)), which an unprivileged user lacks on root's process: the readers must throw
 * AccessDeniedException, as ProcMemReader promises, and mem top must count the process as denied.
 */
class PermissionDeniedTest {
    @Test
    void anotherUsersSmapsIsDeniedAndCounted() throws Exception {
        Requirements.requireRoot(); // only root can start the nobody child and own the target
        Process target = new ProcessBuilder("/bin/busybox", "sleep", "60").start();
        try (Unprivileged nobody = new Unprivileged()) {
            LiveProcesses.waitSleeping(target.pid());
            int pid = (int) target.pid();
            Unprivileged.Result r = nobody.java(List.of(), ReadAsNobody.class.getName(), Integer.toString(pid));
            assertEquals(0, r.code(), r.out() + r.err());
            Map<String, String> said = new HashMap<>();
            for (String line : r.out().lines().toList()) {
                int eq = line.indexOf('=');
                int colon = line.indexOf(':');
                if (eq > 0) {
                    said.put(line.substring(0, eq), line.substring(eq + 1));
                } else if (colon > 0) {
                    said.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            // The child really is unprivileged: uid 65534 (real, effective, saved, fs), no capabilities.
            assertEquals("65534 65534 65534 65534", said.get("Uid"), r.out());
            assertEquals(0, Long.parseLong(said.get("CapEff"), 16), r.out());
            String denied = "java.nio.file.AccessDeniedException /proc/" + pid + "/";
            assertEquals(denied + "smaps", said.get("smaps"), r.out());
            assertEquals(denied + "smaps_rollup", said.get("rollup"), r.out());
            assertEquals(denied + "maps", said.get("maps"), r.out());
            assertEquals(denied + "smaps", said.get("pmap-x"), r.out());
            // mem top reads the child itself and skips the root process, counting it, not throwing.
            assertEquals("ok processes:[self] denied:1 exited:0 kernel:0 unparsable:0", said.get("scan"), r.out());
            assertTrue(target.isAlive(), "the target was alive throughout");
        } finally {
            target.destroyForcibly();
            target.waitFor();
        }
    }
}
