package io.boxscope.trace.output;

import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FilterException;
import io.boxscope.trace.filter.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * sysdig's {@code -p FORMAT} (libsinsp eventformatter.cpp, sinsp_evt_formatter::set_format and tostring;
 * sysdig.cpp escape_output_format): text with {@code %field} tokens, {@code %Nfield} padding or cutting
 * the value to N characters. A line is printed only when every field has a value, unless the format
 * starts with {@code *}, which prints {@code <NA>} for missing ones. Backslash escapes {@code \n},
 * {@code \t}, {@code \e} and {@code \\} are replaced first, as sysdig does.
 */
public final class OutputFormat {
    /** sysdig's default line. */
    public static final String DEFAULT = "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info";
    /** sysdig's {@code -pc} / {@code -pcontainer} line. */
    public static final String CONTAINER = "*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id) %proc.name "
            + "(%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info";

    /**
     * sysdig's default line when standard output is a terminal (sysdig.cpp 0.29, {@code isatty(fileno(stdout))}):
     * the process name green, its pid (not in the plain line) cyan before the thread id, the event type blue, each
     * followed by the SGR reset {@code \e[00m}. Written in sysdig's {@code -p} syntax, so {@code -j} on a terminal
     * has a {@code proc.pid} key too, as sysdig's has.
     */
    public static final String DEFAULT_TTY = "*%evt.num %evt.outputtime %evt.cpu \\e[01;32m%proc.name\\e[00m "
            + "(\\e[01;36m%proc.pid\\e[00m.%thread.tid) %evt.dir \\e[01;34m%evt.type\\e[00m %evt.info";

    /**
     * sysdig's {@code -pk} / {@code -pkubernetes} line (sysdig.cpp): the pod's name where {@code -pc} has the
     * container's. A capture file carries no Kubernetes metadata that sysdig 0.29 -r reads, so the column is {@code <NA>}.
     */
    public static final String KUBERNETES = "*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name "
            + "(%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info";

    /** sysdig's {@code -pm} / {@code -pmesos} line (sysdig.cpp): the Mesos task's name, {@code <NA>} in capture files. */
    public static final String MESOS = "*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name "
            + "(%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info";

    /** A piece of the format: literal text, or a field with a width (0: as it is). */
    sealed interface Token {}

    record Literal(String text) implements Token {}

    record FieldToken(OutputField field, int width) implements Token {}

    private final String text;
    private final boolean requireAll;
    private final List<Token> tokens;

    private OutputFormat(String text, boolean requireAll, List<Token> tokens) {
        this.text = text;
        this.requireAll = requireAll;
        this.tokens = List.copyOf(tokens);
    }

