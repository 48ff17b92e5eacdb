package io.boxscope.bpf.tracefs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A tracefs mount (Documentation/trace/ftrace.rst): where tracepoints are listed
 * ({@code available_events}) and described ({@code events/<system>/<event>/format}, {@code id}).
 * Since Linux 4.1 it lives at {@code /sys/kernel/tracing}; older setups only have it under debugfs at
 * {@code /sys/kernel/debug/tracing}. The parsing is done by {@link EventFormatParser}; this class only reads.
 */
public final class Tracefs {
    /** System whose events are ftrace's internal records, not tracepoints: absent from available_events. */
    private static final String FTRACE_SYSTEM = "ftrace";

    private final Path root;

    private Tracefs(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** A tracefs tree at {@code root} (a directory with {@code events/}), e.g. a copy made for tests. */
    public static Tracefs at(Path root) throws TracefsException {
        if (!Files.isDirectory(root.resolve("events"))) {
            throw new TracefsException("no tracefs at " + root + " (it has no events/ directory)");
        }
        return new Tracefs(root);
    }

    /**
     * Finds tracefs under {@code sysRoot} (normally {@code /sys}): {@code kernel/tracing}, else
     * {@code kernel/debug/tracing}. Does not mount anything.
     */
    public static Tracefs locate(Path sysRoot) throws IOException {
        for (Path p : candidates(sysRoot)) {
            if (Files.isDirectory(p.resolve("events"))) {
                return new Tracefs(p);
            }
            if (Files.isDirectory(p) && !Files.isReadable(p)) {
                // tracefs is mode 0700: say "permission denied", not "not mounted"
                throw new AccessDeniedException(p.toString(), null, "tracefs is readable by root only");
            }
        }
        throw new TracefsException("tracefs is not mounted: neither " + candidates(sysRoot).get(0) + "/events nor "
                + candidates(sysRoot).get(1) + "/events exists; run as root so Boxscope can mount it, or run "
                + "'mount -t tracefs nodev /sys/kernel/tracing'");
    }

    /**
     * {@link #locate}, and if tracefs is not mounted and we are root, mounts it at
     * {@code <sysRoot>/kernel/tracing} with mount(8) (the kernel creates that directory for this purpose).
     */
    public static Tracefs locateOrMount(Path sysRoot) throws IOException {
        try {
            return locate(sysRoot);
        } catch (TracefsException notMounted) {
            Path target = candidates(sysRoot).get(0);
            if (!Files.isDirectory(target)) {
                throw new TracefsException(notMounted.getMessage() + " (and " + target
                        + " does not exist: this kernel may lack CONFIG_TRACING)", notMounted);
            }
            mount(target, notMounted);
            return locate(sysRoot);
        }
    }

    private static void mount(Path target, TracefsException notMounted) throws TracefsException {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tracefs", "nodev", target.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new TracefsException(notMounted.getMessage() + "; mounting it failed: " + out, notMounted);
            }
        } catch (IOException e) {
            throw new TracefsException(notMounted.getMessage() + "; could not run mount(8): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TracefsException("interrupted while mounting tracefs at " + target, e);
        }
    }

    private static List<Path> candidates(Path sysRoot) {
        return List.of(sysRoot.resolve("kernel/tracing"), sysRoot.resolve("kernel/debug/tracing"));
    }

    public Path root() {
        return root;
    }

