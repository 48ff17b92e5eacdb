package io.boxscope.mem.pmap;

/**
 * The pmap(1) options Boxscope reproduces. {@code low}/{@code high} are unsigned addresses
 * (-A LOW,HIGH; a single value means LOW=HIGH, as procps parses it).
 */
public record PmapOptions(Mode mode, boolean quiet, boolean showPath, long low, long high) {
    public static final long NO_HIGH = -1L; // 0xffffffffffffffff, unsigned

    /** Output layouts: plain maps, -x, -X, -XX. */
    public enum Mode {
        /** No flag: reads maps; address, size, mode, name. */
        MAPS,
        /** -x: reads smaps; adds RSS and Dirty. */
        EXTENDED,
        /** -d: reads maps; adds offset and device, and a mapped/writeable/shared summary. */
        DEVICE,
        /** -X: every smaps field but the page sizes, clean/dirty split, AnonHugePages and VmFlags. */
        MORE,
        /** -XX: everything the kernel prints, VmFlags included. */
        ALL
    }

    public static PmapOptions of(Mode mode) {
        return new PmapOptions(mode, false, false, 0, NO_HIGH);
    }

    /**
     * Parses an -A argument: {@code LOW}, {@code LOW,HIGH}, {@code LOW,} or {@code ,HIGH}, in hex.
     * Returns {low, high}; throws IllegalArgumentException as pmap's "failed to parse argument".
     */
    public static long[] parseRange(String arg) {
        String a;
        String b;
        int comma = arg.indexOf(',');
        if (comma < 0) {
            a = arg;
            b = arg;
        } else {
            a = arg.substring(0, comma);
            b = arg.substring(comma + 1);
        }
        long low = 0;
        long high = NO_HIGH;
        try {
            if (!a.isEmpty()) {
                low = Long.parseUnsignedLong(strip0x(a), 16);
            }
            if (!b.isEmpty()) {
                high = Long.parseUnsignedLong(strip0x(b), 16);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse argument: '" + arg + "'");
        }
        return new long[] {low, high};
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }
}
