package io.boxscope.trace.live;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Discovery;

/**
 * Names and images of the containers a live capture sees, for {@code container.name} and
 * {@code container.image}: asked of the runtimes through proc's container discovery when an event's
 * container is not named yet: at once for a container no scan has met (a container started during the
 * capture is named as soon as the scan it started returns), then again after 1, 2, 4 ... 64 s while no runtime
 * names it.
 *
 * <p>Scans run on a thread of their own, never on the ring consumer's: {@link #apply} answers from what the scans
 * found so far and, when a scan is due, starts one and returns at once, as libsinsp's container engines look a new
 * container up asynchronously (libs e5c53d64 container_engine/docker/base.cpp resolve_impl: a lookup is started,
 * the thread's container has no name meanwhile, and the result comes back through
 * container.cpp notify_new_container as a PPME_CONTAINER_JSON_2_E queued for the next event). A consumer that
 * writes a file learns of new names through {@link #generation} ({@link ContainerEvents#arrivals}). One scan at a
 * time: a lookup while a scan is in flight waits for a later one. A runtime that hangs costs each scan up to its
 * socket timeout (3 s, proc's {@code RuntimeApis}) of the scan thread's time, so scans draw on a budget of time: at
 * most a tenth of the capture's time in the long run, with a burst of one second; a scan that overdraws it (a hung
 * dockerd) holds back every scan until the budget is positive again (a 3 s scan: about 20 s). A container named
 * once keeps its name: a later scan in which the runtime did not answer never replaces it with an unnamed
 * description. A runtime that does not answer leaves the name unknown; that is counted with the reason
 * ({@link #misses}) for the command to show, never dropped silently.
 */
public final class ContainerNames implements ContainerEvents.Names {
    private static final long SECOND_NS = 1_000_000_000L;
    /** The longest wait between two scans for a container that stays unnamed. */
    private static final long MAX_BACKOFF_NS = 64 * SECOND_NS;
    /** The scan budget's cap (its burst) and its start: one second of scanning. */
    private static final long BUDGET_CAP_NS = SECOND_NS;
    /** The budget grows by the elapsed time over this: scans take at most a tenth of the capture's time. */
    private static final long BUDGET_SHARE = 10;
    /** How long a scan waits for the runtimes' details (privileged, mounts) of the containers it names, in all. */
    private static final long DETAILS_NS = SECOND_NS;
    private final Scanner discovery;
    /** What the scans found, by full id: read by the consumer without the lock, written by the scan thread. */
    private final Map<String, ContainerInfo> byId = new ConcurrentHashMap<>();
    /** Guards everything below: held for bookkeeping only, never while a scan runs. */
    private final Object lock = new Object();
    /** Per id asked about or found by a scan: the earliest time it may cause a scan, and its current back-off. */
    private final Map<String, long[]> retry = new HashMap<>();
    private long budget = BUDGET_CAP_NS;
    private long budgetAt = Long.MIN_VALUE;
    /** Whether a scan is running on the scan thread. */
    private boolean scanning;
    /** The lookup that started the scan in flight to wait for it stopped waiting ({@link #applyWaiting(ContainerRef, long)}). */
    private boolean waiterGone;
    private long failedScans;
    private long unnamed;
    private long deferred;
    private String why = "";
    /** Containers named whose details (privileged, mounts) the runtime could not give, and the last reason. */
    private long undetailed;
    private String whyUndetailed = "";
    /** Incremented after each scan that named a container not named before ({@link #generation}). */
    private volatile long generation;

    /** One scan of the host's processes and runtimes. */
    @FunctionalInterface
    interface Scanner {
        Discovery scan() throws IOException;

        /** {@code c} with its runtime's details (privileged, mounts), asked once per container when a scan names it. */
        default ContainerInfo details(ContainerInfo c) throws IOException {
            return c;
        }
    }

    public ContainerNames(HostPaths paths) {
        this(new Scanner() {
            @Override
            public Discovery scan() throws IOException {
                return ContainerDiscovery.of(paths).scan();
            }

            @Override
            public ContainerInfo details(ContainerInfo c) throws IOException {
                return ContainerDiscovery.of(paths).details(c);
            }
        });
    }

