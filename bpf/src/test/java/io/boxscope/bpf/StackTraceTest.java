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
}
