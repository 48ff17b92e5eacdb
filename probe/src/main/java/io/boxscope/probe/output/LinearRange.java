package io.boxscope.probe.output;

/** The {@code min, max, step} of an {@code lhist()} map, as given in the program. */
public record LinearRange(int min, int max, int step) {
    public LinearRange {
        if (step <= 0 || max <= min) {
            throw new IllegalArgumentException("lhist needs min < max and step > 0, got " + min + ", " + max + ", " + step);
        }
    }

    /** Buckets between min and max, without the two outer ones (bpftrace: {@code (max - min) / step}). */
    public int inner() {
        return (max - min) / step;
    }
}