    /**
     * Every tracepoint, sorted: the lines of {@code available_events} (exactly what bpftrace lists), or where
     * that file is missing, every {@code events/<system>/<event>} with a {@code format} file except ftrace's
     * own records.
     */
    public List<TracepointId> events() throws IOException {
        Path available = root.resolve("available_events");
        List<TracepointId> out = new ArrayList<>();
        if (Files.isRegularFile(available)) {
            for (String line : Files.readAllLines(available, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (!l.isEmpty() && l.indexOf(':') > 0) {
                    out.add(TracepointId.parse(l));
                }
            }
        } else {
            try (DirectoryStream<Path> systems = Files.newDirectoryStream(root.resolve("events"), Files::isDirectory)) {
                for (Path sys : systems) {
                    String s = sys.getFileName().toString();
                    if (s.equals(FTRACE_SYSTEM)) {
                        continue;
                    }
                    try (DirectoryStream<Path> evs = Files.newDirectoryStream(sys, d -> Files.isRegularFile(d.resolve("format")))) {
                        for (Path ev : evs) {
                            out.add(new TracepointId(s, ev.getFileName().toString()));
                        }
                    }
                }
            }
        }
        out.sort(null);
        return out.stream().distinct().toList();
    }

    /**
     * The tracepoints of one system, sorted: {@link #events()} restricted to system {@code name}, read without
     * building the whole list. A wildcard over one system ({@code syscalls:sys_enter_*}) is the common case, and
     * decoding, sorting and deduplicating all of {@code available_events} (2,300 lines here) for it was a
     * noticeable part of a cold start; the lines of other systems are skipped by their prefix.
     */
    public List<TracepointId> systemEvents(String name) throws IOException {
        if (name.isEmpty() || name.contains(":") || name.contains("/")) {
            throw new IllegalArgumentException("not a tracepoint system name: '" + name + "'");
        }
        Path available = root.resolve("available_events");
        List<TracepointId> out = new ArrayList<>();
        if (Files.isRegularFile(available)) {
            String text = Files.readString(available, StandardCharsets.UTF_8);
            String prefix = name + ":";
            for (int at = 0; at < text.length(); ) {
                int nl = text.indexOf('\n', at);
                int end = nl < 0 ? text.length() : nl;
                if (text.startsWith(prefix, at)) {
                    String l = text.substring(at, end).strip();
                    if (l.length() > prefix.length()) {
                        out.add(TracepointId.parse(l));
                    }
                }
                at = end + 1;
            }
        } else if (!name.equals(FTRACE_SYSTEM)) {
            Path dir = root.resolve("events").resolve(name);
            if (Files.isDirectory(dir) && dir.normalize().startsWith(root.resolve("events")) && !name.startsWith(".")) {
                try (DirectoryStream<Path> evs = Files.newDirectoryStream(dir, d -> Files.isRegularFile(d.resolve("format")))) {
                    for (Path ev : evs) {
                        out.add(new TracepointId(name, ev.getFileName().toString()));
                    }
                }
            }
        }
        out.sort(null);
        // sorted: duplicates are neighbours (events() dedups the whole list the same way)
        List<TracepointId> unique = new ArrayList<>(out.size());
        for (TracepointId t : out) {
            if (unique.isEmpty() || unique.getLast().compareTo(t) != 0) {
                unique.add(t);
            }
        }
        return List.copyOf(unique);
    }

    /**
     * Tracepoints whose whole {@code system:event} name matches the glob, as bpftrace matches
     * {@code tracepoint:PATTERN}: {@code syscalls:sys_enter_*}, {@code *:*openat} and {@code *openat} all work
     * ({@code *} also matches the colon).
     */
    public List<TracepointId> events(String pattern) throws IOException {
        Glob g = Glob.of(pattern);
        return events().stream().filter(t -> g.matches(t.toString())).toList();
    }

    /**
     * Whether {@link #events()} lists {@code tp}, without reading the whole list (thousands of lines, a noticeable
     * part of a cold start): the event has a {@code format} file and is not one of ftrace's own records.
     */
    public boolean exists(TracepointId tp) {
        try {
            return !tp.system().equals(FTRACE_SYSTEM) && Files.isRegularFile(eventDir(tp).resolve("format"));
        } catch (TracefsException e) {
            return false; // not a tracepoint name
        }
    }

    /** The parsed {@code format} file of one tracepoint. */
    public EventFormat format(TracepointId tp) throws IOException {
        Path f = eventDir(tp).resolve("format");
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TracefsException("no tracepoint " + tp + ": " + f + " does not exist (list tracepoints with "
                    + "'boxscope probe -l \"tracepoint:" + tp.system() + ":*\"')", e);
        }
        try {
            return EventFormatParser.parse(text);
        } catch (TracefsException e) {
            throw new TracefsException(f + ": " + e.getMessage(), e);
        }
    }

    /** The tracepoint's id (perf_event_open's {@code config} for PERF_TYPE_TRACEPOINT), from its {@code id} file. */
    public int id(TracepointId tp) throws IOException {
        Path f = eventDir(tp).resolve("id");
        String s;
        try {
            s = Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new TracefsException("no tracepoint " + tp + ": " + f + " does not exist", e);
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new TracefsException(f + " does not hold a number: '" + s + "'", e);
        }
    }

    private Path eventDir(TracepointId tp) throws TracefsException {
        Path events = root.resolve("events");
        Path dir = events.resolve(tp.system()).resolve(tp.event()).normalize();
        if (!dir.startsWith(events) || tp.system().startsWith(".") || tp.event().startsWith(".")) {
            throw new TracefsException("not a tracepoint name: " + tp);
        }
        return dir;
    }
}
