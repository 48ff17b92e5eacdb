package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.syscalls.SyscallTable;
import org.junit.jupiter.api.Test;

/**
 * Push-down: the kernel part is implied by the filter (every event the filter accepts, the kernel
 * passes), and the kernel part plus the residue accept exactly what the filter accepts.
 */
class PushDownTest {
    /** Two test containers, web (id c1…) and db (id c2…), each in a cgroup under a common parent 1. */
    static final ContainerResolver CONTAINERS = (key, value) -> switch (key) {
        case NAME -> switch (value) {
            case "web" -> Set.of(100L);
            case "db" -> Set.of(200L);
            default -> Set.of();
        };
        case ID -> switch (value) {
            case "c1c1c1c1c1c1" -> Set.of(100L);
            case "c2c2c2c2c2c2" -> Set.of(200L);
            default -> Set.of();
        };
    };

    static PushDown.Split split(String filter, SyscallTable table) {
        return PushDown.split(Filter.compile(filter, FilterCorpusTest.SERVICES), table, EventTable.sysdig(), CONTAINERS);
    }

    static PushDown.Split split(String filter) {
        return split(filter, SyscallTable.of(Arch.X86_64));
    }

    @Test
    void pidsTidsTypesAndFailedGoToTheKernel() {
        PushDown.Split s = split("proc.pid in (10, 20) and evt.type in (open, openat) and evt.failed = true and proc.name contains sh");
        KernelFilter k = s.kernel();
        assertEquals(Set.of(10L, 20L), k.pids());
        assertEquals(Set.of("open", "openat"), k.eventTypes());
        SyscallTable x86 = SyscallTable.of(Arch.X86_64);
        assertEquals(Set.of(x86.number("open"), x86.number("openat")), k.syscalls());
        assertTrue(k.failedOnly());
        assertEquals("proc.name contains sh", Render.expr(s.residue()), "only what the kernel cannot decide stays in Java");
    }

    @Test
    void syscallNumbersFollowTheArchitectureAndSysdigsNames() {
        SyscallTable arm = SyscallTable.of(Arch.AARCH64);
        KernelFilter k = split("evt.type = open", arm).kernel();
        assertEquals(Set.of(), k.syscalls(), "arm64 has no open(2): nothing to pass but nothing asked for exists");
        KernelFilter pread = split("evt.type = pread", arm).kernel();
        assertEquals(Set.of(arm.number("pread64")), pread.syscalls(), "sysdig names pread64's events 'pread'");
        KernelFilter sw = split("evt.type in (switch, read)").kernel();
        assertEquals(Set.of("switch"), sw.otherEvents());
        assertEquals(Set.of(SyscallTable.of(Arch.X86_64).number("read")), sw.syscalls());
        assertTrue(split("evt.type in (switch, read)").javaEvaluates(), "non-syscall events are checked again in Java");
    }

    @Test
    void containersResolveToCgroupIds() {
        PushDown.Split s = split("container.name = web or container.id = c2c2c2c2c2c2");
        assertEquals(Set.of(100L, 200L), s.kernel().cgroupIds());
        assertTrue(s.javaEvaluates(), "containers are checked again in Java");
        PushDown.Split unknown = split("container.name in (web, nosuch)");
        assertNull(unknown.kernel().cgroupIds(), "an unknown name keeps containers out of the kernel");
        assertTrue(unknown.notes().getFirst().contains("nosuch"), unknown.notes().toString());
        assertNull(split("container.id = host").kernel().cgroupIds());
    }

    /** What a counting chisel may leave to the kernel: container terms of running containers, at the top level only. */
    @Test
    void theKernelDecidesRunningContainersTermsForCountingChisels() {
        assertTrue(split("container.name = web and proc.pid = 3 and evt.failed = true").kernelDecidesWithContainers());
        assertTrue(split("container.id in (c1c1c1c1c1c1, c2c2c2c2c2c2)").kernelDecidesWithContainers());
        assertTrue(split("proc.pid = 3").kernelDecidesWithContainers(), "nothing left for Java at all");
        assertFalse(split("container.name = nosuch and proc.pid = 3").kernelDecidesWithContainers(), "not running: Java");
        assertFalse(split("container.name = web or container.name = db").kernelDecidesWithContainers(),
                "an or is implied by the kernel's set, not decided by it");
        assertFalse(split("container.name != web").kernelDecidesWithContainers());
        assertFalse(split("container.name = web and proc.name = sh").kernelDecidesWithContainers());
        assertTrue(split("container.name = web").javaEvaluates(), "the stream still checks containers in Java");
        assertEquals(1, split("container.name in (web, nosuch) and container.name = nosuch").notes().stream()
                .filter(n -> n.startsWith("container.name nosuch")).count(), "a note is given once");
    }

