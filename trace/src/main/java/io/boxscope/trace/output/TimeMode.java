package io.boxscope.trace.output;

/**
 * sysdig's {@code -t} time modes: how {@code evt.outputtime} (the second column of the default line) is
 * printed (sysdig.cpp, sinsp::set_time_output_mode; filterchecks.cpp TYPE_TIME with the output flag).
 */
public enum TimeMode {
    /** {@code h}: local time of day, {@code HH:MM:SS.nnnnnnnnn} (the default). */
    HUMAN('h'),
    /** {@code a}: seconds since the epoch, {@code S.nnnnnnnnn}. */
    ABSOLUTE('a'),
    /** {@code r}: since the first event, {@code S.nnnnnnnnn}. */
    RELATIVE('r'),
    /** {@code d}: an exit event's time since its enter event (its latency); 0 for others. */
    DELTA('d'),
    /** {@code D}: since the previous event. */
    DELTA_PREVIOUS('D');

    private final char letter;

    TimeMode(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    /** The mode for {@code -t}'s argument, or null for anything but h, a, r, d, D. */
    public static TimeMode of(String s) {
        for (TimeMode m : values()) {
            if (s.length() == 1 && s.charAt(0) == m.letter) {
                return m;
            }
        }
        return null;
    }
}
