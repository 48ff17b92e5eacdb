package io.boxscope.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A container scenario for the capture and chisel tests: a busybox container that waits for {@code /sync/go} (a
 * file in a bind-mounted directory, not docker exec: runc's init would make calls in the container), then fails
 * to open the missing path {@link #missing} exactly {@code opens} times, each in a subshell (a failed redirection
 * ends a non-interactive shell), writes {@code /sync/done} and sleeps; and a host process that fails to open the
 * same path, which a container filter must leave out.
 */
public record FailingOpener(Docker.Container container, String missing, Path sync) implements AutoCloseable {
    /** Starts the container, named {@code prefix} and a random suffix, with {@code sync} mounted at /sync. */
    public static FailingOpener start(String prefix, int opens, Path sync) {
        return startNamed(prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt()), opens, sync);
    }

    /**
     * Starts the container named {@code name} exactly (a test that filters on the name before it exists), with these
     * {@code docker run} options besides the mount.
     */
    public static FailingOpener startNamed(String name, int opens, Path sync, String... options) {
        String missing = "/missing-" + name;
        String script = "while [ ! -e /sync/go ]; do sleep 0.05; done; i=0; while [ $i -lt " + opens + " ]; do "
                + "( : < " + missing + " ) 2>/dev/null; i=$((i+1)); done; : > /sync/done; sleep 300";
        return new FailingOpener(Docker.start(name, java.util.stream.Stream.concat(java.util.stream.Stream.of("-v", sync + ":/sync"),
                java.util.stream.Stream.of(options)).toList(), "sh", "-c", script), missing, sync);
    }

    public String name() {
        return container.name();
    }

    /** A host process (perl) fails to open the same path {@code n} times; fails the test if it does not finish. */
    public void hostOpens(int n) throws IOException, InterruptedException {
        Process host = new ProcessBuilder("perl", "-e", "for (1.." + n + ") { open(my $f, '<', '" + missing + "'); }").start();
        if (!host.waitFor(30, TimeUnit.SECONDS)) {
            host.destroyForcibly();
            throw new AssertionError("the host's perl did not finish its opens within 30 s");
        }
    }

    /** Tells the container to make its opens. */
    public void go() throws IOException {
        Files.createFile(sync.resolve("go"));
    }

    /** Waits up to {@code timeout} for the container to have made them all; fails the test if it has not. */
    public void awaitDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(sync.resolve("done")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!Files.exists(sync.resolve("done"))) {
            throw new AssertionError("the container " + name() + " did not finish its opens within " + timeout);
        }
    }

    @Override
    public void close() {
        container.close();
    }
}
