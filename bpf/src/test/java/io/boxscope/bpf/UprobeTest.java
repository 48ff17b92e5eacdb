package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.testkit.KernelTest;

/**
 * A uprobe on libc's kill(): dash's {@code kill} builtin calls it once per invocation, so a child
 * shell that runs {@code kill -0 $$} N times makes exactly N calls. The child waits on stdin until
 * the probe is attached.
 */
@KernelTest
class UprobeTest {
    static Path libc() {
        for (String p : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6")) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("no libc.so.6 found");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void countsEveryKillCallOfAChildShell(boolean retprobe) throws Exception {
        int n = 73;
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + n + " ]; do kill -0 $$; i=$((i+1)); done")
                .redirectErrorStream(true).start();
        int pid = (int) child.pid();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("uprobe_kill", ProgramType.KPROBE, Counting.countIf(count, pid, true)));
                Link l = Attach.uprobe(p, libc(), "kill", retprobe, pid)) {
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes());
            }
            assertEquals(true, child.waitFor(30, TimeUnit.SECONDS), "child shell did not finish");
            assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
            assertEquals(n, Counting.read(count), l.description());
        } finally {
            child.destroyForcibly();
        }
    }
}
