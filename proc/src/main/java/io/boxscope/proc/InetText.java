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
     * inet_pton(3): the 4 bytes of a dotted IPv4 address or the 16 of an IPv6 one, in network byte order; null when
     * the text is neither (a text with a colon is read as IPv6).
     */
    public static byte[] parse(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /** inet_pton(AF_INET): four decimal parts 0-255, no leading zeros (glibc's inet_pton4). */
    public static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            for (int k = 0; k < p.length(); k++) {
                if (p.charAt(k) < '0' || p.charAt(k) > '9') {
                    return null;
                }
            }
            int n = Integer.parseInt(p);
            if (n > 255) {
                return null;
            }
            out[i] = (byte) n;
        }
        return out;
    }

    /** inet_pton(AF_INET6): hex groups, one "::", an optional trailing dotted IPv4. */
    public static byte[] parseIpv6(String s) {
        if (s.isEmpty()) {
            return null;
        }
        byte[] out = new byte[16];
        String head = s;
        String tail = null;
        int dbl = s.indexOf("::");
        if (dbl >= 0) {
            if (s.indexOf("::", dbl + 1) >= 0) {
                return null;
            }
            head = s.substring(0, dbl);
            tail = s.substring(dbl + 2);
        }
        java.util.List<Integer> h = groups(head, tail == null);
        java.util.List<Integer> t = tail == null ? java.util.List.of() : groups(tail, true);
        if (h == null || t == null) {
            return null;
        }
        int words = h.size() + t.size();
        if (tail == null ? words != 8 : words > 7) {
            return null;
        }
        int w = 0;
        for (int g : h) {
            out[2 * w] = (byte) (g >> 8);
            out[2 * w + 1] = (byte) g;
            w++;
        }
        w = 8 - t.size();
        for (int g : t) {
            out[2 * w] = (byte) (g >> 8);
            out[2 * w + 1] = (byte) g;
            w++;
        }
        return out;
    }

    /** 16-bit words of "a:b:c" (an IPv4 suffix allowed when last is true, as two words); "" is none. */
    private static java.util.List<Integer> groups(String part, boolean last) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        if (part.isEmpty()) {
            return out;
        }
        String[] g = part.split(":", -1);
        for (int i = 0; i < g.length; i++) {
            String x = g[i];
            if (last && i == g.length - 1 && x.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(x);
                if (v4 == null) {
                    return null;
                }
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (x.isEmpty() || x.length() > 4) {
                return null;
            }
            int n = 0;
            for (int k = 0; k < x.length(); k++) {
                int d = Character.digit(x.charAt(k), 16);
                if (d < 0 || x.charAt(k) > 'f') {
                    return null;
                }
                n = n * 16 + d;
            }
            out.add(n);
        }
        return out;
    }
}
