package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.tasks.TaskTable;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@link CgroupPaths}: a v2 cgroup id named by the directory whose inode it is, as /proc/PID/cgroup's {@code 0::} line
 * names it; a cgroup made after the first walk found by walking again on its miss; a removed one answered null
 * without a walk per record. And {@link CgroupPaths#moved}: the thread table's entries after a move.
 */
class CgroupPathsTest {
    @Test
    @KernelTest
    void namesTheseCgroupsAsProcDoes() throws Exception {
        Path root = new CgroupFs(HostPaths.DEFAULT).unifiedRoot().orElseThrow();
        CgroupPaths paths = new CgroupPaths(root);
        // this process's own: the path /proc/self/cgroup gives on its v2 line (as the kernel sees the cgroup id)
        String own = TaskTable.cgroups(Files.readString(Path.of("/proc/self/cgroup"))).stream()
                .filter(e -> e.startsWith("=")).findFirst().orElseThrow().substring(1);
        assertEquals(own, paths.path(CgroupFs.cgroupId(root.resolve(own.substring(1)))));
        assertEquals("/", paths.path(CgroupFs.cgroupId(root)));
        long walks = paths.walks();
        // made after the walk: found by the walk its miss makes
        Path made = root.resolve("boxscope-test-cgpaths-" + ProcessHandle.current().pid());
        Files.createDirectory(made);
        long id;
        try {
            id = CgroupFs.cgroupId(made);
            assertEquals("/" + made.getFileName(), paths.path(id));
            assertEquals(walks + 1, paths.walks());
        } finally {
            Files.delete(made);
        }
        // an id no directory has (removed, or never made): null, one walk, then none per further record
        long gone = Long.MAX_VALUE - 7;
        assertNull(paths.path(gone));
        long after = paths.walks();
        assertNull(paths.path(gone));
        assertNull(paths.path(gone));
        assertEquals(after, paths.walks());
        assertNull(paths.path(0));
    }

    /**
     * The unknown ids kept are bounded: past the bound the oldest is forgotten and counted, and costs one more walk when
     * met again; the ids still kept cost none. Any directory tree has inode numbers, so a temporary one stands for the
     * hierarchy.
     */
    @Test
    void unknownIdsAreBoundedAndTheForgottenCounted(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Files.createDirectory(root.resolve("a"));
        CgroupPaths paths = new CgroupPaths(root, 2);
        assertEquals("/a", paths.path(CgroupFs.cgroupId(root.resolve("a"))));
        long g1 = Long.MAX_VALUE - 1;
        long g2 = Long.MAX_VALUE - 2;
        long g3 = Long.MAX_VALUE - 3;
        assertNull(paths.path(g1));
        assertNull(paths.path(g2));
        assertEquals(0, paths.forgotten());
        assertNull(paths.path(g3)); // the third: g1 is forgotten
        assertEquals(1, paths.forgotten());
        long walks = paths.walks();
        assertNull(paths.path(g2));
        assertNull(paths.path(g3));
        assertEquals(walks, paths.walks(), "the ids kept answer without a walk");
        assertNull(paths.path(g1));
        assertEquals(walks + 1, paths.walks(), "a forgotten id walks again");
        assertEquals(2, paths.forgotten(), "and takes the place of the oldest, g2");
        assertEquals(0, paths.unreadable());
    }

    @Test
    void moveRewritesTheV2EntryAndTheV1EntriesThatWereTheSame() {
        List<String> hybrid = List.of("name=systemd=/", "memory=/process_api/x", "cpu=/", "=/");
        assertEquals(List.of("name=systemd=/docker/abc", "memory=/process_api/x", "cpu=/docker/abc", "=/docker/abc"),
                CgroupPaths.moved(hybrid, "/docker/abc"));
        List<String> same = List.of("=/docker/abc");
        assertSame(same, CgroupPaths.moved(same, "/docker/abc"));
        assertEquals(List.of("=/system.slice/x.scope"), CgroupPaths.moved(List.of("=/"), "/system.slice/x.scope"));
        // no v2 entry (an empty table entry): one is added
        assertEquals(List.of("cpu=/a", "=/b"), CgroupPaths.moved(List.of("cpu=/a"), "/b"));
        assertEquals(List.of("=/b"), CgroupPaths.moved(List.of(), "/b"));
    }
}
