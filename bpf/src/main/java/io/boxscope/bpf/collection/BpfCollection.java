package io.boxscope.bpf.collection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;

/**
 * Owns the maps, programs and links of one tool or script (cilium/ebpf's Collection). {@link #load}
 * creates the maps, then loads the programs with their symbolic map references resolved to the new
 * maps' descriptors; {@link #attach} keeps each link. {@link #close} releases everything in reverse
 * order of creation (links, then programs, then maps), so no event fires into a half-closed set, and
 * keeps going after a failure (the first is rethrown, the others suppressed). A failed load closes what
 * it had created. Not thread-safe.
 */
public final class BpfCollection implements AutoCloseable {
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private final Map<String, Program> programs = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private boolean closed;

    private BpfCollection() {}

    /**
     * Creates every map, then loads every program of {@code spec}: with more than one program, on two threads (this
     * one and a helper), since each BPF_PROG_LOAD is the kernel's verifier working for the calling thread alone.
     * The outcome is the sequential one: programs are taken in spec order and, once one fails, no further one is
     * started, so the exception thrown is that of the first program in spec order that failed, whose verifier log
     * was produced by its own load (each load has its own log buffer); every program loaded is closed with the maps.
     */
    public static BpfCollection load(CollectionSpec spec) {
        return load(spec, r -> new Thread(r, "boxscope-prog-load"));
    }

    /**
     * {@link #load} with the helper thread made by {@code helpers} (tests give one that cannot start). A helper that
     * cannot start (OutOfMemoryError "unable to create native thread": the process or the system is at its thread
     * limit) only costs the parallelism: this thread loads every program, as with one program. Whatever is thrown
     * ({@link Error}s included) closes the maps and programs already created before it goes on.
     */
    static BpfCollection load(CollectionSpec spec, java.util.concurrent.ThreadFactory helpers) {
        BpfCollection c = new BpfCollection();
        Loads loads = null;
        try {
            for (MapSpec m : spec.maps()) {
                c.maps.put(m.name(), BpfMap.create(m));
            }
            List<ProgramSpec> specs = spec.programs();
            loads = new Loads(specs, c.maps);
            Thread helper = specs.size() > 1 ? startHelper(helpers, loads) : null;
            loads.run();
            if (helper != null) {
                loads.join(helper);
            }
            for (int i = 0; i < specs.size(); i++) {
                if (loads.loaded[i] != null) { // in spec order, including those loaded after a later one failed
                    c.programs.put(specs.get(i).name(), loads.loaded[i]);
                }
            }
            loads.rethrowFirstFailure();
            return c;
        } catch (RuntimeException | Error e) {
            try {
                if (loads != null) {
                    loads.closeUnclaimed(c.programs);
                }
                c.close();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The helper thread, started; null when it cannot start (the caller then loads every program itself). */
    private static Thread startHelper(java.util.concurrent.ThreadFactory helpers, Runnable loads) {
        Thread helper;
        try {
            helper = helpers.newThread(loads);
            helper.setDaemon(true);
            helper.start();
        } catch (OutOfMemoryError cannotStart) {
            return null; // not started, so it took no program: this thread takes them all
        }
        return helper;
    }

    /**
     * The program loads of one {@link #load}: each thread running it takes the next program in spec order until
     * none is left or one has failed. Written into per-program slots; {@link Thread#join} publishes the helper's.
     */
    private static final class Loads implements Runnable {
        private final List<ProgramSpec> specs;
        private final Map<String, BpfMap> maps;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean failed;
        final Program[] loaded;
        private final Throwable[] failures;

        Loads(List<ProgramSpec> specs, Map<String, BpfMap> maps) {
            this.specs = specs;
            this.maps = maps;
            this.loaded = new Program[specs.size()];
            this.failures = new Throwable[specs.size()];
        }

        @Override
        public void run() {
            int i;
            while (!failed && (i = next.getAndIncrement()) < specs.size()) {
                try {
                    loaded[i] = Program.load(specs.get(i), maps::get);
                } catch (RuntimeException | Error e) {
                    failures[i] = e;
                    failed = true;
                }
            }
        }

        /** Waits for the helper; an interrupt does not cut the wait short (its programs must be closed), it is kept. */
        void join(Thread helper) {
            boolean interrupted = false;
            while (true) {
                try {
                    helper.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Closes the programs loaded but not yet handed to the collection's {@code programs} (something was thrown
         * between the loads and that hand-over), so a failed load leaks none.
         */
        void closeUnclaimed(Map<String, Program> claimed) {
            for (int i = 0; i < loaded.length; i++) {
                Program p = loaded[i];
                if (p != null && claimed.get(specs.get(i).name()) != p) {
                    p.close();
                }
            }
        }

        /** Throws what loading the first failed program in spec order threw, as a sequential load would have. */
        void rethrowFirstFailure() {
            for (Throwable t : failures) {
                if (t instanceof RuntimeException r) {
                    throw r;
                } else if (t instanceof Error e) {
                    throw e;
                }
            }
        }
    }

    /** The map of this name; fails with the names there are. */
    public BpfMap map(String name) {
        ensureOpen();
        BpfMap m = maps.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no map '" + name + "' in this collection (maps: " + String.join(", ", maps.keySet()) + ")");
        }
        return m;
    }

    /** The program of this name; fails with the names there are. */
    public Program program(String name) {
        ensureOpen();
        Program p = programs.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no program '" + name + "' in this collection (programs: "
                    + String.join(", ", programs.keySet()) + ")");
        }
        return p;
    }

    /** Every map by name, in creation order. */
    public Map<String, BpfMap> maps() {
        return Collections.unmodifiableMap(maps);
    }

    /** Every program by name, in load order. */
    public Map<String, Program> programs() {
        return Collections.unmodifiableMap(programs);
    }

    /** Links made so far, in attach order. */
    public List<Link> links() {
        return Collections.unmodifiableList(links);
    }

    /**
     * Attaches program {@code name} with {@code how} (e.g. {@code p -> Attach.tracepoint(p, "sched", "sched_switch")})
     * and keeps the link, which {@link #close} closes first.
     */
    public Link attach(String name, Function<Program, Link> how) {
        Link l = how.apply(program(name));
        links.add(l);
        return l;
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the collection is closed");
        }
    }

    /** Closes links, programs and maps, each group in reverse order of creation. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>();
        for (int i = links.size() - 1; i >= 0; i--) {
            order.add(links.get(i));
        }
        List<Program> ps = new ArrayList<>(programs.values());
        Collections.reverse(ps);
        order.addAll(ps);
        List<BpfMap> ms = new ArrayList<>(maps.values());
        Collections.reverse(ms);
        order.addAll(ms);
        RuntimeException first = null;
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (first == null) {
                    first = r;
                } else {
                    first.addSuppressed(r);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
