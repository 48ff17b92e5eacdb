package io.boxscope.trace.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.boxscope.bpf.syscalls.SyscallTable;

/**
 * Splits a filter into what the kernel decides ({@link KernelFilter}) and what Java evaluates
 * (the residue), so that events nobody asked for never reach user space.
 *
 * <p>The kernel part is <em>implied</em> by the filter (sound: it may pass more, never less). It is
 * computed bottom-up, each dimension (pids, tids, cgroups, event types, failed-only) a set or
 * "any": a comparison that says {@code proc.pid = N}, {@code proc.pid in (...)}, {@code thread.tid}
 * likewise, {@code evt.type = / in}, {@code evt.failed = true} (or {@code != false}),
 * {@code evt.is_io*} {@code = true}, {@code container.id/name = / in} (through a
 * {@link ContainerResolver}) gives its set; every other comparison, and every {@code not}, gives
 * "any"; {@code and} intersects dimension by dimension; {@code or} unites them (any if one side is
 * any) and keeps failed-only only when both sides have it. A union over dimensions is wider than
 * the "or" it comes from, never narrower, which is all soundness needs.
 *
 * <p>The residue is the filter without the top-level "and" terms the kernel decides exactly (pid,
 * tid and syscall sets, failed-only); the rest, containers included, is evaluated in Java again.
 */
public final class PushDown {
    /** The split, and a readable account of it for -v. */
    public record Split(Filter filter, KernelFilter kernel, Expr residue, List<String> notes, Expr residueWithContainers) {
        public Split {
            notes = List.copyOf(new LinkedHashSet<>(notes));
        }

        /** Whether Java has anything left to check. */
        public boolean javaEvaluates() {
            return !(residue instanceof Expr.Const c && c.value());
        }

