package io.boxscope.probe.output;

import java.util.Locale;

/** Messages that are plain text in text mode and {@code {"type": NAME, "data": "..."}} in JSON. */
public enum MessageType {
    PRINTF,
    TIME,
    CAT,
    JOIN,
    SYSCALL;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
