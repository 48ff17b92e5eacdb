package io.boxscope.probe.output;

/**
 * {@code hist()} and {@code lhist()} bodies, text and JSON, as bpftrace 0.17's
 * {@code TextOutput/JsonOutput::hist_to_str} and {@code lhist_to_str} (src/output.cpp) write
 * them, C integer quirks included: counts are narrowed to {@code int} to find the used range and
 * the largest bucket, the bar is {@code (float) count / max * 52} truncated, labels are computed
 * in {@code int} (so the JSON bounds of the buckets from 2^31 up wrap), lhist ignores div.
 */
final class HistFormat {
    private static final int BAR = 52;

    private HistFormat() {}

    private static long at(long[] b, int i) {
        return i < b.length ? b[i] : 0;
    }

    /** [first used, last used, largest] as ints, or first = -1 when every bucket is zero. */
    private static int[] prepare(long[] b, int n) {
        int min = -1;
        int max = -1;
        int top = 0;
        for (int i = 0; i < n; i++) {
            int v = (int) at(b, i);
            if (v > 0) {
                if (min == -1) {
                    min = i;
                }
                max = i;
            }
            if (v > top) {
                top = v;
            }
        }
        return new int[] {min, max, top};
    }

    private static void line(StringBuilder sb, String header, String count, long value, int top) {
        int width = (int) (unsignedToFloat(value) / (float) top * BAR);
        sb.append(header);
        pad(sb, 16 - header.length());
        pad(sb, 8 - count.length());
        sb.append(count).append(" |").append("@".repeat(Math.max(width, 0)));
        pad(sb, BAR - Math.max(width, 0));
        sb.append("|\n");
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? (float) v : (float) (v >>> 1) * 2f;
    }

    private static void pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
    }

    static String histText(long[] b, long div) {
        int[] p = prepare(b, Buckets.HIST_BUCKETS);
        if (p[1] == -1) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = p[0]; i <= p[1]; i++) {
            String header = switch (i) {
                case 0 -> "(..., 0)";
                case 1 -> "[0]";
                case 2 -> "[1]";
                default -> "[" + powerLabel(i - 2) + ", " + powerLabel(i - 1) + ")";
            };
            line(sb, header, Long.toUnsignedString(Long.divideUnsigned(at(b, i), div)), at(b, i), p[2]);
        }
        return sb.toString();
    }

    /** {@code 2^power} with K, M, G, T suffixes: {@code [1K, 2K)}. */
    static String powerLabel(int power) {
        String suffix = "";
        if (power >= 40) {
            suffix = "T";
            power -= 40;
        } else if (power >= 30) {
            suffix = "G";
            power -= 30;
        } else if (power >= 20) {
            suffix = "M";
            power -= 20;
        } else if (power >= 10) {
            suffix = "K";
            power -= 10;
        }
        return (1 << power) + suffix;
    }

    static String histJson(long[] b, long div) {
        int[] p = prepare(b, Buckets.HIST_BUCKETS);
        if (p[1] == -1) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = p[0]; i <= p[1]; i++) {
            if (i > p[0]) {
                sb.append(", ");
            }
            sb.append('{');
            switch (i) {
                case 0 -> sb.append("\"max\": -1, ");
                case 1 -> sb.append("\"min\": 0, \"max\": 0, ");
                case 2 -> sb.append("\"min\": 1, \"max\": 1, ");
                default -> {
                    // int shifts, as in C on x86-64: the count is taken modulo 32
                    long low = 1 << (i - 2);
                    long high = (1 << (i - 1)) - 1;
                    sb.append("\"min\": ").append(low).append(", \"max\": ").append(high).append(", ");
                }
            }
            sb.append("\"count\": ").append(Long.toUnsignedString(Long.divideUnsigned(at(b, i), div))).append('}');
        }
        return sb.append(']').toString();
    }

    /** lhist's used range: [first, last] with a nonzero count, over all inner + 2 buckets. */
    private static int[] lhistRange(long[] b, LinearRange r) {
        int[] p = prepare(b, b.length);
        int maxIndex = -1;
        for (int i = 0; i < b.length; i++) {
            if ((int) b[i] != 0) {
                maxIndex = i;
            }
        }
        if (maxIndex == -1) {
            return null;
        }
        int start = -1;
        int end = 0;
        for (int i = 0; i <= r.inner() + 1; i++) {
            if (Long.compareUnsigned(at(b, i), 0) > 0) {
                if (start == -1) {
                    start = i;
                }
                end = i;
            }
        }
        return new int[] {Math.max(start, 0), end, p[2]};
    }

    /** lhist labels: 0, else whole multiples of 1M or 1K with a suffix ({@code [2K, 3K)}). */
    static String linearLabel(int n) {
        if (n == 0) {
            return "0";
        }
        if (n % 1048576 == 0) {
            return n / 1048576 + "M";
        }
        if (n % 1024 == 0) {
            return n / 1024 + "K";
        }
        return Integer.toString(n);
    }

    static String lhistText(long[] b, LinearRange r) {
        int[] p = lhistRange(b, r);
        if (p == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = p[0]; i <= p[1]; i++) {
            String header;
            if (i == 0) {
                header = "(..., " + linearLabel(r.min()) + ")";
            } else if (i == r.inner() + 1) {
                header = "[" + linearLabel(r.max()) + ", ...)";
            } else {
                header = "[" + linearLabel((i - 1) * r.step() + r.min()) + ", " + linearLabel(i * r.step() + r.min()) + ")";
            }
            line(sb, header, Long.toUnsignedString(at(b, i)), at(b, i), p[2]);
        }
        return sb.toString();
    }

    static String lhistJson(long[] b, LinearRange r) {
        int[] p = lhistRange(b, r);
        if (p == null) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = p[0]; i <= p[1]; i++) {
            if (i > p[0]) {
                sb.append(", ");
            }
            sb.append('{');
            if (i == 0) {
                sb.append("\"max\": ").append(r.min() - 1).append(", ");
            } else if (i == r.inner() + 1) {
                sb.append("\"min\": ").append(r.max()).append(", ");
            } else {
                long low = (i - 1) * r.step() + r.min();
                long high = i * r.step() + r.min() - 1;
                sb.append("\"min\": ").append(low).append(", \"max\": ").append(high).append(", ");
            }
            sb.append("\"count\": ").append(Long.toUnsignedString(at(b, i))).append('}');
        }
        return sb.append(']').toString();
    }
}
