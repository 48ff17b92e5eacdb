package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.AttachTargets;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

@KernelTest
class AttachTest {
    private static final int N = 137;

    @Test
    void tracepointCountsExactlyTheOpenatCallsOfThisThread() {
        int tid = Sys.gettid();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("count_openat", ProgramType.TRACEPOINT, Counting.countIf(count, tid, false)));
                Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat")) {
            Counting.openatMissing(N);
            assertEquals(N, Counting.read(count), l.description());
        }
    }

    @Test
    void wildcardTracepointsAttachToEveryMatch() throws java.io.IOException {
        int tid = Sys.gettid();
        // Listed before attaching: reading tracefs opens files on this thread, which would be counted.
        int matches = io.boxscope.bpf.tracefs.Tracefs.locate(java.nio.file.Path.of("/sys"))
                .events("syscalls:sys_enter_openat*").size();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("count_open", ProgramType.TRACEPOINT, Counting.countIf(count, tid, false)));
                Link l = Attach.tracepoints(p, "syscalls", "sys_enter_openat*")) {
            assertEquals(matches, l.size(), "one attachment per match: " + l.description());
            Counting.openatMissing(N);
            assertEquals(N, Counting.read(count), l.description());
        }
    }

    /** raw_syscalls:sys_enter with a raw tracepoint: args[1] is the syscall number. */
    @Test
    void rawTracepointSeesTheSyscallNumber() {
        int tid = Sys.gettid();
        try (BpfMap count = Counting.counter()) {
            Asm a = new Asm();
            Label out = a.newLabel();
            a.ldx(Size.DW, Reg.R6, Reg.R1, 8) // ctx->args[1]: syscall id
                    .jmp(JmpOp.JNE, Reg.R6, (int) Sys.arch().openatNumber(), out);
            Counting.emitCountIf(a, count, tid, false, out);
            try (Program p = Program.load(ProgramSpec.of("raw_openat", ProgramType.RAW_TRACEPOINT, a.build())); Link l = Attach.rawTracepoint(p, "sys_enter")) {
                Counting.openatMissing(N);
                assertEquals(N, Counting.read(count), l.description());
            }
        }
    }

    /** tp_btf on sys_enter: attach_btf_id from the kernel's BTF (btf_trace_sys_enter), ctx[1] is the id. */
    @Test
    void tpBtfProgramCountsOpenat() {
        int tid = Sys.gettid();
        try (BpfMap count = Counting.counter()) {
            Asm a = new Asm();
            Label out = a.newLabel();
            a.ldx(Size.DW, Reg.R6, Reg.R1, 8).jmp(JmpOp.JNE, Reg.R6, (int) Sys.arch().openatNumber(), out);
            Counting.emitCountIf(a, count, tid, false, out);
            try (Program p = Program.load(ProgramSpec.tpBtf("btf_openat", a.build(),
                    AttachTargets.rawTracepoint("sys_enter"))); Link l = Attach.tracing(p)) {
                Counting.openatMissing(N);
                assertEquals(N, Counting.read(count), l.description());
            }
        }
    }

    @Test
    void perfEventProgramSamplesCpuClock() throws Exception {
        try (BpfMap count = Counting.counter()) {
            Asm a = new Asm();
            a.st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, count.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                    .call(Helper.MAP_LOOKUP_ELEM);
            Label out = a.newLabel();
            a.jmp(JmpOp.JEQ, Reg.R0, 0, out).movImm(Reg.R1, 1).atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                    .bind(out).movImm(Reg.R0, 0).exit();
            try (Program p = Program.load(ProgramSpec.of("cpu_clock", ProgramType.PERF_EVENT, a.build()));
                    Link l = Attach.perfEvent(p, Attach.SoftwareEvent.CPU_CLOCK, 997)) {
                long until = System.nanoTime() + 3_000_000_000L;
                while (Counting.read(count) == 0 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertTrue(Counting.read(count) > 0, "no cpu-clock sample in 3 s of spinning: " + l.description());
            }
        }
    }
}
