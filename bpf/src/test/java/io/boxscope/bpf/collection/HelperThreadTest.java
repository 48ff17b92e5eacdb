package io.boxscope.bpf.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.CollectionTest;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.testkit.KernelTest;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link BpfCollection#load}'s helper thread: one that cannot start (a process at its thread limit) leaves the load
 * to the calling thread, and an {@link Error} thrown on the way closes the maps already created.
 */
@KernelTest
class HelperThreadTest {
    private static CollectionSpec spec() {
        List<ProgramSpec> programs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            programs.add(ProgramSpec.of("p" + i, ProgramType.TRACEPOINT, new Asm().movImm(Reg.R0, 0).exit()));
        }
        return new CollectionSpec(List.of(MapSpec.of("unused", MapType.ARRAY, 4, 8, 1)), programs);
    }

    @Test
    void aHelperThatCannotStartLeavesEveryLoadToTheCallingThread() throws Exception {
        long fdsBefore = CollectionTest.openFds();
        ThreadFactory atTheLimit = r -> new Thread(r) {
            @Override
            public synchronized void start() {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
        };
        try (BpfCollection c = BpfCollection.load(spec(), atTheLimit)) {
            assertEquals(List.of("p0", "p1", "p2"), List.copyOf(c.programs().keySet()));
            for (Program p : c.programs().values()) {
                assertTrue(p.fd() > 0 && !p.isClosed(), p.name());
            }
        }
        assertEquals(fdsBefore, CollectionTest.openFds(), "every program and map closed");
    }

    @Test
    void anErrorClosesTheMapsAlreadyCreated() throws Exception {
        long fdsBefore = CollectionTest.openFds();
        ThreadFactory broken = r -> {
            throw new InternalError("no thread for you");
        };
        InternalError e = assertThrows(InternalError.class, () -> BpfCollection.load(spec(), broken));
        assertEquals("no thread for you", e.getMessage());
        assertEquals(fdsBefore, CollectionTest.openFds(), "the map created before the error was closed");
    }
}
