package io.boxscope.trace.live;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
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
 * capture is named at its first event), then again after 1, 2, 4 ... 64 s while no runtime names it.
 *
 * <p>Scans run on the ring consumer's thread and a runtime that hangs costs each scan up to its socket timeout
 * (3 s, proc's {@code RuntimeApis}), so scans draw on a budget of time: at most a tenth of the capture's time in
 * the long run, with a burst of one second; a scan that overdraws it (a hung dockerd) holds back every scan
 * until the budget is positive again (a 3 s scan: about 20 s). A container named once keeps its name: a later
 * scan in which the runtime did not answer never replaces it with an unnamed description. A runtime that does not
 * answer leaves the name unknown; that is counted with the reason ({@link #misses}) for the command to show,
 * never dropped silently.
 */
public final class ContainerNames implements Function<ContainerRef, ContainerInfo> {
    private static final long SECOND_NS = 1_000_000_000L;
    /** The longest wait between two scans for a container that stays unnamed. */
    private static final long MAX_BACKOFF_NS = 64 * SECOND_NS;
    /** The scan budget's cap (its burst) and its start: one second of scanning. */
    private static final long BUDGET_CAP_NS = SECOND_NS;
    /** The budget grows by the elapsed time over this: scans take at most a tenth of the consumer's time. */
    private static final long BUDGET_SHARE = 10;
    private final Supplier<ContainerDiscovery> discovery;
    private final Map<String, ContainerInfo> byId = new HashMap<>();
    /** Per id asked about or found by a scan: the earliest time it may cause a scan, and its current back-off. */
    private final Map<String, long[]> retry = new HashMap<>();
    private long budget = BUDGET_CAP_NS;
    private long budgetAt = Long.MIN_VALUE;
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
     * {@code deferred} lookups of a container not named yet that waited for a later scan (its back-off or the scan
     * budget held the scan back: the events asked for in between have no name, whether or not a scan had found the
     * container), and {@code why} the last reason (the scan's error, or the
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
            return sb.append(" (").append(why.isEmpty() ? "runtime scans are rate-limited: after 1, 2, 4 ... 64 s per container, at most a tenth of the time" : why).append("); those events have no container.name or container.image")
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
     * once when the scan budget allows: a container started during the capture is then named at its first event,
     * not up to a second later (its events in between had no name: a Java filter on {@code container.name} dropped
     * them, and a {@code -w} file wrote them before the container's description, so {@code sysdig -r} did not name
     * them). Asked again after a back-off that doubles from one second to 64 while it stays unnamed (a container the
     * runtime had not named at the first scan was kept unnamed for the rest of the capture). A lookup that waits for
     * a later scan is counted ({@link Misses#deferred}).
     */
    @Override
    public ContainerInfo apply(ContainerRef ref) {
        ContainerInfo c = byId.get(ref.id());
        if (c != null && !c.name().isEmpty()) {
            return c;
        }
        long now = System.nanoTime();
        refill(now);
        long[] r = retry.get(ref.id());
        if (budget <= 0 || (r != null && now - r[0] < 0)) {
            deferred++;
            return c;
        }
        long backoff = r == null ? SECOND_NS : Math.min(MAX_BACKOFF_NS, r[1] * 2);
        Discovery d;
        try {
            d = discovery.get().scan();
        } catch (IOException e) {
            failedScans++;
            why = "cannot scan the processes for containers: " + e.getMessage();
            return c;
        } finally {
            long end = System.nanoTime();
            budget -= end - now;
            budgetAt = end;
            retry.put(ref.id(), new long[] {end + backoff, backoff});
        }
        for (ContainerInfo i : d.containers()) {
            // never downgrade: a runtime that did not answer this time leaves the name it gave before
            byId.merge(i.ref().id(), i, (old, fresh) -> fresh.name().isEmpty() && !old.name().isEmpty() ? old : fresh);
            retry.putIfAbsent(i.ref().id(), new long[] {budgetAt + SECOND_NS, SECOND_NS});
        }
        c = byId.get(ref.id());
        if (c == null || c.name().isEmpty()) {
            // a container no runtime named (no socket, a refused call, gone before the scan)
            unnamed++;
            why = "container " + ref.shortId() + ": " + (d.notices().isEmpty()
                    ? (c == null ? "not running any more" : "no runtime knows it") : String.join("; ", d.notices()));
        }
        return c;
    }

    /** Adds to the scan budget a tenth of the time since it was last changed, up to its cap. */
    private void refill(long now) {
        if (budgetAt != Long.MIN_VALUE) {
            budget = Math.min(BUDGET_CAP_NS, budget + (now - budgetAt) / BUDGET_SHARE);
        }
        budgetAt = now;
    }
}
