package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A CPU-bound verdict names the containers and host processes that ran on the target's CPUs. */
class CompetitionTest {
    static Verdict verdict(Verdict.Kind kind) {
        return new Verdict(kind, Verdict.Confidence.HIGH, "s", List.of("e1"), List.of(), List.of(), List.of());
    }

    static final Neighbours AROUND = new Neighbours(1.9, 2, 0.3, List.of(
            new Neighbours.Neighbour("batch", "a".repeat(64), 1.2, true),
            new Neighbours.Neighbour("pinned-elsewhere", "b".repeat(64), 0.9, false),
            new Neighbours.Neighbour("idle", "c".repeat(64), 0.01, true)), 3, List.of());

    @Test
    void cpuBoundNamesWhatSharedItsCpus() {
        Verdict v = Diagnose.withCompetition(verdict(Verdict.Kind.CPU_BOUND), AROUND);
        assertEquals(List.of("e1", "the host's 2 CPUs were 95% busy; on the target's CPUs also ran: container batch 1.20 CPUs, "
                + "processes outside containers 0.30 CPUs"), v.evidence());
        assertEquals(Verdict.Kind.CPU_BOUND, v.kind());
    }

    @Test
    void otherVerdictsAndQuietHostsAreLeftAlone() {
        Verdict io = verdict(Verdict.Kind.IO_BOUND);
        assertSame(io, Diagnose.withCompetition(io, AROUND));
        Verdict cpu = verdict(Verdict.Kind.CPU_BOUND);
        Neighbours quiet = new Neighbours(0.5, 2, 0.05, List.of(new Neighbours.Neighbour("idle", "c".repeat(64), 0.01, true)), 1, List.of());
        assertSame(cpu, Diagnose.withCompetition(cpu, quiet));
        assertSame(cpu, Diagnose.withCompetition(cpu, Neighbours.NONE));
    }
}
