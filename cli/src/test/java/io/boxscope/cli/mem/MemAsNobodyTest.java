package io.boxscope.cli.mem;

import io.boxscope.testkit.Unprivileged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mem commands run by an unprivileged user (nobody, in a child JVM through the real entry
 * point io.boxscope.cli.Main) on a root-owned process: a one-line "permission denied ... run as
 * root" and exit 3, never a stack trace; in mem top, the process is skipped and counted.
 */
class MemAsNobodyTest {
    static final List<String> JVM = List.of("--enable-native-access=ALL-UNNAMED");

    static Process target;
    static Unprivileged nobody;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRoot(); // only root can start the nobody child and own the target
        target = new ProcessBuilder("/bin/busybox", "sleep", "60").start();
        nobody = new Unprivileged();
    }

    @AfterAll
    static void stop() throws Exception {
        if (target != null) {
            target.destroyForcibly();
            target.waitFor();
        }
        if (nobody != null) {
            nobody.close();
        }
    }

    static Unprivileged.Result boxscope(String... args) throws Exception {
        return nobody.java(JVM, "io.boxscope.cli.Main", args);
    }

    static void deniedInOneLine(Unprivileged.Result r, String file) {
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one line, no stack trace: " + r.err());
        assertTrue(r.err().startsWith("boxscope: permission denied") && r.err().contains("/proc/" + target.pid() + "/" + file)
                && r.err().strip().endsWith("run as root"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void pmapOfRootsProcess() throws Exception {
        deniedInOneLine(boxscope("mem", "pmap", "-x", Long.toString(target.pid())), "smaps");
        deniedInOneLine(boxscope("mem", "pmap", Long.toString(target.pid())), "maps");
    }

    @Test
    void rollupAndSmapsOfRootsProcess() throws Exception {
        deniedInOneLine(boxscope("mem", "rollup", Long.toString(target.pid())), "smaps_rollup");
        deniedInOneLine(boxscope("mem", "smaps", Long.toString(target.pid())), "smaps");
    }

    /**
     * The one process named with --pid: denied is exit 3 in one line, as mem rollup says it; before, an empty table
     * with "skipped: 1 could not be read" under it and exit 0 (the whole output was the footer).
     */
    @Test
    void topOfOneRootProcessIsDenied() throws Exception {
        deniedInOneLine(boxscope("mem", "top", "--pid", Long.toString(target.pid())), "smaps_rollup");
        deniedInOneLine(boxscope("mem", "top", "--json", "--pid", Long.toString(target.pid())), "smaps_rollup");
    }

    @Test
    void topSkipsAndCounts() throws Exception {
        Unprivileged.Result r = boxscope("mem", "top", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.asObject(Json.parse(r.out()));
        // At least our root-owned target is denied (other root processes too).
        assertTrue(((Number) j.get("skipped_permission_denied")).longValue() >= 1, r.out());
        assertFalse(Json.asList(j.get("rows")).stream().map(Json::asObject)
                .anyMatch(o -> ((Number) o.get("pid")).longValue() == target.pid()), "the root process is not a row");
        Unprivileged.Result text = boxscope("mem", "top");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("could not be read (permission denied: run as root)"), text.out());
        assertEquals("", text.err());
    }
}
