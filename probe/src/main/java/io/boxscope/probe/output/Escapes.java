package io.boxscope.probe.output;


/** bpftrace 0.17's two escapers: {@code hex_format_buffer} (src/utils.cpp) and {@code JsonOutput::json_escape}. */
final class Escapes {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Escapes() {}

    /**
     * A {@code buf()} as text. {@code keepAscii}: printable ASCII (32..126) as itself;
     * {@code escapeHex}: other bytes as {@code \xNN}, else every byte as {@code NN} separated by
     * spaces ({@code %rh}).
     */
    static String buffer(byte[] bytes, boolean keepAscii, boolean escapeHex) {
        StringBuilder sb = new StringBuilder(bytes.length * 4);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (keepAscii && b >= 32 && b <= 126) {
                sb.append((char) b);
            } else if (escapeHex) {
                sb.append("\\x").append(HEX[b >> 4]).append(HEX[b & 15]);
            } else {
                sb.append(HEX[b >> 4]).append(HEX[b & 15]);
                if (i != bytes.length - 1) {
                    sb.append(' ');
                }
            }
        }
        return sb.toString();
    }

    /**
     * JSON string contents as bpftrace escapes them: {@code " \ \n \r \t} by name, other bytes
     * below 0x20 as <code>&#92;u00NN</code>, and — because {@code char} is signed there — every byte of
     * a multi-byte UTF-8 character as <code>&#92;uffffffNN</code> (so "é" becomes
     * <code>&#92;uffffffc3&#92;uffffffa9</code>). DEL (0x7f) is left raw.
     */
    static String json(String s) {
        byte[] bytes = io.boxscope.proc.RawText.encode(s); // a string's bytes that are not UTF-8 as they were
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte c : bytes) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0) {
                        sb.append("\\u").append(Integer.toHexString(c));
                    } else if (c <= 0x1f) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    } else {
                        sb.append((char) c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
