package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramInfo;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@link ProgramInfo} read from the running kernel agrees with {@code bpftool prog show}, and counts the
 * runs the kernel skipped: a tracepoint program on {@code bpf_trace:bpf_trace_printk} is skipped every time
 * another tracepoint program calls bpf_trace_printk, because that tracepoint fires inside the first
 * program, while bpf_prog_active is held (kernel/trace/bpf_trace.c, trace_call_bpf).
 */
@KernelTest
class ProgramInfoKernelTest {
    private static final int N = 25;

    @Test
    void infoNamesTheProgramAndItsType() throws Exception {
        try (Program p = Program.load(ProgramSpec.of("info_check", ProgramType.TRACEPOINT,
                new Asm().movImm(Reg.R0, 0).exit().build()))) {
            ProgramInfo i = p.info();
            assertEquals("info_check", i.name());
            assertEquals(ProgramType.TRACEPOINT, i.programType());
            String json = bpftool(i.id());
            assertEquals(i.id(), (int) number(json, "id"), json);
            assertTrue(json.contains("\"name\":\"info_check\""), json);
            assertTrue(json.contains("\"type\":\"tracepoint\""), json);
            assertTrue(i.recursionMisses().isPresent(), "this kernel (Linux 5.12+) reports recursion_misses: " + i);
            assertEquals(0, i.recursionMisses().getAsLong(), "a program that never ran skipped nothing: " + i);
        }
    }

    @Test
    void aTracepointFiredWhileAnotherBpfSectionRunsIsSkippedAndCounted() throws Exception {
        try (Program victim = Program.load(ProgramSpec.of("skipped_victim", ProgramType.TRACEPOINT,
                new Asm().movImm(Reg.R0, 0).exit().build()))) {
            try (Link v = Attach.tracepoint(victim, "kmem", "kmalloc")) {
                io.boxscope.bpf.feature.SkipTrigger.provokeKmallocSkips(N);
            }
            // detached: the counter stops moving, so ours and bpftool's are read from the same state
            ProgramInfo i = victim.info();
            long misses = i.recursionMisses().orElseThrow();
            assertTrue(misses >= N, "each of our " + N + " map updates skipped the program once: " + i);
            String json = bpftool(i.id());
            assertEquals(misses, number(json, "recursion_misses"), json);
        }
    }

    static String bpftool(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id), "--json").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** A number field of bpftool's JSON; bpftool leaves recursion_misses out when it is 0. */
    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
