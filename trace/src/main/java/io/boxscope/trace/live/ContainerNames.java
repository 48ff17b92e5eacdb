package io.boxscope.trace.live;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Discovery;

/**
 * Names and images of the containers a live capture sees, for {@code container.name} and
 * {@code container.image}: asked of the runtimes through proc's container discovery when an event's
 * container is not named yet: at once for a container no scan has met (a container started during the
 * capture is named at its first event), then at most once a second while no runtime names it. A runtime that does not answer leaves the name unknown; that is
 * counted with the reason ({@link #misses}) for the command to show, never dropped silently.
 */
public final class ContainerNames implements Function<ContainerRef, ContainerInfo> {
    private static final long RESCAN_NS = 1_000_000_000L;
    private final Supplier<ContainerDiscovery> discovery;
    private final Map<String, ContainerInfo> byId = new HashMap<>();
    /** The ids asked about or found by a scan so far: one not among them is scanned for at once. */
    private final Set<String> scanned = new HashSet<>();
    private long lastScan = Long.MIN_VALUE;
    private long failedScans;
    private long unnamed;
    private long deferred;
    private String why = "";

    public ContainerNames(HostPaths paths) {
        this(() -> ContainerDiscovery.of(paths));
    }

    /** With the discovery each scan uses (tests: runtimes of their own). */
    ContainerNames(Supplier<ContainerDiscovery> discovery) {
        this.discovery = discovery;
    }

    /**
     * Lookups that named no container: {@code failedScans} scans that failed whole (the process table could not
     * be read), {@code unnamed} scans after which the container asked for still had no name (no runtime named it),
     * {@code deferred} lookups of a container not named yet that waited for the next scan (at most one a second:
     * the events asked for in between have no name), and {@code why} the last reason (the scan's error, or the
     * runtimes' own notices); empty when all went well.
     */
    public record Misses(long failedScans, long unnamed, long deferred, String why) {
        public static final Misses NONE = new Misses(0, 0, 0, "");

        public boolean any() {
            return failedScans > 0 || unnamed > 0 || deferred > 0;
        }

        /** One line for the command's footer: how many lookups failed and why. */
        public String describe() {
            StringBuilder sb = new StringBuilder("container names could not be resolved");
            if (failedScans > 0) {
                sb.append(": ").append(failedScans).append(failedScans == 1 ? " lookup" : " lookups").append(" failed");
            }
            if (unnamed > 0) {
                sb.append(failedScans > 0 ? ", " : ": ").append(unnamed).append(unnamed == 1 ? " lookup" : " lookups")
                        .append(" found no name");
            }
            if (deferred > 0) {
                sb.append(failedScans > 0 || unnamed > 0 ? ", " : ": ").append(deferred)
                        .append(deferred == 1 ? " lookup" : " lookups").append(" waited for the next scan");
            }
            return sb.append(" (").append(why.isEmpty() ? "a runtime scan at most once a second" : why).append("); those events have no container.name or container.image")
                    .toString();
        }
    }

    /** What the lookups so far could not name, and why. */
    public Misses misses() {
        return failedScans == 0 && unnamed == 0 && deferred == 0 ? Misses.NONE
                : new Misses(failedScans, unnamed, deferred, why);
    }

    /**
     * The container's description, named when a runtime named it. A container no scan has met yet is asked about at
     * once, whatever the last scan's time: a container started during the capture is then named at its first event,
     * not up to a second later (its events in between had no name: a Java filter on {@code container.name} dropped
     * them, and a {@code -w} file wrote them before the container's description, so {@code sysdig -r} did not name
     * them). Asked again at most once a second while it stays unnamed (a container the runtime had not named at the
     * first scan was kept unnamed for the rest of the capture).
     */
    @Override
    public ContainerInfo apply(ContainerRef ref) {
        ContainerInfo c = byId.get(ref.id());
        if (c != null && !c.name().isEmpty()) {
            return c;
        }
        long now = System.nanoTime();
        boolean unseen = !scanned.contains(ref.id());
        if (unseen || lastScan == Long.MIN_VALUE || now - lastScan > RESCAN_NS) {
            lastScan = now;
            scanned.add(ref.id());
            Discovery d;
            try {
                d = discovery.get().scan();
            } catch (IOException e) {
                failedScans++;
                why = "cannot scan the processes for containers: " + e.getMessage();
                return c;
            }
            for (ContainerInfo i : d.containers()) {
                byId.put(i.ref().id(), i);
                scanned.add(i.ref().id());
            }
            c = byId.get(ref.id());
            if (c == null || c.name().isEmpty()) {
                // a container no runtime named (no socket, a refused call, gone before the scan)
                unnamed++;
                why = "container " + ref.shortId() + ": " + (d.notices().isEmpty()
                        ? (c == null ? "not running any more" : "no runtime knows it") : String.join("; ", d.notices()));
            }
        } else if (c == null) {
            deferred++;
        }
        return c;
    }
}