        /**
         * Whether the kernel decides the whole filter when its container terms are taken as the cgroup ids of
         * the containers running now ({@link #residueWithContainers} is empty): true for a filter whose only
         * terms Java evaluates again are {@code container.id}/{@code container.name} = / in running
         * containers. A counting chisel may then count in the kernel; a container of that name started later
         * is not counted, which the event stream would count.
         */
        public boolean kernelDecidesWithContainers() {
            return residueWithContainers instanceof Expr.Const c && c.value();
        }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("filter: ").append(Render.expr(filter.root())).append('\n');
            sb.append("kernel (BPF):\n");
            for (String l : kernel.describe().split("\n")) {
                sb.append("  ").append(l).append('\n');
            }
            sb.append("user space (Java):\n  ")
                    .append(javaEvaluates() ? Render.expr(residue) : "(nothing: the kernel decides the whole filter)")
                    .append('\n');
            for (String n : notes) {
                sb.append("note: ").append(n).append('\n');
            }
            for (String n : filter.notes()) {
                sb.append("note: ").append(n).append('\n');
            }
            return sb.toString();
        }
    }

    private final SyscallTable syscalls;
    private final EventTable events;
    private final ContainerResolver containers;
    private final List<String> notes = new ArrayList<>();

    private PushDown(SyscallTable syscalls, EventTable events, ContainerResolver containers) {
        this.syscalls = syscalls;
        this.events = events;
        this.containers = containers;
    }

    /** Splits {@code filter} for the kernel whose syscall numbers {@code syscalls} gives. */
    public static Split split(Filter filter, SyscallTable syscalls, EventTable events, ContainerResolver containers) {
        PushDown p = new PushDown(syscalls, events, containers);
        Part root = p.implied(filter.root());
        KernelFilter k = p.kernel(root);
        Expr residue = p.residue(filter.root(), false);
        return new Split(filter, k, residue, p.notes, p.residue(filter.root(), true));
    }

    /**
     * One dimension-wise constraint; null means any. {@code exact}: the constraint says exactly
     * what the comparison says (so the comparison need not be evaluated again in Java).
     */
    private record Part(Set<Long> pids, Set<Long> tids, Set<Long> cgroups, Set<String> types, boolean failed, boolean exact) {
        static final Part ANY = new Part(null, null, null, null, false, false);
    }

    private Part implied(Expr e) {
        return switch (e) {
            case Expr.And a -> {
                Part p = new Part(null, null, null, null, false, true);
                for (Expr t : a.terms()) {
                    Part q = implied(t);
                    p = new Part(intersect(p.pids(), q.pids()), intersect(p.tids(), q.tids()),
                            intersect(p.cgroups(), q.cgroups()), intersect(p.types(), q.types()),
                            p.failed() || q.failed(), false);
                }
                yield p;
            }
            case Expr.Or o -> {
                Part p = null;
                for (Expr t : o.terms()) {
                    Part q = implied(t);
                    p = p == null ? q : new Part(union(p.pids(), q.pids()), union(p.tids(), q.tids()),
                            union(p.cgroups(), q.cgroups()), union(p.types(), q.types()),
                            p.failed() && q.failed(), false);
                }
                yield p == null ? Part.ANY : new Part(p.pids(), p.tids(), p.cgroups(), p.types(), p.failed(), false);
            }
            case Expr.Not n -> Part.ANY;
            case Expr.Const c -> c.value() ? Part.ANY : new Part(Set.of(), null, null, null, false, true);
            case Expr.Check c -> check(c);
        };
    }

    private Part check(Expr.Check c) {
        boolean eqOrIn = c.op() == CmpOp.EQ || c.op() == CmpOp.IN;
        Field f = c.field().field();
        if (c.field().argName() != null || c.field().index() != null) {
            return Part.ANY;
        }
        switch (f) {
            case PROC_PID, THREAD_TID -> {
                if (!eqOrIn) {
                    return Part.ANY;
                }
                Set<Long> ids = new TreeSet<>();
                for (Value v : c.values()) {
                    ids.add(((Value.Num) v).value());
                }
                return f == Field.PROC_PID ? new Part(ids, null, null, null, false, true) : new Part(null, ids, null, null, false, true);
            }
            case EVT_TYPE -> {
                if (!eqOrIn) {
                    return Part.ANY;
                }
                Set<String> names = new TreeSet<>();
                for (Value v : c.values()) {
                    names.add(((Value.Text) v).value());
                }
                boolean allSyscalls = names.stream().allMatch(n -> !syscallsOf(Set.of(n)).isEmpty());
                return new Part(null, null, null, names, false, allSyscalls);
            }
            case EVT_FAILED -> {
                if (c.values().isEmpty()) {
                    return Part.ANY;
                }
                boolean value = ((Value.Bool) c.values().getFirst()).value();
                boolean saysFailed = (c.op() == CmpOp.EQ && value) || (c.op() == CmpOp.NE && !value)
                        || (c.op() == CmpOp.IN && c.values().stream().allMatch(v -> ((Value.Bool) v).value()));
                return saysFailed ? new Part(null, null, null, null, true, true) : Part.ANY;
            }
            case EVT_IS_IO, EVT_IS_IO_READ, EVT_IS_IO_WRITE -> {
                if (c.op() != CmpOp.EQ || !((Value.Bool) c.values().getFirst()).value()) { // evt.is_io = true only
                    return Part.ANY;
                }
                return new Part(null, null, null, ioEvents(f), false, false);
            }
            case CONTAINER_ID, CONTAINER_NAME -> {
                if (!eqOrIn) {
                    return Part.ANY;
                }
                Set<Long> ids = new TreeSet<>();
                for (Value v : c.values()) {
                    String name = ((Value.Text) v).value();
                    Set<Long> found = "host".equals(name) ? Set.of() : containers.cgroupIds(
                            f == Field.CONTAINER_ID ? ContainerResolver.Key.ID : ContainerResolver.Key.NAME, name);
                    if (found.isEmpty()) {
                        notes.add(c.field() + " " + FilterChecker.quote(name) + " is not a running container"
                                + ("host".equals(name) ? " ('host' is every process outside containers)" : "")
                                + ": that comparison is evaluated in user space only");
                        return Part.ANY;
                    }
                    ids.addAll(found);
                }
                return new Part(null, null, ids, null, false, false);
            }
            default -> {
                return Part.ANY;
            }
        }
    }

    /** Names of the events sysdig flags as reading (and/or writing) a file descriptor. */
    private Set<String> ioEvents(Field f) {
        Set<String> out = new TreeSet<>();
        for (EventTable.EventKind k : events.events()) {
            boolean read = k.flags().contains("EF_READS_FROM_FD");
            boolean write = k.flags().contains("EF_WRITES_TO_FD");
            if ((f == Field.EVT_IS_IO && (read || write)) || (f == Field.EVT_IS_IO_READ && read)
                    || (f == Field.EVT_IS_IO_WRITE && write)) {
                out.add(k.name());
            }
        }
        return out;
    }

    /** Syscall numbers whose events have one of these evt.type names. */
    Set<Integer> syscallsOf(Set<String> names) {
        Set<Integer> out = new TreeSet<>();
        syscalls.all().forEach((nr, name) -> {
            if (names.contains(events.eventTypeOfSyscall(name))) {
                out.add(nr);
            }
        });
        return out;
    }

    private KernelFilter kernel(Part p) {
        Set<Integer> nrs = null;
        Set<String> others = null;
        if (p.types() != null) {
            nrs = syscallsOf(p.types());
            others = new TreeSet<>();
            for (String n : p.types()) {
                if (syscallsOf(Set.of(n)).isEmpty()) {
                    others.add(n);
                }
            }
        }
        return new KernelFilter(p.pids(), p.tids(), p.cgroups(), p.types(), nrs, others, p.failed());
    }

    /**
     * The filter without the top-level "and" terms that the kernel decides exactly; with {@code containers},
     * also without the container terms whose running containers' cgroup ids the kernel checks.
     */
    private Expr residue(Expr root, boolean containers) {
        if (root instanceof Expr.And a) {
            List<Expr> rest = new ArrayList<>();
            for (Expr t : a.terms()) {
                if (!decidedByKernel(t, containers)) {
                    rest.add(t);
                }
            }
            return rest.isEmpty() ? new Expr.Const(true) : rest.size() == 1 ? rest.getFirst() : new Expr.And(rest);
        }
        return decidedByKernel(root, containers) ? new Expr.Const(true) : root;
    }

    private boolean decidedByKernel(Expr e, boolean containers) {
        if (!(e instanceof Expr.Check c)) {
            return false;
        }
        Part p = check(c);
        boolean container = c.field().field() == Field.CONTAINER_ID || c.field().field() == Field.CONTAINER_NAME;
        return p.exact() || (containers && container && p.cgroups() != null);
    }

    private static <T> Set<T> intersect(Set<T> a, Set<T> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Set<T> out = new LinkedHashSet<>(a);
        out.retainAll(b);
        return out;
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        if (a == null || b == null) {
            return null;
        }
        Set<T> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
