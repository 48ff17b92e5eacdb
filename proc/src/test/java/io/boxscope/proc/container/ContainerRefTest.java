package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ContainerRef's equals and hashCode are written out (the record's generated ones spin classes at run time:
 * docs/benchmarks.md): equal exactly when runtime, id and pod are, as the record's were.
 */
class ContainerRefTest {
    @Test
    void equalExactlyWhenEveryComponentIs() {
        String id = "a".repeat(64);
        Pod pod = new Pod("uid-1", Pod.QosClass.BURSTABLE);
        ContainerRef a = new ContainerRef(Runtime.CONTAINERD, id, Optional.of(pod));
        ContainerRef same = new ContainerRef(Runtime.CONTAINERD, new String(id), Optional.of(new Pod("uid-1", Pod.QosClass.BURSTABLE)));
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        List<ContainerRef> others = List.of(
                new ContainerRef(Runtime.DOCKER, id, Optional.of(pod)),
                new ContainerRef(Runtime.CONTAINERD, "b".repeat(64), Optional.of(pod)),
                new ContainerRef(Runtime.CONTAINERD, id, Optional.empty()),
                new ContainerRef(Runtime.CONTAINERD, id, Optional.of(new Pod("uid-1", Pod.QosClass.GUARANTEED))),
                ContainerRef.HOST);
        for (ContainerRef o : others) {
            assertNotEquals(a, o, o.toString());
        }
        Set<ContainerRef> set = new HashSet<>(others);
        set.add(a);
        set.add(same);
        assertEquals(others.size() + 1, set.size());
    }
}
