package io.boxscope.probe.lang.diag;

import java.util.List;

/**
 * Renders diagnostics as compilers do: {@code FILE:LINE:COL: error: message}, the source line, then a
 * caret under the first character and tildes under the rest of the span (bpftrace prints tildes the
 * same way). Control characters in the echoed line are shown as {@code ?} so a hostile program cannot
 * drive the terminal; tabs are kept so the caret lines up.
 */
public final class DiagnosticRenderer {
    private DiagnosticRenderer() {}

    public static String render(SourceText src, List<Diagnostic> diagnostics) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            render(src, d, sb);
        }
        return sb.toString();
    }

    public static String render(SourceText src, Diagnostic d) {
        StringBuilder sb = new StringBuilder();
        render(src, d, sb);
        return sb.toString();
    }

    private static void render(SourceText src, Diagnostic d, StringBuilder sb) {
        int line = src.line(d.span().start());
        int col = src.column(d.span().start());
        sb.append(clean(src.name())).append(':').append(line).append(':').append(col).append(": ")
                .append(d.severity().label()).append(": ").append(clean(d.message())).append('\n');
        String text = src.lineText(line);
        sb.append(clean(text)).append('\n');
        StringBuilder marks = new StringBuilder();
        int from = col - 1;
        for (int i = 0; i < from && i < text.length(); i++) {
            marks.append(text.charAt(i) == '\t' ? '\t' : ' ');
        }
        int endOnLine = src.line(d.span().end()) == line ? src.column(d.span().end()) - 1 : text.length();
        int width = Math.max(1, endOnLine - from);
        marks.append('^');
        for (int i = 1; i < width; i++) {
            marks.append('~');
        }
        sb.append(marks).append('\n');
        for (String h : d.hints()) {
            sb.append("hint: ").append(clean(h)).append('\n');
        }
    }

    /** Control characters (except tab) as {@code ?}, one character each so columns stay aligned. */
    static String clean(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029');
            shown.append(bad ? '?' : c);
        }
        return shown.toString();
    }
}
