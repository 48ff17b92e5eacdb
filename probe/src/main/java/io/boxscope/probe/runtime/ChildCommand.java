package io.boxscope.probe.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command of {@code -c CMD}, as bpftrace runs it: started before the probes attach but held before
 * it executes anything, so {@code cpid} is known in the kernel first and no event of the command is
 * missed; released once everything is attached. It waits in {@code /bin/sh}, blocked in a read(2) of
 * its standard input (a pipe) that started before the probes were attached, exactly as bpftrace's child
 * waits in a read of a pipe; a newline releases it and it {@code exec}s the command (same pid), looked up
 * in {@code $PATH}. CMD is split at spaces, without shell quoting, as bpftrace splits it. Standard output
 * and error are inherited; standard input is that pipe, closed after the release (bpftrace leaves the
 * terminal there: a command that reads its input sees end-of-file here).
 */
public final class ChildCommand implements AutoCloseable {
    private final Process process;
    private boolean released;

    private ChildCommand(Process process) {
        this.process = process;
    }

    /** Starts {@code command} held before its exec, and returns once it waits in read(2) (at most 5 s). */
    public static ChildCommand start(String command) throws IOException {
        List<String> argv = List.of(command.strip().split("\\s+"));
        if (argv.getFirst().isEmpty()) {
            throw new IOException("-c needs a command");
        }
        if (executable(argv.getFirst(), System.getenv("PATH")) == null) {
            // bpftrace refuses it before attaching ("path '/no/such' does not exist or is not executable", exit 1)
            // instead of tracing a shell that then fails to exec it
            throw new IOException(argv.getFirst() + ": no such file or not executable"
                    + (argv.getFirst().contains("/") ? "" : " in $PATH"));
        }
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "read _ && exec \"$@\"", "sh"));
        cmd.addAll(argv);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path wchan = Path.of("/proc", Long.toString(p.pid()), "wchan");
        long deadline = System.nanoTime() + 5_000_000_000L;
        try {
            while (p.isAlive() && System.nanoTime() < deadline && !Files.readString(wchan).contains("pipe_read")) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command, e);
        }
        return new ChildCommand(p);
    }

    /**
     * The file {@code exec "$@"} of sh(1) would run for {@code name}, or null when there is none: a name with a
     * slash is a path (relative to the working directory), any other is looked up in each directory of
     * {@code path} in order, an empty entry meaning the working directory (execvp(3), POSIX "Command Search and
     * Execution"). A regular file with an execute bit for this user is what exec accepts.
     */
    static Path executable(String name, String path) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The command's process id (the shell's, which becomes the command's at exec): bpftrace's {@code cpid}. */
    public long pid() {
        return process.pid();
    }

    /** Lets the command run. */
    public void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        OutputStream o = process.getOutputStream();
        o.write('\n');
        o.close();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for the command to end; true when it has. */
    public boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** Ends a command still running (bpftrace kills its child on exit). */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