    /** With the scan each lookup runs (tests: runtimes of their own, a discovery of their own). */
    ContainerNames(Scanner discovery) {
        this.discovery = discovery;
    }

    /**
     * Lookups that named no container: {@code failedScans} scans that failed whole (the process table could not
     * be read), {@code unnamed} scans after which the container asked for still had no name (no runtime named it),
     * {@code deferred} lookups of a container not named yet that waited for a later scan (a scan in flight, its
     * back-off or the scan budget held the scan back, or the scan the lookup started named the container after the
     * lookup had returned: the events asked for in between have no name, whether or not a scan had found the
     * container), and {@code why} the last reason (the scan's error, or the
     * runtimes' own notices); empty when all went well.
     */
    public record Misses(long failedScans, long unnamed, long deferred, String why, long undetailed, String whyUndetailed) {
        public static final Misses NONE = new Misses(0, 0, 0, "");

        public Misses(long failedScans, long unnamed, long deferred, String why) {
            this(failedScans, unnamed, deferred, why, 0, "");
        }

        public boolean any() {
            return failedScans > 0 || unnamed > 0 || deferred > 0 || undetailed > 0;
        }

        /**
         * One line for the command's footer: how many lookups failed and why; and how many named containers are
         * described without their privileged flag and mounts (the runtime's inspect call failed), and why.
         */
        public String describe() {
            String details = undetailed == 0 ? "" : undetailed + (undetailed == 1 ? " container is" : " containers are")
                    + " described without privileged and mounts (" + whyUndetailed + "): container.privileged reads false"
                    + " and container.mounts is empty for " + (undetailed == 1 ? "it" : "them");
            if (failedScans == 0 && unnamed == 0 && deferred == 0) {
                return details;
            }
            return names() + (details.isEmpty() ? "" : "; " + details);
        }

        private String names() {
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
        synchronized (lock) {
            return failedScans == 0 && unnamed == 0 && deferred == 0 && undetailed == 0 ? Misses.NONE
                    : new Misses(failedScans, unnamed, deferred, why, undetailed, whyUndetailed);
        }
    }

    /**
     * The container's description as the scans so far have it (null when none has met it); never waits. A container
     * not named yet starts a scan when one is due: at once for a container no scan has met, then after a back-off
     * that doubles from one second to 64 while it stays unnamed (a container the runtime had not named at the first
     * scan was kept unnamed for the rest of the capture), when the scan budget allows and no scan is in flight. The
     * scan's answer comes later ({@link #generation}): this lookup's event has no name. Each lookup that returns no
     * name is counted once: by the scan it started (failed, or found no name) or, when it waited for a scan (one in
     * flight, its back-off, the budget) or the scan it started named the container after it returned, as
     * {@link Misses#deferred}.
     */
    @Override
    public ContainerInfo apply(ContainerRef ref) {
        ContainerInfo c = byId.get(ref.id());
        if (c != null && !c.name().isEmpty()) {
            return c;
        }
        synchronized (lock) {
            c = byId.get(ref.id()); // a scan may have ended since
            if (c != null && !c.name().isEmpty()) {
                return c;
            }
            if (!startScan(ref, false)) {
                deferred++;
            }
            return c;
        }
    }

    /**
     * As {@link #apply}, but waits for the scan in flight (the one this lookup started, or one already running) to
     * end and answers from it. For a reader that loses nothing while it waits (a kernel chisel's table, counted in the
     * kernel's maps).
     */
    ContainerInfo applyWaiting(ContainerRef ref) throws InterruptedException {
        return applyWaiting(ref, Long.MAX_VALUE);
    }

