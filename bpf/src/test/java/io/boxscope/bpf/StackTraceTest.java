package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** bpf_get_stackid into a stack trace map: the kernel stack of this thread's openat is readable. */
@KernelTest
class StackTraceTest {
    @Test
    void kernelStackOfOpenatIsRecorded() {
        int tid = Sys.gettid();
        try (BpfMap stacks = BpfMap.create(MapSpec.stackTrace("test_stacks", 32, 64)); BpfMap last = Counting.counter()) {
            Asm a = new Asm();
            Label out = a.newLabel("out");
            a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                    .mov(Reg.R1, Reg.R6).ldMapFd(Reg.R2, stacks.fd()).movImm(Reg.R3, 0).call(Helper.GET_STACKID)
                    .jmp(JmpOp.JSLT, Reg.R0, 0, out)
                    .stx(Size.DW, Reg.R10, -16, Reg.R0)
                    .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, last.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                    .mov(Reg.R3, Reg.R10).add(Reg.R3, -16).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                    .bind(out).movImm(Reg.R0, 0).exit();
            try (Program p = Program.load(ProgramSpec.of("stack_openat", ProgramType.TRACEPOINT, a.build()));
                    Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat")) {
                Counting.openatMissing(3);
            }
            long id = Counting.read(last);
            long[] ips = stacks.stack((int) id);
            assertNotNull(ips, "no stack for id " + id);
            assertTrue(ips.length >= 2, "a syscall's kernel stack has several frames, got " + ips.length);
            for (long ip : ips) {
                assertTrue(ip < 0, "kernel addresses are in the upper half: 0x" + Long.toHexString(ip));
            }
            // kstack: every frame resolves through /proc/kallsyms, and the top one is the handler of the syscalls
            // tracepoints that called the program, perf_syscall_enter (kernel/trace/trace_syscalls.c, every arch)
            io.boxscope.bpf.symbols.KernelSymbols k;
            try {
                k = io.boxscope.bpf.symbols.KernelSymbols.read(java.nio.file.Path.of("/proc"));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            java.util.List<String> frames = new java.util.ArrayList<>();
            for (long ip : ips) {
                frames.add(k.resolve(ip).orElseThrow(() -> new AssertionError("0x" + Long.toHexString(ip))).withOffset());
            }
            assertTrue(frames.stream().anyMatch(f -> f.startsWith("perf_syscall_enter+")),
                    frames.toString());
        }
    }

    /**
     * ustack: a uprobe on libc's strtol takes this thread's user stack (BPF_F_USER_STACK); its first frame, the
     * probed instruction, resolves through ProcessSymbolizer to strtol at offset 0. (Deeper frames of a JVM
     * thread depend on frame pointers the JIT does not keep, so only the first is asserted.)
     */
    @Test
    void userStackOfAUprobeResolvesToTheProbedFunction() throws Throwable {
        int tid = Sys.gettid();
        java.lang.invoke.MethodHandle strtol = java.lang.foreign.Linker.nativeLinker().downcallHandle(
                java.lang.foreign.Linker.nativeLinker().defaultLookup().find("strtol").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG,
                        java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.ADDRESS,
                        java.lang.foreign.ValueLayout.JAVA_INT));
        try (BpfMap stacks = BpfMap.create(MapSpec.stackTrace("test_ustacks", 32, 64)); BpfMap last = Counting.counter();
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Asm a = new Asm();
            Label out = a.newLabel("out");
            a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                    .mov(Reg.R1, Reg.R6).ldMapFd(Reg.R2, stacks.fd()).movImm(Reg.R3, 1 << 8 /* BPF_F_USER_STACK */)
                    .call(Helper.GET_STACKID)
                    .jmp(JmpOp.JSLT, Reg.R0, 0, out)
                    .add(Reg.R0, 1).stx(Size.DW, Reg.R10, -16, Reg.R0)
                    .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, last.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                    .mov(Reg.R3, Reg.R10).add(Reg.R3, -16).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                    .bind(out).movImm(Reg.R0, 0).exit();
            try (Program p = Program.load(ProgramSpec.of("ustack_strtol", ProgramType.KPROBE, a.build()));
                    Link l = Attach.uprobe(p, io.boxscope.testkit.SystemLibs.libc(), "strtol", false, Sys.getpid())) {
                long v = (long) strtol.invokeExact(arena.allocateFrom("12"), java.lang.foreign.MemorySegment.NULL, 10);
                assertTrue(v == 12);
            }
            long idPlusOne = Counting.read(last);
            assertTrue(idPlusOne > 0, "the program stored no stack id");
            long[] ips = stacks.stack((int) (idPlusOne - 1));
            assertNotNull(ips);
            io.boxscope.bpf.symbols.Symbol top = io.boxscope.bpf.symbols.ProcessSymbolizer
                    .of(java.nio.file.Path.of("/proc"), Sys.getpid()).resolve(ips[0])
                    .orElseThrow(() -> new AssertionError("0x" + Long.toHexString(ips[0]) + " unresolved"));
            assertTrue(top.name().equals("strtol") || top.aliases().contains("strtol"), top + " " + top.aliases());
            assertTrue(top.offset() == 0, top.withOffset());
        }
    }
}
