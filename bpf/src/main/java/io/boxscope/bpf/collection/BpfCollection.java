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

    /** Creates every map and loads every program of {@code spec}. */
    public static BpfCollection load(CollectionSpec spec) {
        BpfCollection c = new BpfCollection();
        try {
            for (MapSpec m : spec.maps()) {
                c.maps.put(m.name(), BpfMap.create(m));
            }
            for (ProgramSpec p : spec.programs()) {
                c.programs.put(p.name(), Program.load(p, c.maps::get));
            }
            return c;
        } catch (RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
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
