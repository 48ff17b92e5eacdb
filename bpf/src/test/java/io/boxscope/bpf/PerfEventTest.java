package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Attach.Sampling;
import io.boxscope.bpf.link.Attach.SoftwareEvent;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Perf software events in period mode on one CPU (bpftrace {@code interval}) and at a frequency on every CPU
 * ({@code profile}), and BPF cookies on perf-event and raw-tracepoint links read back by a real program with
 * {@code bpf_get_attach_cookie}. No timing is asserted: counts are bounded by the elapsed time this test measures.
 */
@KernelTest
class PerfEventTest {
    /**
     * counts[bpf_get_smp_processor_id()] += 1; counts[cpus] = bpf_get_attach_cookie(ctx). The map has
     * possible CPUs + 1 slots.
     */
    static List<Insn> countPerCpu(BpfMap counts, int cookieSlot) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1)
                .call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, -4, Reg.R0)
                .ldMapFd(Reg.R1, counts.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .movImm(Reg.R1, 1).atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE).mov(Reg.R7, Reg.R0)
                .st(Size.W, Reg.R10, -4, cookieSlot)
                .ldMapFd(Reg.R1, counts.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .stx(Size.DW, Reg.R0, 0, Reg.R7)
                .bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    static long slot(BpfMap m, int i) {
        byte[] k = new byte[4];
        MemorySegment.ofArray(k).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
        return MemorySegment.ofArray(m.lookup(k)).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    @Test
    void anIntervalOnOneCpuFiresAboutOncePerPeriod() throws Exception {
        int cpus = Cpus.possible();
        int cpu = Cpus.online().get(Cpus.online().size() - 1);
        long periodNs = 20_000_000; // 20 ms, as interval:ms:20
        try (BpfMap counts = BpfMap.create(MapSpec.of("test_ival", MapType.ARRAY, 4, 8, cpus + 1));
                Program p = Program.load(ProgramSpec.of("interval", ProgramType.PERF_EVENT, countPerCpu(counts, cpus)))) {
            long outer0 = System.nanoTime();
            long inner;
            try (Link l = Attach.perfEvent(p, SoftwareEvent.CPU_CLOCK, Sampling.period(periodNs), cpu, 77)) {
                long inner0 = System.nanoTime();
                Thread.sleep(1000);
                inner = System.nanoTime() - inner0;
                assertEquals(1, l.size());
            }
            long outer = System.nanoTime() - outer0;
            long fired = 0;
            for (int c = 0; c < cpus; c++) {
                long n = slot(counts, c);
                if (c != cpu) {
                    assertEquals(0, n, "fired on CPU " + c + ", attached to CPU " + cpu + " only");
                }
                fired += n;
            }
            // at most one per full period while attached (plus one at the edge); at least half the periods
            // that certainly elapsed while attached (cpu-clock is a timer: it fires on an idle CPU too)
            long most = outer / periodNs + 1;
            long least = inner / periodNs / 2;
            assertTrue(fired >= least && fired <= most, fired + " firings in " + inner / 1_000_000 + "-"
                    + outer / 1_000_000 + " ms at one per " + periodNs / 1_000_000 + " ms: expected " + least + ".." + most);
            assertEquals(77, slot(counts, cpus), "bpf_get_attach_cookie in the interval program");
        }
    }

    @Test
    void aProfileGetsSamplesOnEveryOnlineCpu() throws Exception {
        int cpus = Cpus.possible();
        try (BpfMap counts = BpfMap.create(MapSpec.of("test_prof", MapType.ARRAY, 4, 8, cpus + 1));
                Program p = Program.load(ProgramSpec.of("profile", ProgramType.PERF_EVENT, countPerCpu(counts, cpus)));
                Link l = Attach.perfEventEveryCpu(p, SoftwareEvent.CPU_CLOCK, Sampling.frequency(199), 0xfeedL)) {
            assertEquals(Cpus.online().size(), l.size());
            long deadline = System.nanoTime() + 5_000_000_000L;
            List<Integer> missing;
            do {
                Thread.sleep(100);
                missing = Cpus.online().stream().filter(c -> slot(counts, c) == 0).toList();
            } while (!missing.isEmpty() && System.nanoTime() < deadline);
            assertEquals(List.of(), missing, "online CPUs without a sample after up to 5 s at 199 Hz");
            assertEquals(0xfeedL, slot(counts, cpus));
        }
    }

    /**
     * A raw tracepoint link with a cookie: the program (filtered on this thread) stores what
     * bpf_get_attach_cookie returns; two links of one program with different cookies tell themselves apart.
     */
    @Test
    void rawTracepointAndPerfLinksCarryCookies() {
        int tid = Sys.gettid();
        for (ProgramType type : List.of(ProgramType.RAW_TRACEPOINT, ProgramType.TRACEPOINT)) {
            try (BpfMap slot = BpfMap.create(MapSpec.of("test_cookie", MapType.ARRAY, 4, 8, 1));
                    Program p = Program.load(ProgramSpec.of("cookie", type, storeCookieIfThread(slot, tid)))) {
                for (long cookie : new long[] {0x1122_3344_5566_7788L, 42}) {
                    try (Link l = type == ProgramType.RAW_TRACEPOINT ? Attach.rawTracepoint(p, "sys_enter", cookie)
                            : Attach.tracepoint(p, "raw_syscalls", "sys_enter", cookie)) {
                        Sys.getpid();
                        assertEquals(cookie, slot(slot, 0), l.description());
                    }
                }
            }
        }
        for (AttachKind k : List.of(AttachKind.RAW_TRACEPOINT, AttachKind.TRACEPOINT, AttachKind.PERF_EVENT_SOFTWARE,
                AttachKind.UPROBE, AttachKind.TP_BTF)) {
            Features.reset();
            Support s = Features.cookie(k);
            assertTrue(s.isSupported(), k + ": " + s);
        }
        Support kprobe = Features.cookie(AttachKind.KPROBE);
        assertTrue(!kprobe.isSupported(), "kprobe cookies are not probed: " + kprobe);
    }

    private static List<Insn> storeCookieIfThread(BpfMap slot, int tid) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out)
                .mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE).mov(Reg.R7, Reg.R0)
                .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, slot.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .stx(Size.DW, Reg.R0, 0, Reg.R7)
                .bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
