package io.boxscope.trace.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Field names → {@link FieldRef}, with sysdig 0.29's argument syntax and messages
 * (sinsp_filter_check_event::extract_arg, sinsp_filter_check_thread::extract_arg):
 * {@code evt.arg.NAME} takes the longest event-argument name NAME starts with and must end there;
 * {@code evt.arg[N]} takes a 32-bit number; {@code evt.rawarg} takes only {@code .NAME};
 * {@code proc.aname}/{@code proc.apid} take {@code [N]} or nothing.
 */
final class FieldResolver {
    /** sysdig fields that take an argument after their name (for "not supported" vs "unrecognized"). */
    private static final List<String> SYSDIG_ARG_FIELDS = List.of("evt.type.is.", "evt.around[", "thread.cgroup.",
            "container.mount[", "container.mount.source[", "container.mount.dest[", "container.mount.mode[",
            "container.mount.rdwr[", "container.mount.propagation[", "k8s.pod.label.", "k8s.rc.label.",
            "k8s.svc.label.", "k8s.ns.label.", "k8s.rs.label.", "k8s.deployment.label.", "mesos.task.label.",
            "marathon.app.label.", "span.tag[", "span.arg.", "span.arg[", "span.enterarg.", "span.enterarg[");

    private static volatile Set<String> sysdigFields;

    private final EventTable events;
    private final String filter;

    FieldResolver(EventTable events, String filter) {
        this.events = events;
        this.filter = filter;
    }

    FieldRef resolve(String name, int pos) {
        if (name.startsWith("evt.arg") && !name.startsWith("evt.args")) {
            return eventArg(Field.EVT_ARG, "evt.arg", name, pos);
        }
        if (name.startsWith("evt.rawarg")) {
            return eventArg(Field.EVT_RAWARG, "evt.rawarg", name, pos);
        }
        if (name.startsWith("evt.around")) {
            return around(name, pos);
        }
        if (name.startsWith("evt.type.is")) {
            return typeIs(name, pos);
        }
        if (name.startsWith("evt.abspath")) {
            return switch (name) {
                case "evt.abspath" -> FieldRef.of(Field.EVT_ABSPATH);
                case "evt.abspath.src" -> new FieldRef(Field.EVT_ABSPATH, "src", null, FieldType.CHARBUF);
                case "evt.abspath.dst" -> new FieldRef(Field.EVT_ABSPATH, "dst", null, FieldType.CHARBUF);
                default -> throw new FilterException(filter, pos, "filter error: unrecognized field " + name
                        + " (evt.abspath, evt.abspath.src, evt.abspath.dst)");
            };
        }
        if (name.startsWith("container.mount") && (name.length() == MOUNT.length() || name.charAt(MOUNT.length()) != 's')) {
            return mount(name, pos);
        }
        if (name.startsWith("proc.apid")) {
            return ancestor(Field.PROC_APID, name, pos);
        }
        if (name.startsWith("proc.aname")) {
            return ancestor(Field.PROC_ANAME, name, pos);
        }
        if (name.startsWith("thread.cgroup") && !name.equals("thread.cgroups")) {
            // sinsp_filter_check_thread::extract_arg: thread.cgroup takes the subsystem after a dot, whatever it is
            if (!name.startsWith("thread.cgroup.") || name.length() == "thread.cgroup.".length()) {
                throw new FilterException(filter, pos, "filter syntax error: " + name + " (give a subsystem: thread.cgroup.cpu)");
            }
            return new FieldRef(Field.THREAD_CGROUP, name.substring("thread.cgroup.".length()), null, FieldType.CHARBUF);
        }
        Field f = Field.byName(name);
        if (f != null) {
            return FieldRef.of(f);
        }
        throw unknown(name, pos);
    }

    private FilterException unknown(String name, int pos) {
        if (knownToSysdig(name)) {
            return new FilterException(filter, pos, "field " + name + " is not supported by boxscope yet "
                    + "(sysdig 0.29 has it; 'boxscope trace -l' lists the fields boxscope supports)");
        }
        return new FilterException(filter, pos, "filter error: unrecognized field " + name
                + " ('boxscope trace -l' lists the fields)");
    }

