package io.boxscope.trace.live;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;

/**
 * Names and images of the containers a live capture sees, for {@code container.name} and
 * {@code container.image}: asked of the runtimes through proc's container discovery when an event's
 * container is not known yet, at most once a second (a container started during the capture is
 * named from its first second on). A runtime that does not answer leaves the name unknown.
 */
public final class ContainerNames implements Function<ContainerRef, ContainerInfo> {
    private static final long RESCAN_NS = 1_000_000_000L;
    private final HostPaths paths;
    private final Map<String, ContainerInfo> byId = new HashMap<>();
    private long lastScan = Long.MIN_VALUE;

    public ContainerNames(HostPaths paths) {
        this.paths = paths;
    }

    @Override
    public ContainerInfo apply(ContainerRef ref) {
        ContainerInfo c = byId.get(ref.id());
        long now = System.nanoTime();
        if (c == null && (lastScan == Long.MIN_VALUE || now - lastScan > RESCAN_NS)) {
            lastScan = now;
            try {
                for (ContainerInfo i : ContainerDiscovery.of(paths).scan().containers()) {
                    byId.put(i.ref().id(), i);
                }
            } catch (IOException e) {
                // no runtime answers: the name stays unknown, as in a capture file
            }
            c = byId.get(ref.id());
        }
        return c;
    }
}
