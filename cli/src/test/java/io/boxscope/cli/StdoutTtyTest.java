package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CliCommand#isTerminalDevice}: what isatty answers for a process whose standard output is a pseudo-terminal
 * and whose standard input is not (script(1) gives the pty; sysdig's chisels look at stdout alone, where JDK 25's
 * System.console() is null as soon as stdin is not a terminal), and for a pipe.
 */
class StdoutTtyTest {
    @Test
    void aPtyOnStdoutIsATerminalWhateverStdinIs() throws Exception {
        Process script = new ProcessBuilder("script", "-qec", "exec sleep 30 < /dev/null", "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            ProcessHandle sleep = null;
            for (int i = 0; i < 200 && sleep == null; i++) {
                sleep = script.descendants().filter(h -> h.info().command().orElse("").endsWith("/sleep")).findFirst().orElse(null);
                if (sleep == null) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
            assertTrue(sleep != null, "script started no sleep");
            Path fds = Path.of("/proc", String.valueOf(sleep.pid()), "fd");
            assertTrue(CliCommand.isTerminalDevice(fds.resolve("1")), "stdout on script's pty");
            assertFalse(CliCommand.isTerminalDevice(fds.resolve("0")), "stdin is /dev/null");
            // script itself: its stdin is a pipe from us
            Path own = Path.of("/proc", String.valueOf(script.pid()), "fd");
            assertFalse(CliCommand.isTerminalDevice(own.resolve("0")), "a pipe");
            assertFalse(CliCommand.isTerminalDevice(own.resolve("99999")), "no such fd");
        } finally {
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
        }
    }
    /**
     * {@link CliCommand#isTty} asks the kernel as isatty does, not the device's name: a pty master opened from
     * /dev/ptmx is a terminal to isatty (TCGETS works on it) though its link reads /dev/ptmx, which the name check
     * (/dev/pts/, /dev/tty*, /dev/console; /dev/hvc0 missed the same way) answered false; /dev/null and a regular
     * file are not.
     */
    @Test
    void aTerminalIsOneWhateverItsDeviceIsNamed() throws Exception {
        int ptmx = open("/dev/ptmx", 2 | 0400); // O_RDWR | O_NOCTTY: not made our controlling terminal
        int devNull = open("/dev/null", 0);
        int file = open("/proc/self/status", 0);
        try {
            assertTrue(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/" + ptmx)).toString().equals("/dev/ptmx"));
            assertTrue(CliCommand.isTty(ptmx), "a pty master");
            assertFalse(CliCommand.isTty(devNull), "/dev/null");
            assertFalse(CliCommand.isTty(file), "a regular file");
            assertFalse(CliCommand.isTty(99_999), "no such fd");
        } finally {
            io.boxscope.bpf.sys.Sys.close(ptmx);
            io.boxscope.bpf.sys.Sys.close(devNull);
            io.boxscope.bpf.sys.Sys.close(file);
        }
    }

    private static int open(String path, int flags) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            io.boxscope.bpf.sys.Sys.Result r = io.boxscope.bpf.sys.Sys.openat(arena.allocateFrom(path), flags);
            assertFalse(r.failed(), path + ": errno " + r.errno());
            return (int) r.value();
        }
    }
}
