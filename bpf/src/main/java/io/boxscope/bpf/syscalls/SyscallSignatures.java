package io.boxscope.bpf.syscalls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracefsException;
import io.boxscope.bpf.tracefs.TracepointId;

/**
 * Every system call of the running architecture with its arguments, built at run time from the kernel's
 * own {@code events/syscalls/sys_enter_*}{@code /format} files (so it is as current as the kernel), with the
 * numbers from {@link SyscallTable}. A decoder reading raw_syscalls:sys_enter looks up {@code args->id}
 * with {@link #of(long)} and reads {@code args->args[i]} as {@link SyscallArg} i says.
 *
 * <p>Tracepoint names are those of the kernel's {@code SYSCALL_DEFINE}, which differ from the syscall's
 * name for a few calls ({@code newfstat} is fstat, {@code newuname} is uname, {@code sendfile64} is
 * sendfile, {@code umount} is umount2); {@link #syscallName} maps them. Formats that cannot be parsed or
 * named are kept in {@link #problems()}, never dropped silently.
 */
public final class SyscallSignatures {
    private final SyscallTable table;
    private final Map<Integer, SyscallSignature> byNr;
    private final Map<String, SyscallSignature> byName;
    private final List<String> problems;

    private SyscallSignatures(SyscallTable table, Map<Integer, SyscallSignature> byNr, List<String> problems) {
        this.table = table;
        this.byNr = Collections.unmodifiableMap(byNr);
        Map<String, SyscallSignature> names = new LinkedHashMap<>();
        byNr.values().forEach(s -> names.put(s.name(), s));
        this.byName = Collections.unmodifiableMap(names);
        this.problems = List.copyOf(problems);
    }

    /**
     * Builds the table from parsed entry formats (pure). Every number of {@code table} gets a signature;
     * those without a format have {@link SyscallSignature#hasFormat()} false.
     */
    public static SyscallSignatures of(SyscallTable table, List<EventFormat> enterFormats, List<String> readProblems) {
        Map<Integer, SyscallSignature> byNr = new TreeMap<>();
        List<String> problems = new ArrayList<>(readProblems);
        for (EventFormat f : enterFormats) {
            try {
                String event = SyscallSignatureParser.eventName(f);
                List<SyscallArg> args = SyscallSignatureParser.parse(f);
                String name = syscallName(table, event);
                int nr = table.number(name);
                if (nr < 0) {
                    problems.add(f.name() + ": no syscall number for '" + event + "' in Boxscope's " + table.arch()
                            + " table (a syscall newer than Boxscope: update io.boxscope.bpf.syscalls.SyscallNames)");
                    continue;
                }
                byNr.put(nr, new SyscallSignature(nr, name, event, args));
            } catch (TracefsException e) {
                problems.add(e.getMessage());
            }
        }
        table.all().forEach((nr, name) -> byNr.putIfAbsent(nr, new SyscallSignature(nr, name, "", List.of())));
        return new SyscallSignatures(table, byNr, problems);
    }

    /** Reads every {@code sys_enter_*} format of {@code tracefs} (e.g. {@code Tracefs.locate(sysRoot)}). */
    public static SyscallSignatures read(Tracefs tracefs, SyscallTable table) throws IOException {
        List<EventFormat> formats = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path dir = tracefs.root().resolve("events").resolve("syscalls");
        if (!Files.isDirectory(dir)) {
            throw new TracefsException("no " + dir + ": the kernel was built without syscall tracepoints "
                    + "(CONFIG_FTRACE_SYSCALLS), so syscall arguments cannot be described");
        }
        List<String> events = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, SyscallSignatureParser.PREFIX + "*")) {
            for (Path p : ds) {
                events.add(p.getFileName().toString());
            }
        }
        Collections.sort(events);
        for (String e : events) {
            try {
                formats.add(tracefs.format(new TracepointId("syscalls", e)));
            } catch (TracefsException ex) {
                problems.add(ex.getMessage());
            }
        }
        return of(table, formats, problems);
    }

    /** The running kernel's table: tracefs under {@code sysRoot} (normally {@code /sys}), this JVM's architecture. */
    public static SyscallSignatures current(Path sysRoot) throws IOException {
        return read(Tracefs.locate(sysRoot), SyscallTable.current());
    }

    /**
     * The syscall name for a tracepoint's name: itself when the table knows it, else the kernel's
     * {@code SYSCALL_DEFINE} aliases ({@code newX} → X, {@code X64} → X for sendfile64, umount → umount2).
     */
    static String syscallName(SyscallTable table, String event) {
        if (table.number(event) >= 0) {
            return event;
        }
        if (event.startsWith("new") && table.number(event.substring(3)) >= 0) {
            return event.substring(3);
        }
        if (event.endsWith("64") && table.number(event.substring(0, event.length() - 2)) >= 0) {
            return event.substring(0, event.length() - 2);
        }
        if (table.number(event + "2") >= 0) {
            return event + "2";
        }
        return event;
    }

    /** The signature of syscall {@code nr}, empty for a number this architecture does not assign. */
    public Optional<SyscallSignature> of(long nr) {
        return nr < 0 || nr > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(byNr.get((int) nr));
    }

    /** By syscall name ({@code openat}, {@code fstat}). */
    public Optional<SyscallSignature> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every signature in number order. */
    public List<SyscallSignature> all() {
        return List.copyOf(byNr.values());
    }

    public SyscallTable table() {
        return table;
    }

    /** Format files that could not be read, parsed or given a number, one message each. */
    public List<String> problems() {
        return problems;
    }
}