    @Test
    void orUnitesDimensionsAndNotGivesUp() {
        KernelFilter k = split("(proc.pid = 1 and evt.type = read) or (proc.pid = 2 and evt.type = write)").kernel();
        assertEquals(Set.of(1L, 2L), k.pids());
        assertEquals(Set.of("read", "write"), k.eventTypes());
        assertFalse(split("proc.pid = 1 or proc.name = x").kernel().filters(), "one side unconstrained: any");
        assertFalse(split("not proc.pid = 1").kernel().filters());
        assertFalse(split("proc.pid != 1").kernel().filters());
        assertTrue(split("evt.failed = true or (evt.failed != false and proc.pid = 3)").kernel().failedOnly());
        assertFalse(split("evt.failed = true or proc.pid = 3").kernel().failedOnly());
        assertEquals(Set.of(), split("proc.pid = 1 and proc.pid = 2").kernel().pids(), "contradiction: nothing passes");
    }

    @Test
    void describeSaysWhatGoesWhere() {
        String d = split("proc.pid = 42 and proc.name = bash").describe();
        assertTrue(d.contains("kernel (BPF):\n  proc.pid in (42)\n"), d);
        assertTrue(d.contains("user space (Java):\n  proc.name = bash\n"), d);
        String all = split("thread.tid = 7").describe();
        assertTrue(all.contains("(nothing: the kernel decides the whole filter)"), all);
        String none = split("proc.name = bash").describe();
        assertTrue(none.contains("(nothing: every event goes to user space)"), none);
    }

    // ---- property: soundness and exactness over random filters and random events ----

    static final String[] TYPES = {"open", "openat", "read", "write", "connect", "pread", "switch", "procexit", "execve"};
    static final String[] NAMES = {"bash", "sh", "nginx", "java"};

    /** A random event: kernel-known fields always present, others sometimes absent. */
    record Ev(Events fields, KernelFilter.KernelView kernel) {}

    static Ev randomEvent(Random r) {
        long pid = 1 + r.nextInt(5);
        long tid = pid + r.nextInt(3);
        String type = TYPES[r.nextInt(TYPES.length)];
        boolean failed = r.nextInt(3) == 0;
        int c = r.nextInt(3);
        String cid = new String[] {"host", "c1c1c1c1c1c1", "c2c2c2c2c2c2"}[c];
        String cname = new String[] {"host", "web", "db"}[c];
        // The task's cgroup and its ancestors: web's processes sit in a sub-cgroup 555 of its cgroup 100.
        Set<Long> cgroups = List.of(Set.of(1L), Set.of(555L, 100L, 1L), Set.of(200L, 1L)).get(c);
        Events e = Events.of("proc.pid", pid, "thread.tid", tid, "evt.type", type, "evt.failed", failed,
                "container.id", cid, "container.name", cname);
        EventTable t = EventTable.sysdig();
        boolean read = false;
        boolean write = false;
        for (EventTable.EventKind k : t.events()) {
            if (k.name().equals(type)) {
                read |= k.flags().contains("EF_READS_FROM_FD");
                write |= k.flags().contains("EF_WRITES_TO_FD");
            }
        }
        e.put("evt.is_io", read || write).put("evt.is_io_read", read).put("evt.is_io_write", write);
        if (r.nextBoolean()) {
            e.put("proc.name", NAMES[r.nextInt(NAMES.length)]);
        }
        if (r.nextBoolean()) {
            e.put("fd.num", (long) r.nextInt(6) - 1);
        }
        return new Ev(e, new KernelFilter.KernelView(pid, tid, cgroups, type, failed));
    }

