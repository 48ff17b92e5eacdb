package io.boxscope.mem;

import java.util.Locale;

/** Human units for explanations: binary, one decimal (51.0 MiB), as docker stats and free -h print. */
public final class Units {
    private Units() {}

    public static String bytes(long b) {
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = Math.abs((double) b);
        int i = 0;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        String sign = b < 0 ? "-" : "";
        return i == 0 ? sign + (long) v + " B" : String.format(Locale.ROOT, "%s%.1f %s", sign, v, u[i]);
    }

    public static String kb(long kb) {
        return bytes(kb * 1024);
    }

    /** smem -k's style: 184.0K, 76.8M, 1.2G (the input is kB). Formatted by hand: thousands of rows. */
    public static String smem(long kb) {
        if (kb == 0) {
            return "0";
        }
        double x = kb * 1024.0;
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (x >= 1024 && u < units.length - 1) {
            x /= 1024.0;
            u++;
        }
        long tenths = Math.round(x * 10);
        return (tenths / 10) + "." + (tenths % 10) + units[u];
    }
}