    /**
     * As {@link #applyWaiting(ContainerRef)}, but waits at most {@code timeoutNs} (a ring consumer: a hung runtime
     * costs a scan up to its socket timeout). A lookup that stops waiting answers what is known; the scan it started
     * counts it when it ends: failed, unnamed, or deferred when it names the container after the lookup returned.
     */
    ContainerInfo applyWaiting(ContainerRef ref, long timeoutNs) throws InterruptedException {
        ContainerInfo c = byId.get(ref.id());
        if (c != null && !c.name().isEmpty()) {
            return c;
        }
        synchronized (lock) {
            boolean started = startScan(ref, true);
            long end = System.nanoTime() + Math.min(timeoutNs, Long.MAX_VALUE / 2);
            for (long left = timeoutNs; scanning && left > 0; left = end - System.nanoTime()) {
                long ms = Math.max(1, left / 1_000_000);
                lock.wait(timeoutNs == Long.MAX_VALUE ? 0 : ms);
            }
            if (started && scanning) {
                waiterGone = true; // the scan counts this lookup as deferred if it names the container
            }
            c = byId.get(ref.id());
            if (!started && (c == null || c.name().isEmpty())) {
                deferred++; // held back (back-off, budget): no name until a later scan, as apply counts it
            }
            return c;
        }
    }

    /**
     * The first scan, waited for: the containers running when the capture starts are named before its first event, as
     * libsinsp looks up the containers of its /proc scan synchronously ("until sinsp is not started, force-run
     * synchronously", libs e5c53d64 container.cpp async_allowed) and only later ones asynchronously. Called once before
     * the consumer reads the ring; nothing when a scan has run or runs. Charged to the scan budget as any scan.
     */
    void prime() throws InterruptedException {
        synchronized (lock) {
            if (budgetAt != Long.MIN_VALUE || scanning) {
                return;
            }
            long now = System.nanoTime();
            budgetAt = now;
            scanning = true;
            try {
                Thread.ofPlatform().daemon().name("boxscope-container-scan").start(() -> scan(null, now, SECOND_NS, true));
            } catch (RuntimeException | OutOfMemoryError e) {
                scanning = false;
                failedScans++;
                why = "cannot start the container scan thread: " + e;
                return;
            }
            while (scanning) {
                lock.wait();
            }
        }
    }

    /** Waits until no scan is in flight (tests, and a command's end). */
    void awaitScans() throws InterruptedException {
        synchronized (lock) {
            while (scanning) {
                lock.wait();
            }
        }
    }

    /**
     * Changes whenever a scan named a container that had no name: a consumer that keeps containers waiting for a name
     * asks again only then. A volatile read: cheap enough for every record.
     */
    @Override
    public long generation() {
        return generation;
    }

    /** The container with this full id when a scan named it, else null; never starts a scan nor counts. */
    @Override
    public ContainerInfo named(String id) {
        ContainerInfo c = byId.get(id);
        return c == null || c.name().isEmpty() ? null : c;
    }

    /**
     * Starts a scan for {@code ref} on the scan thread when one is due; false when it waits. {@code waits}: the asker
     * waits for the scan's answer (a name it finds is not counted as deferred). Holds the lock.
     */
    private boolean startScan(ContainerRef ref, boolean waits) {
        if (scanning) {
            return false;
        }
        long now = System.nanoTime();
        refill(now);
        long[] r = retry.get(ref.id());
        if (budget <= 0 || (r != null && now - r[0] < 0)) {
            return false;
        }
        long backoff = r == null ? SECOND_NS : Math.min(MAX_BACKOFF_NS, r[1] * 2);
        scanning = true;
        waiterGone = false;
        try {
            Thread.ofPlatform().daemon().name("boxscope-container-scan").start(() -> scan(ref, now, backoff, waits));
        } catch (RuntimeException | OutOfMemoryError e) {
            scanning = false; // no thread: counted as a failed scan, the next lookup tries again
            failedScans++;
            why = "cannot start the container scan thread: " + e;
        }
        return true;
    }