    static String randomAtom(Random r) {
        return switch (r.nextInt(16)) {
            case 0 -> "proc.pid = " + (1 + r.nextInt(6));
            case 1 -> "proc.pid in (" + (1 + r.nextInt(6)) + ", " + (1 + r.nextInt(6)) + ")";
            case 2 -> "proc.pid " + new String[] {"!=", "<", ">=", ">"}[r.nextInt(4)] + " " + (1 + r.nextInt(6));
            case 3 -> "thread.tid = " + (1 + r.nextInt(8));
            case 4 -> "thread.tid in (" + (1 + r.nextInt(8)) + ", " + (1 + r.nextInt(8)) + ")";
            case 5 -> "evt.type = " + TYPES[r.nextInt(TYPES.length)];
            case 6 -> "evt.type in (" + TYPES[r.nextInt(TYPES.length)] + ", " + TYPES[r.nextInt(TYPES.length)] + ")";
            case 7 -> "evt.type != " + TYPES[r.nextInt(TYPES.length)];
            case 8 -> "evt.failed " + (r.nextBoolean() ? "=" : "!=") + " " + r.nextBoolean();
            case 9 -> "container.name " + (r.nextBoolean() ? "= " + new String[] {"web", "db", "host", "nosuch"}[r.nextInt(4)] : "in (web, db)");
            case 10 -> "container.id = " + new String[] {"c1c1c1c1c1c1", "c2c2c2c2c2c2", "host"}[r.nextInt(3)];
            case 11 -> "proc.name = " + NAMES[r.nextInt(NAMES.length)];
            case 12 -> "proc.name exists";
            case 13 -> "fd.num >= " + r.nextInt(4);
            case 14 -> new String[] {"evt.is_io", "evt.is_io_read", "evt.is_io_write"}[r.nextInt(3)] + " = " + r.nextBoolean();
            default -> "evt.type = " + TYPES[r.nextInt(TYPES.length)] + " and evt.failed = true";
        };
    }

    /** A random filter; every binary operator parenthesized, as sysdig requires when and/or mix. */
    static String randomFilter(Random r, int depth) {
        if (depth == 0 || r.nextInt(4) == 0) {
            String a = randomAtom(r);
            return r.nextInt(5) == 0 ? "not (" + a + ")" : "(" + a + ")";
        }
        int n = 2 + r.nextInt(2);
        String op = r.nextBoolean() ? " and " : " or ";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(randomFilter(r, depth - 1));
        }
        String body = "(" + String.join(op, parts) + ")";
        return r.nextInt(6) == 0 ? "not " + body : body;
    }

    @Test
    void kernelPartIsImpliedAndKernelPlusResidueIsTheFilter() {
        Random r = new Random(20261204);
        SyscallTable table = SyscallTable.of(Arch.X86_64);
        int accepted = 0;
        int dropped = 0;
        for (int i = 0; i < 3000; i++) {
            String text = randomFilter(r, 3);
            PushDown.Split s = split(text, table);
            Filter residue = Filter.of(text, s.residue());
            for (int k = 0; k < 150; k++) {
                Ev e = randomEvent(r);
                boolean wanted = s.filter().matches(e.fields());
                boolean passes = s.kernel().accepts(e.kernel());
                if (wanted && !passes) {
                    fail("unsound: the kernel drops an event the filter accepts\nfilter: " + text
                            + "\nkernel: " + s.kernel().describe() + "\nevent: " + e.kernel());
                }
                if (passes && residue.matches(e.fields()) != wanted) {
                    fail("kernel + residue differ from the filter\nfilter: " + text + "\n" + s.describe() + "event: " + e.kernel());
                }
                accepted += wanted ? 1 : 0;
                dropped += passes ? 0 : 1;
            }
        }
        assertTrue(accepted > 10000, "the random filters accept a fair share of events: " + accepted);
        assertTrue(dropped > 50000, "and the kernel drops a fair share: " + dropped);
    }

    @Test
    void syscallSetCoversEveryNumberWhoseEventHasTheName() {
        for (Arch arch : Arch.values()) {
            SyscallTable t = SyscallTable.of(arch);
            for (Map.Entry<Integer, String> e : t.all().entrySet()) {
                String type = EventTable.sysdig().eventTypeOfSyscall(e.getValue());
                if (!EventTable.sysdig().isEventType(type)) {
                    continue; // sysdig has no name for it: a filter cannot ask for it
                }
                KernelFilter k = split("evt.type = " + type, t).kernel();
                assertTrue(k.syscalls().contains(e.getKey()), arch + " " + e.getValue() + " (" + type + ")");
            }
        }
    }
}
