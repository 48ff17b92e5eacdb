package io.boxscope.bpf.link;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.sys.Fd;

/**
 * An attachment of a program to an event. Holds the BPF link descriptor and, for perf-event based
 * attachments, the perf event descriptor(s); closing detaches (the kernel drops the program from the
 * event when the last descriptor goes). A link over several events (wildcards, per-CPU perf events)
 * closes them all.
 */
public final class Link implements AutoCloseable {
    private final String description;
    private final List<Fd> fds;
    private final List<Link> children;

    Link(String description, List<Fd> fds) {
        this.description = description;
        this.fds = List.copyOf(fds);
        this.children = List.of();
    }

    private Link(String description, List<Link> children, boolean group) {
        this.description = description;
        this.fds = List.of();
        this.children = List.copyOf(children);
    }

    /** A link that closes all of {@code links}. */
    public static Link group(String description, List<Link> links) {
        return new Link(description, links, true);
    }

    /** What is attached where, e.g. "tracepoint syscalls:sys_enter_openat → count_openat". */
    public String description() {
        return description;
    }

    /** Number of underlying attachments (1, or the group's size). */
    public int size() {
        return children.isEmpty() ? 1 : children.size();
    }

    public boolean isClosed() {
        return children.isEmpty() ? fds.stream().allMatch(Fd::isClosed) : children.stream().allMatch(Link::isClosed);
    }

    @Override
    public void close() {
        List<RuntimeException> errors = new ArrayList<>();
        for (Link c : children) {
            try {
                c.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        for (int i = fds.size() - 1; i >= 0; i--) {
            fds.get(i).close();
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    /** The descriptors of a leaf link (BPF link, perf event), for {@link PerfEventRelease}. */
    List<Fd> fds() {
        return fds;
    }

    private void leaves(List<Link> out) {
        if (children.isEmpty()) {
            out.add(this);
        } else {
            children.forEach(c -> c.leaves(out));
        }
    }

    /**
     * Closes all of {@code links} as fast as the kernel allows: every program is detached at once, and perf
     * events on tracepoints, whose release costs a grace period each (~20 s for the ~360 syscall tracepoints),
     * are released by a short-lived helper process when there are many ({@link PerfEventRelease}).
     */
    public static void closeAll(List<Link> links) {
        List<Link> leaves = new ArrayList<>();
        links.forEach(l -> l.leaves(leaves));
        PerfEventRelease.closeAll(leaves);
    }

    @Override
    public String toString() {
        return description;
    }
}