    /**
     * Parses a format.
     *
     * @throws FilterException for a bad token (the position is the token's), with sysdig's words
     */
    public static OutputFormat parse(String format) {
        String f = unescape(format);
        boolean requireAll = true;
        int start = 0;
        if (f.startsWith("*")) {
            requireAll = false;
            start = 1;
        }
        List<Token> tokens = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int j = start; j < f.length(); j++) {
            char c = f.charAt(j);
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (!lit.isEmpty()) {
                tokens.add(new Literal(lit.toString()));
                lit.setLength(0);
            }
            if (j == f.length() - 1) {
                throw new FilterException(f, j, "invalid formatting syntax: formatting cannot end with a %");
            }
            int k = j + 1;
            int width = 0;
            while (k < f.length() && Character.isDigit(f.charAt(k))) {
                width = Math.min(width * 10 + (f.charAt(k) - '0'), 100_000);
                k++;
            }
            int end = k;
            while (end < f.length() && isNameChar(f.charAt(end))) {
                end++;
            }
            if (end < f.length() && f.charAt(end) == '[') {
                int close = f.indexOf(']', end);
                if (close > 0) {
                    end = close + 1;
                }
            }
            OutputField field = null;
            int n = end;
            // the longest prefix that names a field (a field may be followed by '.' or other name characters)
            for (; n > k && field == null; n--) {
                try {
                    field = OutputField.parse(f.substring(k, n));
                } catch (FilterException e) {
                    if (FieldRef.knownToSysdig(f.substring(k, n))) {
                        // a sysdig field boxscope lacks (evt.count.error.file: "not supported"), or one missing its
                        // argument (thread.cgroup: a syntax error, as sysdig's): refused, not read as a shorter
                        // field followed by text ("1.error.file")
                        throw new FilterException(f, j, e.problem());
                    }
                    // shorter
                }
            }
            if (field == null) {
                throw new FilterException(f, j, "invalid formatting token " + f.substring(k));
            }
            if (field instanceof OutputField.Catalogue cat && cat.ref().anyAncestor()) {
                // proc.aname / proc.apid without [N] (sinsp_filter_check_thread::parse_field_name, libs e5c53d64): the
                // name is read with the rest of the format after it, so only a name that ends the format is taken
                // whole (argid -1); otherwise the field takes 0 characters and the name is printed after the value
                // as text. Either way the value is the process's own (the walk up takes no step): "%proc.aname x"
                // prints "bashproc.aname x". The token's name is what the field took: "" (sysdig -j's key)
                boolean whole = n + 1 == f.length();
                tokens.add(new FieldToken(new OutputField.Catalogue(whole ? cat.name() : "", cat.ref().ancestor(0)), width));
                j = whole ? n : k - 1;
                continue;
            }
            if (field instanceof OutputField.Catalogue cat && cat.ref().field() == io.boxscope.trace.filter.Field.EVT_TYPE_IS
                    && n + 1 != f.length()) {
                // evt.type.is (sinsp_filter_check_event::extract_type): the event name is the whole rest of the
                // format, so unless the field ends the format it takes no characters (-j's key ""), prints <NA>,
                // and its name is printed as text
                tokens.add(new FieldToken(new OutputField.Catalogue("", cat.ref()), width));
                j = k - 1;
                continue;
            }
            tokens.add(new FieldToken(field, width));
            j = n; // n was decremented once past the match
        }
        if (!lit.isEmpty()) {
            tokens.add(new Literal(lit.toString()));
        }
        return new OutputFormat(format, requireAll, tokens);
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_';
    }

    /** sysdig.cpp's escape_output_format: {@code \n}, {@code \t}, {@code \e}, {@code \\}; any other backslash stays. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                switch (s.charAt(i + 1)) {
                    case 'n' -> { b.append('\n'); i++; }
                    case 't' -> { b.append('\t'); i++; }
                    case 'e' -> { b.append('\u001b'); i++; }
                    case '\\' -> { b.append('\\'); i++; }
                    default -> b.append('\\');
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The format as given. */
    public String text() {
        return text;
    }

    /** The fields the format names, in order. */
    public List<OutputField> fields() {
        List<OutputField> l = new ArrayList<>();
        for (Token t : tokens) {
            if (t instanceof FieldToken ft) {
                l.add(ft.field());
            }
        }
        return l;
    }

    /**
     * Whether a format's text holds an escape character once sysdig's escapes are read ({@code \e}): what sysdig.cpp
     * tests ({@code output_format.find("\e")}) to set reset_colors, before and whether or not the format parses.
     */
    public static boolean hasEscape(String format) {
        return unescape(format).indexOf('\u001b') >= 0;
    }

    /**
     * Whether the format's own text holds an escape character (ESC, from {@code \e}): sysdig then resets the
     * colours ({@code \e[00m}) at the end of the capture (sysdig.cpp: {@code reset_colors}), terminal or not.
     */
    public boolean colours() {
        for (Token t : tokens) {
            if (t instanceof Literal l && l.text().indexOf('\u001b') >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The event's line, or null when a field has no value and the format does not start with {@code *}. */
    public String line(EventView v) {
        return line(v, java.util.function.UnaryOperator.identity());
    }

    /**
     * The event's line with each field's value (after its width) passed through {@code value}, the format's own
     * text as it is: a caller escapes what the event brings (process names, paths) and keeps the colour codes the
     * format itself writes.
     */
    public String line(EventView v, java.util.function.UnaryOperator<String> value) {
        StringBuilder b = new StringBuilder(128);
        for (Token t : tokens) {
            switch (t) {
                case Literal l -> b.append(l.text());
                case FieldToken ft -> {
                    String s = v.text(ft.field());
                    if (s == null) {
                        if (requireAll) {
                            return null;
                        }
                        s = "<NA>";
                    }
                    if (ft.width() > 0) {
                        if (s.length() > ft.width()) {
                            s = s.substring(0, ft.width());
                        } else {
                            s = s + " ".repeat(ft.width() - s.length());
                        }
                    }
                    b.append(value.apply(s));
                }
            }
        }
        return b.toString();
    }

    /**
     * The event as sysdig's {@code -j} prints it: one object keyed by field name, keys sorted, numbers
     * unquoted, null for a missing field; null (no line) when a field is missing and the format does not
     * start with {@code *}. evt.outputtime is the raw timestamp in JSON whatever {@code -t} says, as in sysdig.
     */
    public Map<String, Object> json(EventView v) {
        Map<String, Object> o = new TreeMap<>();
        for (Token t : tokens) {
            if (!(t instanceof FieldToken ft)) {
                continue;
            }
            OutputField f = ft.field();
            Value val = v.value(f);
            if (val == null) {
                if (requireAll) {
                    return null;
                }
                o.put(f.name(), null);
                continue;
            }
            if (f instanceof OutputField.Catalogue c && c.ref().field() == io.boxscope.trace.filter.Field.FD_DEV) {
                o.put(f.name(), v.text(f)); // PF_HEX: sysdig -j writes the hexadecimal text, quoted
            } else if (f instanceof OutputField.Catalogue c && c.ref().field() == io.boxscope.trace.filter.Field.EVT_TIME) {
                o.put(f.name(), v.event().ts()); // a timestamp (ABSTIME): JSON has the number
            } else if (EventView.bool(f) && val instanceof Value.Bool b) {
                o.put(f.name(), b.value());
            } else if (EventView.numeric(f) && val instanceof Value.Num n) {
                o.put(f.name(), n.value());
            } else {
                o.put(f.name(), v.text(f));
            }
        }
        return o;
    }
}
