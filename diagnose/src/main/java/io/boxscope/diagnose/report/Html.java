package io.boxscope.diagnose.report;

/**
 * HTML escaping for text and attribute values (the HTML standard's "escaping a string"):
 * {@code & < > " '} become character references, and control characters other than tab and newline
 * (which HTML forbids or a terminal could act on if the file is printed) and the Unicode bidi controls (embeddings,
 * overrides, isolates, and the marks U+200E, U+200F, U+061C, as cli's Text.safe: UAX #9) become U+FFFD; so does a
 * lone surrogate, a byte that was not UTF-8 kept by proc's RawText (a comm cut by the kernel inside a character): no
 * UTF-8 writer can write one, and the report file's failed with "Input length = 1" (session 36). Every
 * string in a report that came from the system — process names, container names, paths,
 * arguments, file contents — goes through {@link #text}.
 */
public final class Html {
    private Html() {}

    public static String text(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i)); // a character beyond U+FFFF, whole
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                            || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                            || c == '\u200f' || c == '\u061c') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