    private FieldRef eventArg(Field field, String prefix, String name, int pos) {
        char after = name.length() > prefix.length() ? name.charAt(prefix.length()) : 0;
        if (after == '[') {
            if (field == Field.EVT_RAWARG) {
                throw new FilterException(filter, pos, "evt.arg fields must be expressed explicitly (evt.rawarg takes a name: evt.rawarg.NAME)");
            }
            int close = name.indexOf(']');
            if (close < 0) {
                throw unknown(name, pos);
            }
            int index = ValueParser.parseSigned(name.substring(prefix.length() + 1, close), 32, filter, pos);
            if (close + 1 != name.length()) {
                throw unknown(name, pos);
            }
            return new FieldRef(field, null, index, field.type());
        }
        if (after == '.') {
            String rest = name.substring(prefix.length() + 1);
            String param = events.longestParamPrefix(rest);
            if (param == null) {
                throw new FilterException(filter, pos, "unknown event argument " + rest);
            }
            if (prefix.length() + 1 + param.length() != name.length()) {
                throw unknown(name, pos);
            }
            FieldType type = field == Field.EVT_RAWARG ? rawType(name, events.paramType(param), pos) : field.type();
            return new FieldRef(field, param, null, type);
        }
        throw new FilterException(filter, pos, "filter syntax error: " + name
                + (name.equals(prefix) ? " (give an argument: " + prefix + ".NAME" + (field == Field.EVT_ARG ? " or " + prefix + "[N])" : ")") : ""));
    }

    /** The type evt.rawarg.NAME compares as: that of the first event argument so named, as in sysdig. */
    private FieldType rawType(String name, String pt, int pos) {
        return switch (pt) {
            case "PT_INT16" -> FieldType.INT16;
            case "PT_INT32" -> FieldType.INT32;
            case "PT_INT64", "PT_FD", "PT_PID", "PT_ERRNO" -> FieldType.INT64;
            case "PT_UINT8", "PT_FLAGS8", "PT_SIGTYPE" -> FieldType.UINT8;
            case "PT_UINT16", "PT_FLAGS16", "PT_SYSCALLID" -> FieldType.UINT16;
            case "PT_UINT32", "PT_FLAGS32", "PT_MODE" -> FieldType.UINT32;
            case "PT_UINT64" -> FieldType.UINT64;
            case "PT_RELTIME" -> FieldType.RELTIME;
            case "PT_ABSTIME" -> FieldType.ABSTIME;
            case "PT_CHARBUF", "PT_FSPATH", "PT_FSRELPATH" -> FieldType.CHARBUF;
            case "PT_BOOL" -> FieldType.BOOL;
            case "PT_PORT" -> FieldType.PORT;
            default -> throw new FilterException(filter, pos, name + " has type " + pt
                    + ", which sysdig 0.29 cannot compare (wrong parameter type); use evt.arg." + name.substring(name.indexOf('.', 4) + 1)
                    + " to compare its text");
        };
    }

    /**
     * evt.around[T] (sinsp_filter_check_event::extract_arg, libs e5c53d64): T is read with parseu64 and kept in the
     * reference's argument (a 64-bit unsigned number does not fit its index); {@code evt.around.X} is "wrong syntax".
     */
    private FieldRef around(String name, int pos) {
        String prefix = Field.EVT_AROUND.fieldName();
        if (name.length() > prefix.length() && name.charAt(prefix.length()) == '.') {
            throw new FilterException(filter, pos, "wrong syntax for evt.around (evt.around[T]=D)");
        }
        if (name.length() <= prefix.length() + 1 || name.charAt(prefix.length()) != '[' || !name.endsWith("]")) {
            if (name.length() > prefix.length() && name.charAt(prefix.length()) != '[') {
                throw unknown(name, pos);
            }
            throw new FilterException(filter, pos, "filter syntax error: " + name + " (give a time: evt.around[T]=D)");
        }
        long t = ValueParser.parseUnsigned(name.substring(prefix.length() + 1, name.length() - 1), 64, filter, pos, name);
        return new FieldRef(Field.EVT_AROUND, Long.toUnsignedString(t), null, FieldType.UINT64);
    }

