package io.boxscope.diagnose;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A diagnosis whose window holds a container's whole workload: the container waits for {@code DIR/go}, which the test
 * creates once the eBPF collectors are attached (diagnose's {@code windowStarts}), runs its workload, then creates
 * {@code DIR/done}, which ends the window (a {@link StopRequest}). So what the workload made is exactly what the window
 * saw, however long loading the collectors took on a busy machine.
 */
final class Triggered {
    private Triggered() {}

    /** The shell line a container runs first: wait for the go file in /trig (the test's {@code dir}). */
    static final String WAIT_FOR_GO = "while [ ! -e /trig/go ]; do sleep 0.05; done; ";
    /** The shell line a container runs after its workload. */
    static final String DONE = "; touch /trig/done; exec sleep 300";

    /** Diagnoses container {@code id} (at most {@code max}) with every eBPF collector; the window ends at {@code dir/done}. */
    static Diagnosis diagnose(String id, Path dir, Duration max) throws Exception {
        HostPaths paths = HostPaths.DEFAULT;
        ContainerInfo c = ContainerDiscovery.of(paths).locate(id);
        Target t = new Target(Target.Kind.CONTAINER, c.displayName(), Optional.of(c), c.cgroups(), OptionalInt.empty());
        Path done = dir.resolve("done");
        StopRequest stop = nanos -> {
            long end = System.nanoTime() + nanos;
            while (true) {
                if (Files.exists(done)) {
                    return true;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Thread.sleep(Math.max(1, Math.min(20, left / 1_000_000)));
            }
        };
        return Diagnose.run(t, paths, max, Duration.ofMillis(100), true, null, x -> { }, stop, () -> {
            try {
                Files.createFile(dir.resolve("go"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
