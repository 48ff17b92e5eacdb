package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proc root laid out as the kernel lays out /proc: PID directories with comm and a root link. */
class HostRootTest {

    @TempDir
    Path proc;

    private Path process(int pid, String comm) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("comm"), comm + "\n");
        return dir;
    }

    @Test
    void pid1sRootWhenItCanBeEntered() throws IOException {
        Files.createDirectories(process(1, "systemd").resolve("root"));
        Files.createDirectories(process(812, "containerd").resolve("root"));
        assertEquals(proc.resolve("1/root"), HostRoot.of(new HostPaths(proc, Path.of("/sys"))));
    }

    @Test
    void aRuntimeDaemonsRootWhenPid1sIsClosed() throws IOException {
        process(1, "process_api"); // no enterable root: ptrace access to PID 1 denied
        Files.createDirectories(process(40, "bash").resolve("root"));
        Files.createDirectories(process(57, "dockerd").resolve("root"));
        assertEquals(proc.resolve("57/root"), HostRoot.of(new HostPaths(proc, Path.of("/sys"))));
    }

    @Test
    void pid1sPathWhenNothingCanBeEnteredSoTheErrorNamesIt() throws IOException {
        process(1, "init");
        process(57, "dockerd");
        Files.writeString(proc.resolve("self"), "not a pid");
        assertEquals(proc.resolve("1/root"), HostRoot.of(new HostPaths(proc, Path.of("/sys"))));
    }
}
