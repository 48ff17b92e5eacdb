package io.boxscope.cli.trace;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldClass;
import io.boxscope.trace.filter.FieldListing;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.FilterException;
import io.boxscope.trace.filter.KernelFilter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.Render;
import io.boxscope.trace.filter.RunningContainers;
import io.boxscope.trace.filter.ServiceNames;

/**
 * The filter half of {@code boxscope trace}: {@code -l}/{@code -lv} (the field list) and
 * {@code --check-filter} (compile a filter, show its kernel / user-space split). Kept apart from
 * the command so that the capture half (-r, -w, live) can share the command: it calls
 * {@link #compile} for its filter and {@link #printFilterError} for a bad one.
 */
public final class TraceFilterCli {
    private TraceFilterCli() {}

    /** Port names for filters such as fd.sport=http, from the host's /etc/services. */
    public static ServiceNames services() throws IOException {
        return ServiceNames.read(Path.of("/etc/services"));
    }

    /**
     * {@code trace -l} / {@code -lv}: what to list (the field table lives in the library's
     * {@link Field} and {@link FieldListing}).
     *
     * @param verbose -lv: the text form adds each field's longer description
     */
    public record FieldList(boolean verbose) {}

    /** {@code trace -l}'s view: sysdig's layout, or the classes and their fields as JSON. */
    public static final View<FieldList> FIELDS = new View<>() {
        @Override
        public void text(FieldList list, Terminal t) {
            t.out().print(FieldListing.text(list.verbose()));
        }

        @Override
        public Object json(FieldList list) {
            return fieldsJson();
        }
    };

    static Map<String, Object> fieldsJson() {
        List<Object> classes = new ArrayList<>();
        Map<String, Object> current = null;
        List<Object> fields = null;
        FieldClass cls = null;
        for (Field f : Field.values()) {
            if (f.fieldClass() != cls) {
                cls = f.fieldClass();
                current = Json.object();
                current.put("name", cls.className());
                current.put("short_description", cls.shortDescription());
                current.put("description", cls.description());
                fields = new ArrayList<>();
                current.put("fields", fields);
                classes.add(current);
            }
            Map<String, Object> m = Json.object();
            m.put("name", f.fieldName());
            m.put("type", f.type().label());
            m.put("argument", switch (f.arg()) {
                case NONE -> "none";
                case NAME_OR_INDEX -> ".NAME or [N]";
                case NAME -> ".NAME";
                case ANCESTOR -> "[N], or none for any ancestor";
                case TIME -> "[T], required";
                case MOUNT -> "[N] or [GLOB], required";
            });
            m.put("description", f.description());
            fields.add(m);
        }
        Map<String, Object> o = Json.object();
        o.put("classes", classes);
        return o;
    }

    /** Compiles a filter; a bad one throws {@link FilterException} (print it with {@link #printFilterError}). */
    public static Filter compile(String text) throws IOException {
        // /etc/services is read only for a filter that can name a port (fd.port, fd.sport, fd.dport, fd.lport, fd.rport,
        // fd.cport: every PORT field has "port" in its name, and no event argument is of type PT_PORT in sysdig 0.29's
        // table): parsing its few hundred lines was part of every filtered run's start-up (trace -r, issue 13)
        return Filter.compile(text, text.contains("port") ? services() : ServiceNames.none());
    }

    /**
     * A bad filter, as a user needs it: the problem, the filter, a caret under the column.
     * Everything is {@link Text#safe}: the caret is placed after the escaped prefix, so it stays
     * under the right character when the filter has control characters in it.
     */
    public static int printFilterError(PrintWriter err, FilterException e) {
        String problem = e.problem().startsWith("filter error: ") ? e.problem().substring("filter error: ".length()) : e.problem();
        err.println("boxscope: bad filter at column " + (e.position() + 1) + ": " + Text.safe(problem));
        err.println("  " + Text.safe(e.filter()));
        err.println("  " + " ".repeat(Text.safe(e.filter().substring(0, e.position())).length()) + "^");
        err.flush();
        return ExitCode.USAGE;
    }

    /**
     * {@code trace --check-filter}'s result: the library's kernel / user-space split, and what
     * could not be read while making it (the container list), shown as notes.
     */
    public record FilterCheck(PushDown.Split split, List<String> scanProblems) {
        public FilterCheck {
            scanProblems = List.copyOf(scanProblems);
        }
    }

    /**
     * {@code trace --check-filter FILTER}: compiles the filter and splits it; a bad one throws
     * {@link FilterException} (the command prints it with {@link #printFilterError}, exit 2).
     */
    public static FilterCheck checkFilter(String text, HostPaths paths) throws IOException {
        Filter filter = compile(text);
        List<String> scanProblems = new ArrayList<>();
        ContainerResolver containers = new LazyContainers(paths, scanProblems);
        PushDown.Split split = PushDown.split(filter, SyscallTable.current(), EventTable.sysdig(), containers);
        return new FilterCheck(split, scanProblems);
    }

    /** {@code trace --check-filter}'s view: the split as text with the notes after it, or as JSON. */
    public static final View<FilterCheck> CHECK = new View<>() {
        @Override
        public void text(FilterCheck check, Terminal t) {
            PrintWriter out = t.out();
            out.print(Text.safeLines(check.split().describe()));
            for (String p : check.scanProblems()) {
                out.println("note: " + Text.safe(p));
            }
        }

        @Override
        public Object json(FilterCheck check) {
            return splitJson(check.split(), check.scanProblems());
        }
    };

    static Map<String, Object> splitJson(PushDown.Split split, List<String> scanProblems) {
        KernelFilter k = split.kernel();
        Map<String, Object> kernel = Json.object();
        kernel.put("pids", k.pids() == null ? null : List.copyOf(k.pids()));
        kernel.put("tids", k.tids() == null ? null : List.copyOf(k.tids()));
        kernel.put("cgroup_ids", k.cgroupIds() == null ? null : List.copyOf(k.cgroupIds()));
        kernel.put("event_types", k.eventTypes() == null ? null : List.copyOf(k.eventTypes()));
        kernel.put("syscalls", k.syscalls() == null ? null : List.copyOf(k.syscalls()));
        kernel.put("other_events", k.otherEvents() == null ? null : List.copyOf(k.otherEvents()));
        kernel.put("failed_only", k.failedOnly());
        Map<String, Object> o = Json.object();
        o.put("filter", split.filter().text());
        o.put("parsed", Render.expr(split.filter().root()));
        o.put("kernel", kernel);
        o.put("user_space", split.javaEvaluates() ? Render.expr(split.residue()) : null);
        List<String> notes = new ArrayList<>(split.notes());
        notes.addAll(split.filter().notes());
        notes.addAll(scanProblems);
        o.put("notes", notes);
        return o;
    }

    /** Scans the host's containers only when a filter names one, once. */
    static final class LazyContainers implements ContainerResolver {
        private final HostPaths paths;
        private final List<String> problems;
        private ContainerResolver scanned;

        LazyContainers(HostPaths paths, List<String> problems) {
            this.paths = paths;
            this.problems = problems;
        }

        @Override
        public Set<Long> cgroupIds(Key key, String value) {
            if (scanned == null) {
                try {
                    scanned = new RunningContainers(ContainerDiscovery.of(paths).scan());
                } catch (IOException e) {
                    problems.add("cannot list containers (" + e.getMessage() + "): container filters stay in user space");
                    scanned = ContainerResolver.NONE;
                }
            }
            return scanned.cgroupIds(key, value);
        }
    }
}
