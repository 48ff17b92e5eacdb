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

    /** smem -k's style: 184.0K, 76.8M, 1.2G (the input is kB). */
    public static String smem(long kb) {
        if (kb == 0) {
            return "0";
        }
        double x = kb * 1024.0;
        String s = "";
        for (String unit : new String[] {"", "K", "M", "G", "T"}) {
            s = unit;
            if (x < 1024) {
                break;
            }
            x /= 1024.0;
        }
        return String.format(Locale.ROOT, "%.1f%s", x, s);
    }
}
