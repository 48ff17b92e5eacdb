package io.boxscope.trace.filter;

/**
 * The text of {@code boxscope trace -l} ({@code -lv} with types): sysdig 0.29's {@code -l} layout
 * (gen_event_filter_factory::filter_fieldclass_info::as_string): a dashed line, "Field Class:" and
 * "Description:" labels padded to column 30, then one line per field, name padded to column 30
 * (a longer name on a line of its own), descriptions word-wrapped so that the words after column 30
 * take at most 90 columns, each word followed by one space.
 */
public final class FieldListing {
    static final int RIGHT_BLOCK = 30;
    static final int WIDTH = 120;

    private FieldListing() {}

    public static String text(boolean verbose) {
        StringBuilder out = new StringBuilder();
        FieldClass current = null;
        for (Field f : Field.values()) {
            if (f.fieldClass() != current) {
                if (current != null) {
                    out.append('\n');
                }
                current = f.fieldClass();
                header(out, current);
            }
            if (f.fieldName().length() > RIGHT_BLOCK) {
                out.append(f.fieldName()).append('\n').append(" ".repeat(RIGHT_BLOCK));
            } else {
                pad(out, f.fieldName());
            }
            String desc = (f.filterOnly() ? "(FILTER ONLY) " : "") + f.description();
            if (verbose) {
                desc = "(Type: " + f.type().label() + ") " + desc;
            }
            wrap(out, desc);
            out.append('\n');
        }
        return out.append('\n').toString();
    }

    private static void header(StringBuilder out, FieldClass c) {
        out.append("-------------------------------\n");
        pad(out, "Field Class:");
        out.append(c.className());
        if (!c.shortDescription().isEmpty()) {
            out.append(" (").append(c.shortDescription()).append(')');
        }
        out.append('\n');
        pad(out, "Description:");
        wrap(out, c.description());
        out.append("\n\n");
    }

    private static void pad(StringBuilder out, String s) {
        out.append(s).append(" ".repeat(Math.max(0, RIGHT_BLOCK - s.length())));
    }

    /** {@code text} word-wrapped as sysdig's wrapstring() does, continuation lines indented to column 30. */
    static String wrapped(String text) {
        StringBuilder sb = new StringBuilder();
        wrap(sb, text);
        return sb.toString();
    }

    private static void wrap(StringBuilder out, String text) {
        int len = 0;
        for (String word : text.trim().split("\\s+")) {
            int wordLen = word.length() + 1;
            if (len + wordLen <= WIDTH - RIGHT_BLOCK) {
                len += wordLen;
            } else {
                out.append('\n').append(" ".repeat(RIGHT_BLOCK));
                len = wordLen;
            }
            out.append(word).append(' ');
        }
    }
}