    /** The scan thread: one scan of the runtimes, its results merged and its misses counted ({@code ref} null: prime). */
    private void scan(ContainerRef ref, long start, long backoff, boolean waits) {
        Discovery d = null;
        String error = null;
        try {
            d = discovery.scan();
        } catch (IOException | RuntimeException e) {
            error = "cannot scan the processes for containers: " + e.getMessage();
        } catch (Error e) {
            // a StackOverflowError or OutOfMemoryError in the scan: this thread ends here, so it is counted with its
            // reason like any failed scan, and the block below still clears scanning and wakes prime()/applyWaiting,
            // which would otherwise wait forever
            error = "the scan for containers failed: " + e;
        }
        // the runtime's details (privileged, mounts) of each container this scan names for the first time, asked here on
        // the scan thread before its name is published (a capture file describes a container once), all at once, one
        // virtual thread each, for at most DETAILS_NS in all: the first scan is waited for before a capture reads its
        // ring, and a runtime slow to answer (a container being removed: up to its 3 s timeout) must not hold it back.
        // A container not answered in time is described without them, counted.
        List<ContainerInfo> found = new java.util.ArrayList<>(d == null ? List.of() : d.containers());
        var answers = new java.util.concurrent.atomic.AtomicReferenceArray<Object>(found.size());
        List<Thread> asking = new java.util.ArrayList<>();
        List<Integer> asked = new java.util.ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            ContainerInfo i = found.get(k);
            ContainerInfo old = byId.get(i.ref().id());
            if (old != null && old.details().known()) {
                found.set(k, i.withDetails(old.details()));
            } else if (!i.name().isEmpty() && (old == null || old.name().isEmpty())) {
                int slot = k;
                asked.add(k);
                asking.add(Thread.ofVirtual().start(() -> {
                    try {
                        answers.set(slot, discovery.details(i));
                    } catch (IOException | RuntimeException e) {
                        answers.set(slot, String.valueOf(e.getMessage()));
                    }
                }));
            }
        }
        long detailsEnd = System.nanoTime() + DETAILS_NS;
        for (Thread t : asking) {
            long left = detailsEnd - System.nanoTime();
            try {
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long failedDetails = 0;
        String whyDetails = null;
        for (int k : asked) {
            Object a = answers.get(k);
            if (a instanceof ContainerInfo withDetails) {
                found.set(k, withDetails);
            } else {
                failedDetails++;
                whyDetails = a instanceof String why ? why : "the runtime did not answer within " + DETAILS_NS / 1_000_000 + " ms";
            }
        }
        synchronized (lock) {
            try {
                long end = System.nanoTime();
                budget -= end - start;
                budgetAt = end;
                if (ref != null) {
                    retry.put(ref.id(), new long[] {end + backoff, backoff});
                }
                if (d == null) {
                    failedScans++;
                    why = error;
                    return;
                }
                boolean fresh = false;
                undetailed += failedDetails;
                if (whyDetails != null) {
                    whyUndetailed = whyDetails;
                }
                for (ContainerInfo i : found) {
                    // never downgrade: a runtime that did not answer this time leaves the name it gave before
                    ContainerInfo old = byId.get(i.ref().id());
                    if (old == null || old.name().isEmpty() || !i.name().isEmpty()) {
                        byId.put(i.ref().id(), i);
                        fresh |= !i.name().isEmpty() && (old == null || old.name().isEmpty());
                    }
                    retry.putIfAbsent(i.ref().id(), new long[] {end + SECOND_NS, SECOND_NS});
                }
                ContainerInfo c = ref == null ? null : byId.get(ref.id());
                if (ref == null) {
                    // the first scan (prime): no lookup asked, none to count
                } else if (c == null || c.name().isEmpty()) {
                    // a container no runtime named (no socket, a refused call, gone before the scan)
                    unnamed++;
                    why = "container " + ref.shortId() + ": " + (d.notices().isEmpty()
                            ? (c == null ? "not running any more" : "no runtime knows it") : String.join("; ", d.notices()));
                } else if (!waits || waiterGone) {
                    deferred++; // named, but after the lookup that asked had returned without the name
                }
                if (fresh) {
                    generation++;
                }
            } finally {
                scanning = false;
                lock.notifyAll();
            }
        }
    }

    /** Adds to the scan budget a tenth of the time since it was last changed, up to its cap. Holds the lock. */
    private void refill(long now) {
        if (budgetAt != Long.MIN_VALUE) {
            budget = Math.min(BUDGET_CAP_NS, budget + (now - budgetAt) / BUDGET_SHARE);
        }
        budgetAt = now;
    }
}
