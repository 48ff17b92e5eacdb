package io.boxscope.bpf.syscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** The signature table of the running kernel, and its numbers checked by the kernel itself. */
@KernelTest
class SyscallSignaturesKernelTest {
    @Test
    void everySyscallTracepointOfThisKernelIsParsedAndNumbered() throws Exception {
        SyscallSignatures s = SyscallSignatures.current(Path.of("/sys"));
        assertEquals(List.of(), s.problems(), "formats this kernel has that Boxscope cannot name or parse");
        long events;
        try (var ds = Files.list(Path.of("/sys/kernel/tracing/events/syscalls"))) {
            events = ds.filter(p -> p.getFileName().toString().startsWith("sys_enter_")).count();
        }
        assertEquals(events, s.all().stream().filter(SyscallSignature::hasFormat).count());
        SyscallSignature openat = s.byName("openat").orElseThrow();
        assertEquals(List.of(ArgKind.FD, ArgKind.PATH, ArgKind.FLAGS, ArgKind.MODE),
                openat.args().stream().map(SyscallArg::kind).toList());
    }

    /**
     * The kernel's own answer to "what number does syscall X have": a program on syscalls:sys_enter_X stores the
     * record's {@code __syscall_nr} (offset 8) when this thread enters it; the test then makes the call by the
     * number from the table. A wrong number would run another syscall (another tracepoint) and store nothing.
     * Calls are chosen to fail harmlessly (bad descriptor, NULL pointer) and include the newest ones.
     */
    @Test
    void theKernelReportsTheTablesNumbers() throws Exception {
        SyscallSignatures s = SyscallSignatures.current(Path.of("/sys"));
        List<String> names = new ArrayList<>(List.of("getppid", "fstat", "uname", "sendfile", "umount2", "openat",
                "cachestat", "fchmodat2", "statmount", "listmount", "getxattrat", "file_getattr", "mseal", "lsm_list_modules"));
        names.removeIf(n -> s.byName(n).map(sig -> !sig.hasFormat()).orElse(true)); // not in this kernel's build
        assertTrue(names.size() >= 6, "too few of the chosen syscalls have tracepoints here: " + names);
        int tid = Sys.gettid();
        for (String name : names) {
            SyscallSignature sig = s.byName(name).orElseThrow();
            try (BpfMap slot = BpfMap.create(MapSpec.of("test_nr", MapType.ARRAY, 4, 8, 1));
                    Program p = Program.load(ProgramSpec.of("nr_" + sig.event(), ProgramType.TRACEPOINT, storeNr(slot, tid)));
                    Link l = Attach.tracepoint(p, "syscalls", "sys_enter_" + sig.event())) {
                Sys.raw(sig.nr(), -1, 0, 0, 0, 0);
                byte[] v = slot.lookup(new byte[4]);
                long seen = java.lang.foreign.MemorySegment.ofArray(v).get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0);
                assertEquals(sig.nr() + 1L, seen, name + ": the kernel's __syscall_nr (+1) in " + l.description());
            }
        }
    }

    /** slot[0] = __syscall_nr + 1 when the current thread is {@code tid}. */
    private static List<io.boxscope.bpf.asm.Insn> storeNr(BpfMap slot, int tid) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1)
                .call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, slot.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .ldx(Size.W, Reg.R1, Reg.R6, 8).add(Reg.R1, 1).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
