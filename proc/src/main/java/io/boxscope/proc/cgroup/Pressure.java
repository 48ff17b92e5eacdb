package io.boxscope.proc.cgroup;

import io.boxscope.proc.ProcParseException;

/**
 * Pressure stall information (PSI) for one resource, from {@code /proc/pressure/{cpu,memory,io}} or
 * a cgroup v2 directory's {@code cpu.pressure}, {@code memory.pressure}, {@code io.pressure}
 * (Documentation/accounting/psi.rst). "some" is the share of time at least one task was stalled on
 * the resource, "full" the share in which all non-idle tasks were; the totals are cumulative
 * microseconds, so a window's stall share is the difference of two totals over its length.
 * {@code full} is all zeros where the kernel does not report it (system-wide cpu before 5.13).
 */
public record Pressure(Line some, Line full) {
    public static final Pressure NONE = new Pressure(Line.ZERO, Line.ZERO);

    /** One line of a pressure file: the kernel's running averages (percent) and the total (us). */
    public record Line(double avg10, double avg60, double avg300, long totalUs) {
        public static final Line ZERO = new Line(0, 0, 0, 0);
    }

    /** Parses the text of a pressure file; {@code file} names it in errors. */
    public static Pressure parse(String file, String text) {
        Line some = null;
        Line full = Line.ZERO;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            Line parsed = line(file, f);
            switch (f[0]) {
                case "some" -> some = parsed;
                case "full" -> full = parsed;
                default -> throw new ProcParseException(file, "unexpected line: '" + line + "'");
            }
        }
        if (some == null) {
            throw new ProcParseException(file, "no 'some' line");
        }
        return new Pressure(some, full);
    }

    private static Line line(String file, String[] f) {
        double a10 = Double.NaN;
        double a60 = Double.NaN;
        double a300 = Double.NaN;
        long total = -1;
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq < 0) {
                throw new ProcParseException(file, "expected key=value, found '" + f[i] + "'");
            }
            String k = f[i].substring(0, eq);
            String v = f[i].substring(eq + 1);
            try {
                switch (k) {
                    case "avg10" -> a10 = Double.parseDouble(v);
                    case "avg60" -> a60 = Double.parseDouble(v);
                    case "avg300" -> a300 = Double.parseDouble(v);
                    case "total" -> total = Long.parseLong(v);
                    default -> { /* newer kernels may add keys: ignore them */ }
                }
            } catch (NumberFormatException e) {
                throw new ProcParseException(file, k + " is not a number: '" + v + "'");
            }
        }
        if (total < 0 || Double.isNaN(a10) || Double.isNaN(a60) || Double.isNaN(a300)) {
            throw new ProcParseException(file, "a line lacks avg10, avg60, avg300 or total: '" + String.join(" ", f) + "'");
        }
        return new Line(a10, a60, a300, total);
    }
}
