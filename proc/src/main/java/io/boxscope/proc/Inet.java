package io.boxscope.proc;

/**
 * inet_ntop(3) in Java: {@link java.net.InetAddress#getHostAddress} writes IPv6 without the
 * {@code ::} compression and IPv4-mapped addresses as IPv4, which is not what the C tools print.
 */
public final class Inet {
    private Inet() {}

    /**
     * 4 bytes as dotted decimal; 16 bytes as RFC 5952 text (lowercase, no leading zeros, the longest
     * run of two or more zero groups, the first of equals, as {@code ::}), with the last 32 bits
     * dotted for IPv4-mapped ({@code ::ffff:1.2.3.4}) and IPv4-compatible addresses, as glibc does.
     */
    public static String ntop(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        if (a.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + a.length);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int start = -1, len = 0;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i >= 2 && j - i > len) {
                start = i;
                len = j - i;
            }
            i = Math.max(i, j);
        }
        boolean dotted = start == 0 && (len == 6 && g[6] != 0 || len == 5 && g[5] == 0xffff);
        StringBuilder sb = new StringBuilder();
        int end = dotted ? 6 : 8;
        for (int i = 0; i < end; i++) {
            if (i == start) {
                sb.append("::");
                i += len - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        if (dotted) {
            if (sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff).append('.').append(a[15] & 0xff);
        }
        return sb.toString();
    }
}
