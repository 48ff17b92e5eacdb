package io.boxscope.trace.scap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The event table and flag tables of falcosecurity/libs at commit e5c53d64 (March 2022), the libs
 * Debian's sysdig 0.29.3 is built on ({@code libfalcosecurity0 0.1.1dev+git20220316.e5c53d64}). The
 * facts live as data in {@code events.tsv} and {@code flags.tsv} next to this class, generated from
 * driver/event_table.c and driver/flags_table.c by {@code trace/src/build/gen_event_table.py}, with the
 * PPM_SC_* names and categories ({@code syscalls.tsv}, userspace/libscap/syscall_info_table.c) and the
 * kernel system calls that have events of their own ({@code syscall-events.tsv}, driver/syscall_table.c).
 * The one event table of the module: the filter's view ({@link io.boxscope.trace.filter.EventTable}) is
 * made from it.
 */
public final class EventTable {
    /** PPM_EVENT_MAX of that libs version: event numbers at or above it are from newer drivers. */
    public static final int EVENT_MAX = 336;

    private static final EventTable INSTANCE = load();

    private final EventInfo[] events;
    private final Map<String, EventInfo> byConstant = new HashMap<>();

    private EventTable(EventInfo[] events) {
        this.events = events;
        for (EventInfo e : events) {
            byConstant.put(e.constant(), e);
        }
    }

    /**
     * The flag tables and the system call names, read from the jar when first asked (the JVM initialises a nested
     * class on its first use, once, thread-safely): reading a capture file needs only the event table to its first
     * event, and a filtered read may print no flags and meet no generic event (trace -r's start-up, issue 13).
     */
    private static final class Names {
        static final Map<String, List<FlagName>> FLAGS;
        static final String[] SYSCALLS;
        static final String[] CATEGORIES;
        static final Map<String, String> SYSCALL_EVENTS;

        static {
            try {
                Map<String, List<FlagName>> flags = new LinkedHashMap<>();
                for (String line : lines("flags.tsv")) {
                    String[] f = line.split("\t");
                    flags.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new FlagName(f[1], Long.parseLong(f[2])));
                }
                flags.replaceAll((k, v) -> List.copyOf(v));
                FLAGS = Map.copyOf(flags);
                List<String> sc = new ArrayList<>();
                List<String> cats = new ArrayList<>();
                for (String line : lines("syscalls.tsv")) {
                    String[] f = line.split("\t");
                    sc.add(f[1]);
                    cats.add(f[2]);
                }
                SYSCALLS = sc.toArray(String[]::new);
                CATEGORIES = cats.toArray(String[]::new);
                Map<String, String> syscallEvents = new LinkedHashMap<>();
                for (String line : lines("syscall-events.tsv")) {
                    String[] f = line.split("\t");
                    syscallEvents.put(f[0], f[1]);
                }
                SYSCALL_EVENTS = java.util.Collections.unmodifiableMap(syscallEvents);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the scap flag and system call tables from the jar", e);
            }
        }

        private Names() {}
    }

    /** The table sysdig 0.29 uses. */
    public static EventTable get() {
        return INSTANCE;
    }

    /** The event numbered {@code id}, or empty when the number is beyond this table. */
    public Optional<EventInfo> info(int id) {
        return id >= 0 && id < events.length ? Optional.of(events[id]) : Optional.empty();
    }

    /** The event numbered {@code id}, or null beyond this table: for the per-event paths, which ask millions of times. */
    public EventInfo infoOrNull(int id) {
        return id >= 0 && id < events.length ? events[id] : null;
    }

    /** The event whose PPME_* constant is {@code constant}, e.g. {@code PPME_SYSCALL_OPENAT_2_X}. */
    public EventInfo byConstant(String constant) {
        EventInfo e = byConstant.get(constant);
        if (e == null) {
            throw new IllegalArgumentException("no event " + constant + " in the event table");
        }
        return e;
    }

    /** Every event, by number. */
    public List<EventInfo> all() {
        return Arrays.asList(events.clone());
    }

    /** The flag table named {@code name} (e.g. {@code file_flags}), in the driver's order. */
    public List<FlagName> flags(String name) {
        return Names.FLAGS.getOrDefault(name, List.of());
    }

    /**
     * The name of PPM_SC_* system call {@code id} (userspace/libscap/syscall_info_table.c): what sysdig
     * prints as evt.type for generic events ({@code syscall} with an ID parameter), or empty.
     */
    public Optional<String> syscallName(int id) {
        String[] syscalls = Names.SYSCALLS;
        return id >= 0 && id < syscalls.length ? Optional.of(syscalls[id]) : Optional.empty();
    }

    /** The category (without EC_) of PPM_SC_* system call {@code id}: a generic event's category, or empty. */
    public Optional<String> syscallCategory(int id) {
        String[] categories = Names.CATEGORIES;
        return id >= 0 && id < categories.length ? Optional.of(categories[id]) : Optional.empty();
    }

    /** Every PPM_SC_* system call name, by id (what generic events are named). */
    public List<String> syscallNames() {
        return List.of(Names.SYSCALLS);
    }

    /**
     * The event name of the system call the kernel calls {@code kernelName}, when sysdig names its events
     * specially (driver/syscall_table.c: pread64 gives pread events), or empty for a generic one.
     */
    public Optional<String> eventOfSyscall(String kernelName) {
        return Optional.ofNullable(Names.SYSCALL_EVENTS.get(kernelName));
    }

    /** The kernel system calls with events of their own, in syscall_table.c's order, and their event names. */
    public Map<String, String> syscallEvents() {
        return Names.SYSCALL_EVENTS;
    }

    /** One name of a flag table. */
    public record FlagName(String name, long value) {}

    private static EventTable load() {
        try {
            List<EventInfo> events = new ArrayList<>();
            for (String line : lines("events.tsv")) {
                String[] f = line.split("\t", -1);
                List<EventInfo.ParamInfo> params = new ArrayList<>();
                if (!f[5].isEmpty()) {
                    for (String p : f[5].split(";")) {
                        String[] q = p.split("\\|", -1);
                        // interned: EventInfo.indexOf compares them with the per-event paths' literal names, equal at the first test
                        params.add(new EventInfo.ParamInfo(q[0].intern(), ParamType.valueOf(q[1]), q[2], q[3]));
                    }
                }
                events.add(new EventInfo(Integer.parseInt(f[0]), f[1], f[2], f[3],
                        java.util.Set.of(f[4].split("\\|")), params));
            }
            if (events.size() != EVENT_MAX) {
                throw new IllegalStateException("events.tsv has " + events.size() + " events, expected " + EVENT_MAX);
            }
            return new EventTable(events.toArray(EventInfo[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the scap event table from the jar", e);
        }
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = EventTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the jar");
            }
            List<String> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String l; (l = r.readLine()) != null; ) {
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(l);
                }
            }
            return out;
        }
    }
}
