package io.boxscope.bpf.tracefs;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a tracepoint {@code format} file (Documentation/trace/events.rst, "Event formats"): pure text to
 * {@link EventFormat}. Layout, as kernel/trace/trace_events.c prints it:
 *
 * <pre>
 * name: sched_process_exec
 * ID: 365
 * format:
 * 	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 * 	...
 * 	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
 *
 * print fmt: "filename=%s ...", __get_str(filename), ...
 * </pre>
 *
 * The {@code print fmt:} text runs to the end of the file, newlines included.
 * A field line without a usable name, offset or size is not guessed at: it is recorded in
 * {@link EventFormat#problems()}, as is any line of unknown shape. Only a file without a {@code name:}
 * line is rejected outright, because then it is not a format file at all.
 */
public final class EventFormatParser {
    private EventFormatParser() {}

    public static EventFormat parse(String text) throws TracefsException {
        String name = null;
        int id = -1;
        String printFmt = "";
        List<EventField> fields = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            int lineNo = n + 1;
            if (line.isEmpty() || line.equals("format:")) {
                continue;
            }
            if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("ID:")) {
                try {
                    id = Integer.parseInt(line.substring(3).strip());
                } catch (NumberFormatException e) {
                    problems.add("line " + lineNo + ": ID is not a number: " + line);
                }
            } else if (line.startsWith("print fmt:")) {
                // The last section; its C string may hold raw newlines (ext4:ext4_fc_stats does), so the
                // rest of the file belongs to it.
                String rest = String.join("\n", java.util.Arrays.asList(lines).subList(n, lines.length));
                printFmt = rest.strip().substring("print fmt:".length()).strip();
                break;
            } else if (line.startsWith("field:") || line.startsWith("field special:")) {
                try {
                    fields.add(field(line));
                } catch (IllegalArgumentException e) {
                    problems.add("line " + lineNo + ": " + e.getMessage() + ": " + line);
                }
            } else {
                problems.add("line " + lineNo + ": not a format line: " + line);
            }
        }
        if (name == null || name.isEmpty()) {
            throw new TracefsException("not a tracepoint format file: no 'name:' line"
                    + (problems.isEmpty() ? "" : " (" + problems.getFirst() + ")"));
        }
        return new EventFormat(name, id, fields, printFmt, problems);
    }

    /** {@code field:DECL;	offset:N;	size:N;	signed:N;} — signed is missing on kernels before 2.6.31. */
    static EventField field(String line) {
        String decl = null;
        Integer offset = null;
        Integer size = null;
        boolean signed = false;
        for (String part : line.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("field attribute without ':' (" + p + ")");
            }
            String key = p.substring(0, colon).strip();
            String value = p.substring(colon + 1).strip();
            switch (key) {
                case "field", "field special" -> decl = value;
                case "offset" -> offset = number("offset", value);
                case "size" -> size = number("size", value);
                case "signed" -> signed = number("signed", value) != 0;
                default -> { } // attributes a later kernel may add are not needed to read the field
            }
        }
        if (decl == null || decl.isEmpty()) {
            throw new IllegalArgumentException("field without a declaration");
        }
        if (offset == null || size == null) {
            throw new IllegalArgumentException("field without offset or size");
        }
        return declaration(decl, offset, size, signed);
    }

    private static int number(String what, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v < 0) {
                throw new IllegalArgumentException(what + " is negative (" + value + ")");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number (" + value + ")");
        }
    }

    /** Splits a C declaration as the kernel prints it into type, name and array shape. */
    static EventField declaration(String decl, int offset, int size, boolean signed) {
        String d = decl.strip();
        EventField.Kind kind;
        String rest = d;
        if (d.startsWith("__data_loc ")) {
            kind = EventField.Kind.DATA_LOC;
            rest = d.substring("__data_loc ".length()).strip();
        } else if (d.startsWith("__rel_loc ")) {
            kind = EventField.Kind.REL_LOC;
            rest = d.substring("__rel_loc ".length()).strip();
        } else {
            kind = null;
        }
        int arrayLength = -1;
        String type;
        String name;
        if (kind != null) {
            // "__data_loc char[] name": the brackets belong to the type.
            int sp = rest.lastIndexOf(' ');
            if (sp < 0) {
                throw new IllegalArgumentException("dynamic field without a name");
            }
            name = rest.substring(sp + 1);
            type = rest.substring(0, sp).strip();
            if (type.endsWith("[]")) {
                type = type.substring(0, type.length() - 2).strip();
            }
        } else {
            String base = rest;
            int bracket = rest.indexOf('[');
            if (bracket >= 0) {
                int close = rest.indexOf(']', bracket);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' in declaration");
                }
                String len = rest.substring(bracket + 1, close).strip();
                base = rest.substring(0, bracket).strip();
                if (len.isEmpty()) {
                    kind = EventField.Kind.FLEXIBLE_ARRAY;
                    arrayLength = 0;
                } else {
                    kind = EventField.Kind.FIXED_ARRAY;
                    try {
                        arrayLength = Integer.parseInt(len);
                    } catch (NumberFormatException e) {
                        arrayLength = -1; // symbolic length (e.g. TASK_COMM_LEN) on old kernels
                    }
                }
            }
            int end = base.length();
            int start = end;
            while (start > 0 && isIdent(base.charAt(start - 1))) {
                start--;
            }
            if (start == end) {
                throw new IllegalArgumentException("declaration without a field name");
            }
            name = base.substring(start, end);
            type = base.substring(0, start).strip();
            if (type.isEmpty()) {
                throw new IllegalArgumentException("declaration without a type");
            }
            if (kind == null) {
                kind = type.endsWith("*") ? EventField.Kind.POINTER : EventField.Kind.SCALAR;
            }
        }
        if (!isIdentifier(name)) {
            throw new IllegalArgumentException("field name is not a C identifier (" + name + ")");
        }
        return new EventField(d, type, name, kind, arrayLength, offset, size, signed);
    }

    private static boolean isIdent(char c) {
        return c == '_' || Character.isLetterOrDigit(c) && c < 0x80;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isIdent(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
