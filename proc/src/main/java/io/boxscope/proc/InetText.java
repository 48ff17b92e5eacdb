package io.boxscope.proc;

/** Text forms of network addresses as inet_ntop(3) writes them (used by trace's formatter and probe's ntop()). */
public final class InetText {
    private InetText() {}

    /**
     * inet_ntop(3)'s IPv6 text of 16 bytes: lowercase groups without leading zeros, the longest run of 2+
     * zero groups as {@code ::}, and an IPv4-mapped or -compatible address with its last 32 bits dotted
     * ({@code ::ffff:127.0.0.1}), as glibc's inet_ntop6 writes it.
     */
    public static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        boolean mapped = bestStart == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            if (mapped && i == 6) {
                b.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff).append('.').append(a[15] & 0xff);
                break;
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    /** inet_ntop(3)'s IPv4 text of the 4 bytes at {@code off}. */
    public static String ipv4(byte[] a, int off) {
        return (a[off] & 0xff) + "." + (a[off + 1] & 0xff) + "." + (a[off + 2] & 0xff) + "." + (a[off + 3] & 0xff);
    }

    /**
     * inet_pton(3): the 4 bytes of a dotted IPv4 address or the 16 of an IPv6 one (with {@code ::} and a dotted
     * IPv4 tail), in network byte order; null when the text is neither (glibc's rules: decimal parts 0-255
     * without leading zeros, hex groups of 1-4 digits, one {@code ::}).
     */
    public static byte[] parse(String text) {
        if (text.contains(":")) {
            return ipv6Bytes(text);
        }
        return ipv4Bytes(text);
    }

    private static byte[] ipv4Bytes(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6Bytes(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        java.util.List<Integer> head = groups(gap >= 0 ? text.substring(0, gap) : text);
        java.util.List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2)) : java.util.List.of();
        if (head == null || tail == null) {
            return null;
        }
        int n = head.size() + tail.size();
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        int[] g = new int[8];
        for (int i = 0; i < head.size(); i++) {
            g[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            g[8 - tail.size() + i] = tail.get(i);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (g[i] >> 8);
            out[2 * i + 1] = (byte) g[i];
        }
        return out;
    }

    /** Colon-separated hex groups (the last may be a dotted IPv4 address, two groups); null when malformed. */
    private static java.util.List<Integer> groups(String s) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.contains(".")) {
                byte[] v4 = ipv4Bytes(p);
                if (v4 == null) {
                    return null;
                }
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return null;
            }
            out.add(Integer.parseInt(p, 16));
        }
        return out;
    }
}
