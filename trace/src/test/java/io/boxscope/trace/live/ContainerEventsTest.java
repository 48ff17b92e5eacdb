package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.boxscope.proc.container.ContainerRef;
import org.junit.jupiter.api.Test;

/**
 * A container the runtimes have not named yet (ContainerNames answers null within a second of its last scan, or
 * before the runtime registered the container) is asked again at the next event of its threads, not remembered as
 * decided: otherwise a container started during a {@code -w} capture keeps {@code container.name <NA>} in
 * {@code sysdig -r} for as long as its cgroups list holds its cache slot. The host is decided once.
 */
class ContainerEventsTest {
    private static List<String> docker(char c) {
        // a new list object each time, as ThreadRules makes for each thread
        return new ArrayList<>(List.of("cpu=/system.slice/docker-" + String.valueOf(c).repeat(64) + ".scope"));
    }

    @Test
    void anUnnamedContainerIsAskedAgainAtEachEvent() {
        AtomicInteger calls = new AtomicInteger();
        ContainerEvents events = new ContainerEvents(ref -> {
            calls.incrementAndGet();
            return null;
        }, null);
        List<String> a = docker('a');
        List<String> b = docker('b');
        for (List<String> l : List.of(a, b, a, b, a)) {
            events.see(l);
        }
        assertEquals(5, calls.get(), "each event of an undecided container asks the names again");
    }

    @Test
    void theHostIsDecidedOnce() {
        List<ContainerRef> asked = new ArrayList<>();
        ContainerEvents events = new ContainerEvents(ref -> {
            asked.add(ref);
            return null;
        }, null);
        List<String> host = new ArrayList<>(List.of("cpu=/user.slice/user-0.slice/session-1.scope"));
        for (int i = 0; i < 3; i++) {
            events.see(host);
        }
        assertEquals(List.of(), asked, "the host is never asked for a name");
    }
}
