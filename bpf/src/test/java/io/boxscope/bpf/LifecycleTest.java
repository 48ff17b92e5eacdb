package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

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

    static boolean bpftoolKnowsProg(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void closingTheProgramAndLinkReleasesThem() throws Exception {
        int progs = fds("bpf-prog");
        int links = fds("bpf_link");
        int maps = fds("bpf-map");
        int perf = fds("[perf_event]");
        int id;
        BpfMap count = Counting.counter();
        Program p = Program.load(ProgramSpec.of("lifecycle", ProgramType.TRACEPOINT, Counting.countIf(count, Sys.gettid(), false)));
        Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat");
        id = p.id();
        assertEquals(progs + 1, fds("bpf-prog"));
        assertEquals(links + 1, fds("bpf_link"));
        assertEquals(perf + 1, fds("[perf_event]"));
        assertTrue(bpftoolKnowsProg(id));
        l.close();
        p.close();
        count.close();
        assertTrue(l.isClosed() && p.isClosed() && count.isClosed());
        assertEquals(progs, fds("bpf-prog"));
        assertEquals(links, fds("bpf_link"));
        assertEquals(maps, fds("bpf-map"));
        assertEquals(perf, fds("[perf_event]"));
        // the kernel frees the program after an RCU grace period: wait for bpftool to stop listing it
        long until = System.nanoTime() + 10_000_000_000L;
        while (bpftoolKnowsProg(id) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(!bpftoolKnowsProg(id), "program id " + id + " still loaded after close");
        l.close(); // idempotent
    }
}
