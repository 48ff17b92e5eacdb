package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;

/**
 * Only a filter that compares a container field makes the ring consumer's lookups wait for a container scan
 * ({@link LiveCapture#readsContainer}): before, any filter did ({@code -pc proc.name=x} waited for scans it never
 * asked for, and so did the display's lookups).
 */
class LiveCaptureFilterNamesTest {
    private static boolean reads(String filter) {
        return LiveCapture.readsContainer(Filter.compile(filter, ServiceNames.parse("http 80/tcp\n")).root());
    }

    @Test
    void onlyContainerFieldsWait() {
        assertFalse(reads("proc.name=x"));
        assertFalse(reads("evt.type=openat and not (fd.name contains /tmp or proc.pid=1)"));
        assertTrue(reads("container.name=web"));
        assertTrue(reads("proc.name=x and (evt.type=openat or not container.image contains nginx)"));
        assertTrue(reads("container.id exists"));
    }
}
