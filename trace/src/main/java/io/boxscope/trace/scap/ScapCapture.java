package io.boxscope.trace.scap;

import java.util.List;
import java.util.Optional;

/**
 * A whole capture file as read: its tables, its events up to the end or the first bad block, and that
 * block's error.
 *
 * @param tables         the header tables, or null when the header itself could not be read
 * @param events         the events read
 * @param skippedUnknown events skipped because their number is newer than the event table
 * @param error          why reading stopped early, or null
 */
public record ScapCapture(CaptureTables tables, List<ScapEvent> events, long skippedUnknown, ScapFormatException error) {
    public ScapCapture {
        events = List.copyOf(events);
    }

    public Optional<ScapFormatException> failure() {
        return Optional.ofNullable(error);
    }
}
