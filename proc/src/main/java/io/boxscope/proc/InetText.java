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
}
