package io.boxscope.probe.lang.diag;

import java.util.Arrays;

/**
 * A program's text and the name diagnostics call it by: {@code stdin} for {@code -e} (as bpftrace
 * prints it) or the file's path. Lines and columns are 1-based; columns count characters.
 */
public final class SourceText {
    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceText(String name, String text) {
        this.name = name;
        this.text = text;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** 1-based line of an offset (an offset past the end is on the last line). */
    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, Math.min(offset, text.length()));
        return (i >= 0 ? i : -i - 2) + 1;
    }

    /** 1-based column of an offset. */
    public int column(int offset) {
        return Math.min(offset, text.length()) - lineStarts[line(offset) - 1] + 1;
    }

    /** The text of a 1-based line, without its newline. */
    public String lineText(int line) {
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(start, Math.max(start, end));
    }

    public int lineCount() {
        return lineStarts.length;
    }
}
