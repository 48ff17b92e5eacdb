package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.collection.CollectionSpec;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** Collections: maps by name in the instructions, resolved at load; everything closed, in reverse, also on failure. */
@KernelTest
public class CollectionTest {
    /** Counts openat calls of thread {@code tid} with Counting's magic mode in map "count" (by name). */
    static Asm countOpenat(int tid) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.ldx(Size.DW, Reg.R1, Reg.R1, 40).jmp(JmpOp.JNE, Reg.R1, Counting.MAGIC_MODE, out)
                .call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                .st(Size.W, Reg.R10, -4, 0).ldMap(Reg.R1, "count").mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .movImm(Reg.R1, 1).atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .bind(out).movImm(Reg.R0, 0).exit();
        return a;
    }

    /**
     * This process's BPF descriptors (links to "anon_inode:bpf-map", "bpf-prog", "bpf_link"): other descriptors
     * come and go with the JVM's own work, so they are not counted.
     */
    public static long openFds() throws Exception {
        long n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("anon_inode:bpf")) {
                        n++;
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing (the listing's own descriptor, or the JVM's)
                }
            }
        }
        return n;
    }

    @Test
    void mapsAreReferencedByNameAndResolvedAtLoad() throws Exception {
        long fdsBefore = openFds();
        ProgramSpec prog = ProgramSpec.of("count_openat", ProgramType.TRACEPOINT, countOpenat(Sys.gettid()));
        assertEquals(1, prog.mapRefs().size());
        Insn load = prog.insns().get(prog.mapRefs().get(0).insn());
        assertEquals(Insn.PSEUDO_MAP_FD, load.src());
        assertEquals(0, load.imm(), "no descriptor in the spec's instructions");
        BpfCollection c = BpfCollection.load(new CollectionSpec(List.of(MapSpec.of("count", MapType.ARRAY, 4, 8, 1),
                MapSpec.of("unused", MapType.HASH, 4, 8, 4)), List.of(prog)));
        try (c) {
            Link l = c.attach("count_openat", p -> Attach.tracepoint(p, "syscalls", "sys_enter_openat"));
            Counting.openatMissing(17);
            assertEquals(17, Counting.read(c.map("count")), l.description());
            assertEquals(List.of("count", "unused"), List.copyOf(c.maps().keySet()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.map("cuont"));
            assertTrue(e.getMessage().contains("count, unused"), e.getMessage());
        }
        assertTrue(c.isClosed());
        assertTrue(c.links().get(0).isClosed());
        assertTrue(c.programs().get("count_openat").isClosed());
        assertTrue(c.maps().values().stream().allMatch(BpfMap::isClosed));
        assertThrows(IllegalStateException.class, () -> c.map("count"));
        assertEquals(fdsBefore, openFds(), "every BPF descriptor of the collection is closed");
    }

    @Test
    void anUnknownMapNameFailsBeforeAnythingIsCreated() {
        ProgramSpec prog = ProgramSpec.of("count_openat", ProgramType.TRACEPOINT, countOpenat(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CollectionSpec(List.of(MapSpec.of("counts", MapType.ARRAY, 4, 8, 1)), List.of(prog)));
        assertTrue(e.getMessage().contains("'count'") && e.getMessage().contains("counts"), e.getMessage());
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> Program.load(prog));
        assertTrue(direct.getMessage().contains("BpfCollection"), direct.getMessage());
    }

    @Test
    void aFailedLoadClosesWhatItCreated() throws Exception {
        long fdsBefore = openFds();
        Asm bad = new Asm();
        bad.ldMap(Reg.R1, "count").mov(Reg.R0, Reg.R3).exit(); // reads R3, never written: rejected
        CollectionSpec spec = new CollectionSpec(List.of(MapSpec.of("count", MapType.ARRAY, 4, 8, 1)),
                List.of(ProgramSpec.of("good", ProgramType.TRACEPOINT, countOpenat(1)),
                        ProgramSpec.of("bad", ProgramType.TRACEPOINT, bad)));
        assertThrows(VerifierException.class, () -> BpfCollection.load(spec));
        assertEquals(fdsBefore, openFds(), "the map and the first program were closed");
        try (BpfMap probe = BpfMap.create(MapSpec.of("fd_probe", MapType.ARRAY, 4, 8, 1))) {
            assertEquals(fdsBefore + 1, openFds(), "the oracle sees a BPF map descriptor");
        }
    }

    /**
     * Programs load on two threads (BpfCollection.load): every program is there, in spec order, and when several are
     * rejected the exception is the first rejected one's in spec order, with the log of its own load: the same
     * message as loading that program alone. Repeated, since which thread takes which program varies.
     */
    @Test
    void programsLoadedInParallelFailAsASequentialLoadWould() throws Exception {
        long fdsBefore = openFds();
        Asm readsR3 = new Asm();
        readsR3.mov(Reg.R0, Reg.R3).exit(); // R3 never written (no map: a map's id would differ between two logs)
        Asm readsR4 = new Asm();
        readsR4.mov(Reg.R0, Reg.R4).exit(); // R4 never written: another log
        List<MapSpec> maps = List.of(MapSpec.of("count", MapType.ARRAY, 4, 8, 1));
        List<ProgramSpec> good = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            good.add(ProgramSpec.of("good" + i, ProgramType.TRACEPOINT, countOpenat(i + 1)));
        }
        try (BpfCollection c = BpfCollection.load(new CollectionSpec(maps, good))) {
            assertEquals(List.of("good0", "good1", "good2", "good3", "good4", "good5"), List.copyOf(c.programs().keySet()));
            for (Program p : c.programs().values()) {
                assertTrue(p.fd() > 0 && !p.isClosed(), p.name());
            }
        }
        assertEquals(fdsBefore, openFds(), "every program and map closed");

        ProgramSpec firstBad = ProgramSpec.of("bad_r3", ProgramType.TRACEPOINT, readsR3);
        ProgramSpec secondBad = ProgramSpec.of("bad_r4", ProgramType.TRACEPOINT, readsR4);
        String alone = assertThrows(VerifierException.class, () -> Program.load(firstBad)).getMessage();
        assertTrue(alone.contains("R3 !read_ok"), alone);
        for (int round = 0; round < 10; round++) {
            List<ProgramSpec> programs = List.of(good.get(0), good.get(1), firstBad, good.get(2), secondBad, good.get(3));
            VerifierException e = assertThrows(VerifierException.class, () -> BpfCollection.load(new CollectionSpec(maps, programs)));
            assertEquals(alone, e.getMessage(), "round " + round);
            assertEquals(fdsBefore, openFds(), "round " + round + ": what was loaded is closed");
        }
    }

    /** A ring, a drop counter and a program that names both, as generated code will: delivered + dropped = produced. */
    @Test
    void aRingAndADropCounterByName() {
        int tid = Sys.gettid();
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label full = a.newLabel("full");
        a.ldx(Size.DW, Reg.R1, Reg.R1, 40).jmp(JmpOp.JNE, Reg.R1, Counting.MAGIC_MODE, out)
                .call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                .ldMap(Reg.R1, "events").movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .st(Size.DW, Reg.R0, 0, 7).st(Size.DW, Reg.R0, 8, 7)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, io.boxscope.bpf.ringbuf.RingBufReader.BPF_RB_NO_WAKEUP)
                .call(Helper.RINGBUF_SUBMIT).ja(out)
                .bind(full);
        io.boxscope.bpf.ringbuf.DropCounter.emitIncrement(a, "drops", -8);
        a.bind(out).movImm(Reg.R0, 0).exit();
        CollectionSpec spec = new CollectionSpec(List.of(MapSpec.ringBuffer("events", 4096),
                io.boxscope.bpf.ringbuf.DropCounter.spec("drops")), List.of(ProgramSpec.of("emit", ProgramType.TRACEPOINT, a)));
        try (BpfCollection c = BpfCollection.load(spec);
                io.boxscope.bpf.ringbuf.RingBufReader r = new io.boxscope.bpf.ringbuf.RingBufReader(c.map("events"))) {
            c.attach("emit", p -> Attach.tracepoint(p, "syscalls", "sys_enter_openat"));
            Counting.openatMissing(500);
            long[] delivered = {0};
            r.drain(rec -> delivered[0]++);
            long dropped = new io.boxscope.bpf.ringbuf.DropCounter(c.map("drops")).dropped();
            assertTrue(dropped > 0, "a 4 KiB ring cannot hold 500 records");
            assertEquals(500, delivered[0] + dropped);
        }
    }

    @Test
    void mapValueReferencesCarryTheirOffset() {
        Asm a = new Asm();
        a.ldMapValue(Reg.R1, "globals", 8).movImm(Reg.R2, 5).stx(Size.DW, Reg.R1, 0, Reg.R2).movImm(Reg.R0, 0).exit();
        ProgramSpec spec = new ProgramSpec("set_global", ProgramType.RAW_TRACEPOINT, a.build(), "GPL",
                io.boxscope.bpf.prog.AttachType.NONE, 0, a.mapRefs());
        try (BpfCollection c = BpfCollection.load(new CollectionSpec(List.of(MapSpec.of("globals", MapType.ARRAY, 4, 16, 1)),
                List.of(spec)))) {
            c.program("set_global").run();
            byte[] v = c.map("globals").lookup(new byte[4]);
            assertEquals(5, java.lang.foreign.MemorySegment.ofArray(v).get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8));
        }
    }
}
