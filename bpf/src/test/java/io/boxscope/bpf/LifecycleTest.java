package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Creating a map, loading a program and attaching a link each add exactly one kernel object held by this
 * process, and closing them gives every one back. Oracles, none of them our own enumeration: the kernel's
 * per-descriptor view ({@code /proc/self/fdinfo/N} prints {@code map_id:}, {@code prog_id:} or
 * {@code link_id:} for a BPF descriptor; proc(5)), the anon-inode names of {@code /proc/self/fd}, and
 * bpftool's {@code map show id}/{@code prog show id} (system-wide, by id: other processes' objects do not count).
 */
@KernelTest
class LifecycleTest {
    /** This process's descriptors whose target is the given anon inode, e.g. "bpf-prog". */
    static int fds(String kind) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : d) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals("anon_inode:" + kind)) {
                        n++;
                    }
                } catch (IOException e) {
                    // the directory stream's own fd vanished
                }
            }
        }
        return n;
    }

    /** The kernel ids ("map_id", "prog_id", "link_id") of the BPF objects this process's descriptors hold. */
    static Set<Integer> heldIds(String field) throws IOException {
        Set<Integer> ids = new TreeSet<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path p : d) {
                String text;
                try {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    continue; // closed meanwhile (e.g. the directory stream's own descriptor)
                } catch (IOException e) {
                    continue;
                }
                for (String line : text.lines().toList()) {
                    if (line.startsWith(field + ":")) {
                        ids.add(Integer.parseInt(line.substring(field.length() + 1).trim()));
                    }
                }
            }
        }
        return ids;
    }

    static Set<Integer> plus(Set<Integer> s, int id) {
        Set<Integer> r = new TreeSet<>(s);
        r.add(id);
        return r;
    }

    /** {@code bpftool KIND show id ID -j}: the JSON object, or null when bpftool says there is no such object. */
    static String bpftoolShow(String kind, int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", kind, "show", "id", Integer.toString(id))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }

    /** Objects are freed after an RCU grace period (maps from a work queue): wait for bpftool to stop listing it. */
    static boolean goneWithin10s(String kind, int id) throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (bpftoolShow(kind, id) != null && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return bpftoolShow(kind, id) == null;
    }

    @Test
    void closingTheMapProgramAndLinkReleasesThem() throws Exception {
        int progs = fds("bpf-prog");
        int links = fds("bpf_link");
        int maps = fds("bpf-map");
        int perf = fds("[perf_event]");
        Set<Integer> mapIds = heldIds("map_id");
        Set<Integer> progIds = heldIds("prog_id");
        Set<Integer> linkIds = heldIds("link_id");

        BpfMap count = Counting.counter();
        int mapId = count.id();
        assertEquals(maps + 1, fds("bpf-map"));
        assertEquals(plus(mapIds, mapId), heldIds("map_id"), "exactly one more map, the one we created");
        String mapJson = bpftoolShow("map", mapId);
        assertTrue(mapJson != null && mapJson.contains("\"id\":" + mapId) && mapJson.contains("\"type\":\"array\""), mapJson);

        Program p = Program.load(ProgramSpec.of("lifecycle", ProgramType.TRACEPOINT, Counting.countIf(count, Sys.gettid(), false)));
        int progId = p.id();
        assertEquals(progs + 1, fds("bpf-prog"));
        assertEquals(plus(progIds, progId), heldIds("prog_id"), "exactly one more program, the one we loaded");
        assertEquals(plus(mapIds, mapId), heldIds("map_id"), "loading adds no map of its own");
        String progJson = bpftoolShow("prog", progId);
        assertTrue(progJson != null && progJson.contains("\"map_ids\":[" + mapId + "]"), "the program uses our map: " + progJson);

        Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat");
        assertEquals(links + 1, fds("bpf_link"), "a BPF link over the perf event");
        assertEquals(perf + 1, fds("[perf_event]"));
        Set<Integer> linkNow = heldIds("link_id");
        assertTrue(linkNow.containsAll(linkIds) && linkNow.size() == linkIds.size() + 1, linkIds + " -> " + linkNow);

        l.close();
        p.close();
        assertTrue(l.isClosed() && p.isClosed());
        assertEquals(progIds, heldIds("prog_id"));
        assertEquals(linkIds, heldIds("link_id"));
        assertEquals(progs, fds("bpf-prog"));
        assertEquals(links, fds("bpf_link"));
        assertEquals(perf, fds("[perf_event]"));
        assertTrue(goneWithin10s("prog", progId), "program id " + progId + " still loaded after close");
        assertTrue(bpftoolShow("map", mapId) != null, "the map outlives the program while we hold it");

        count.close();
        assertTrue(count.isClosed());
        assertEquals(maps, fds("bpf-map"));
        assertEquals(mapIds, heldIds("map_id"));
        assertTrue(goneWithin10s("map", mapId), "map id " + mapId + " still exists after close");
        l.close(); // idempotent
    }
}