    /**
     * evt.type.is.NAME / evt.type.is.N (sinsp_filter_check_event::extract_type, libs e5c53d64): N, a decimal number,
     * is one event number; NAME the first event of the table with that name and the one after it (its exit). The
     * reference keeps the text as its argument and the first event number as its index. A name no event has is an
     * unrecognized field, a missing one sysdig's syntax error.
     */
    private FieldRef typeIs(String name, int pos) {
        String prefix = "evt.type.is";
        if (name.equals(prefix)) {
            throw new FilterException(filter, pos, "filter syntax error: " + name + " (give an event: evt.type.is.open)");
        }
        if (name.charAt(prefix.length()) != '.') {
            throw unknown(name, pos);
        }
        String type = name.substring(prefix.length() + 1);
        Integer id = null;
        if (!type.isEmpty() && type.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                id = (int) Math.min(Long.parseLong(type), Integer.MAX_VALUE);
            } catch (NumberFormatException e) {
                id = null;
            }
        } else {
            for (io.boxscope.trace.scap.EventInfo e : io.boxscope.trace.scap.EventTable.get().all()) {
                if (e.name().equals(type)) {
                    id = e.id();
                    break;
                }
            }
        }
        if (id == null) {
            throw new FilterException(filter, pos, "filter error: unrecognized field " + name
                    + " ('boxscope trace -L' lists the event names)");
        }
        return new FieldRef(Field.EVT_TYPE_IS, type, id, FieldType.UINT32);
    }

    private static final String MOUNT = "container.mount";

    /**
     * container.mount[ARG] and container.mount.source/.dest/.mode/.rdwr/.propagation[ARG]
     * (sinsp_filter_check_container::parse_field_name and extract_arg, libs e5c53d64): after "container.mount." the
     * part's name is matched as a prefix, then ARG runs from the first '[' to the first ']'; a number sscanf's %d reads
     * whole (parsed32) is a mount's position, anything else a glob on a mount path. No '[' or ']' is sysdig's syntax
     * error; text after the ']' is a field sysdig does not know.
     */
    private FieldRef mount(String name, int pos) {
        Field field = Field.CONTAINER_MOUNT;
        int base = MOUNT.length();
        if (name.startsWith(MOUNT + ".")) {
            base++;
            field = null;
            for (Field f : List.of(Field.CONTAINER_MOUNT_SOURCE, Field.CONTAINER_MOUNT_DEST, Field.CONTAINER_MOUNT_MODE,
                    Field.CONTAINER_MOUNT_RDWR, Field.CONTAINER_MOUNT_PROPAGATION)) {
                if (name.startsWith(f.fieldName().substring(base), base)) {
                    field = f;
                    break;
                }
            }
            if (field == null) {
                throw new FilterException(filter, pos, "filter syntax error: " + name
                        + " (container.mount.source, .dest, .mode, .rdwr or .propagation, then [N] or [GLOB])");
            }
        }
        int open = name.indexOf('[', base);
        int close = open < 0 ? -1 : name.indexOf(']', open);
        if (close < 0) {
            throw new FilterException(filter, pos, "filter syntax error: " + name + " (give a mount: "
                    + field.fieldName() + "[0] or " + field.fieldName() + "[/path/*])");
        }
        if (close + 1 != name.length()) {
            throw unknown(name, pos);
        }
        String arg = name.substring(open + 1, close);
        Integer index = ValueParser.scanInt32(arg);
        if (index != null && index == -1) {
            return new FieldRef(field, "", null, FieldType.CHARBUF); // sysdig's "no index" marker: a glob of ""
        }
        return index != null ? new FieldRef(field, null, index, FieldType.CHARBUF) : new FieldRef(field, arg, null, FieldType.CHARBUF);
    }

    private FieldRef ancestor(Field field, String name, int pos) {
        String prefix = field.fieldName();
        if (name.equals(prefix)) {
            return FieldRef.of(field);
        }
        if (name.charAt(prefix.length()) != '[') {
            throw unknown(name, pos);
        }
        int close = name.indexOf(']');
        if (close < 0 || close + 1 != name.length()) {
            throw unknown(name, pos);
        }
        int index;
        try {
            index = ValueParser.parseSigned(name.substring(prefix.length() + 1, close), 32, filter, pos);
        } catch (FilterException e) {
            throw unknown(name, pos); // sysdig catches the number error here and reports the field
        }
        // sysdig: [-1] is its "any ancestor" marker, and a loop of N parent steps takes none for N < 0.
        if (index == -1) {
            return FieldRef.of(field);
        }
        return new FieldRef(field, null, Math.max(0, index), field.type());
    }

    /** Whether sysdig 0.29 would accept this field name (from the list its -l prints). */
    static boolean knownToSysdig(String name) {
        if (sysdigFields().contains(name)) {
            return true;
        }
        for (String p : SYSDIG_ARG_FIELDS) {
            if (name.startsWith(p) && name.length() > p.length()) {
                return true;
            }
        }
        return false;
    }

    static Set<String> sysdigFields() {
        Set<String> s = sysdigFields;
        if (s == null) {
            try (InputStream in = FieldResolver.class.getResourceAsStream("sysdig-fields.txt")) {
                if (in == null) {
                    throw new IllegalStateException("sysdig-fields.txt is missing from the trace module");
                }
                s = new LinkedHashSet<>();
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        s.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sysdigFields = s;
        }
        return s;
    }
}
