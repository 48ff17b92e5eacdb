package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.cgroup.CgroupMembership;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every runtime's cgroup layout, v1 and v2, cgroupfs and systemd drivers: whole /proc/PID/cgroup
 * files under src/test/resources/cgroup, with the expected answer in expected.tsv.
 */
class ContainerRecognizerTest {
    @TestFactory
    List<DynamicTest> fixtures() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Fixtures.text("cgroup/expected.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            tests.add(DynamicTest.dynamicTest(f[0], () -> {
                CgroupMembership m = CgroupMembership.parse(Fixtures.text("cgroup/" + f[0]));
                ContainerRef ref = ContainerRecognizer.recognize(m.identifyingPath());
                assertEquals(Runtime.valueOf(f[1]), ref.runtime(), f[0]);
                assertEquals(f[2], ref.id(), f[0]);
                assertEquals(f[3], ref.pod().map(Pod::uid).orElse("-"), f[0]);
                assertEquals(f[4], ref.pod().map(p -> p.qos().name()).orElse("-"), f[0]);
            }));
        }
        assertTrue(tests.size() >= 25);
        return tests;
    }

    @Test
    void shortIdIsTwelveHexDigits() {
        ContainerRef r = ContainerRecognizer.recognize("/docker/f6e7ee405536f7536ce4535175e2a080393328d49c0af181166ea8dfcdc61ec3");
        assertEquals("f6e7ee405536", r.shortId());
        assertEquals("web1", ContainerRecognizer.recognize("/lxc.payload.web1").shortId());
    }

    @Test
    void hostileAndNearMissPaths() {
        assertTrue(ContainerRecognizer.recognize("").isHost());
        assertTrue(ContainerRecognizer.recognize("/").isHost());
        assertTrue(ContainerRecognizer.recognize("/docker").isHost());
        assertTrue(ContainerRecognizer.recognize("/docker/notanid").isHost());
        assertTrue(ContainerRecognizer.recognize("/docker/" + "A".repeat(64)).isHost(), "ids are lower-case hex");
        assertTrue(ContainerRecognizer.recognize("/system.slice/docker-" + "a".repeat(63) + ".scope").isHost());
        assertTrue(ContainerRecognizer.recognize("/" + "x/".repeat(30000)).isHost());
    }

    /**
     * The segments no pattern can match are passed over without their regular expressions (issue 15), but an LXC
     * container's short name is still recognised by the segment before it, and a container below host segments still
     * found; {@code mayMatch} lets through every segment a pattern needs.
     */
    @Test
    void shortSegmentsStillRecogniseLxcNamesAndNestedContainers() {
        assertEquals(new ContainerRef(Runtime.LXC, "db", java.util.Optional.empty()), ContainerRecognizer.recognize("/lxc/db"));
        assertEquals(new ContainerRef(Runtime.LXC, "db", java.util.Optional.empty()),
                ContainerRecognizer.recognize("/lxc.payload/db/init.scope"));
        String id = "f6e7ee405536f7536ce4535175e2a080393328d49c0af181166ea8dfcdc61ec3";
        assertEquals(new ContainerRef(Runtime.DOCKER, id, java.util.Optional.empty()),
                ContainerRecognizer.recognize("/user.slice/user-0.slice/session-1.scope/docker/" + id));
        assertTrue(ContainerRecognizer.recognize("/user.slice/user-0.slice/session-1.scope").isHost());
        assertTrue(ContainerRecognizer.mayMatch(id));
        assertTrue(ContainerRecognizer.mayMatch("pod" + "0".repeat(8) + "-0000-0000-0000-" + "0".repeat(12)));
        assertTrue(ContainerRecognizer.mayMatch("kubepods-burstable-pod" + "0".repeat(8) + "_0000_0000_0000_" + "0".repeat(12) + ".slice"));
        assertTrue(ContainerRecognizer.mayMatch("lxc.payload.web1"));
        assertTrue(!ContainerRecognizer.mayMatch("system.slice") && !ContainerRecognizer.mayMatch("docker-abc.scope"));
    }
}
