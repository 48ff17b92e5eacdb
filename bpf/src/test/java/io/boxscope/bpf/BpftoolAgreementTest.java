package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Disassembler;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** The disassembler prints what {@code bpftool prog dump xlated} prints for the same loaded program. */
@KernelTest
class BpftoolAgreementTest {
    @Test
    void disassemblyMatchesBpftool() throws Exception {
        Asm a = new Asm();
        Label l = a.newLabel();
        a.mov(Reg.R6, Reg.R1)
                .movImm(Reg.R0, 7).st(Size.DW, Reg.R10, -8, 0).st(Size.W, Reg.R10, -16, 5)
                // values from the context are unknown to the verifier, so it prunes no branch as dead code
                .ldx(Size.DW, Reg.R2, Reg.R6, 8).ldx(Size.DW, Reg.R0, Reg.R6, 16)
                .add(Reg.R2, 3).alu64(AluOp.MUL, Reg.R2, Reg.R0)
                .alu32(AluOp.AND, Reg.R2, 0xff).alu64(AluOp.LSH, Reg.R2, 2).alu64(AluOp.ARSH, Reg.R2, 1)
                .stx(Size.DW, Reg.R10, -8, Reg.R2)
                .mov(Reg.R3, Reg.R10).add(Reg.R3, -8).movImm(Reg.R4, 1)
                .atomic(Size.DW, AtomicOp.ADD, Reg.R3, 0, Reg.R4)
                .atomic(Size.DW, AtomicOp.FETCH_ADD, Reg.R3, 0, Reg.R4)
                .jmp(JmpOp.JGT, Reg.R2, 100, l).jmp32(JmpOp.JNE, Reg.R0, Reg.R2, l)
                .ldImm64(Reg.R5, 0x123456789L).toBe(Reg.R5, 32).neg(Reg.R5)
                .bind(l).movImm(Reg.R0, 0).exit();
        List<Insn> insns = a.build();
        try (Program p = Program.load(ProgramSpec.of("disasm_check", ProgramType.TRACEPOINT, insns))) {
            Process bpftool = new ProcessBuilder("bpftool", "prog", "dump", "xlated", "id", Integer.toString(p.id()))
                    .redirectErrorStream(true).start();
            String theirs = new String(bpftool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, bpftool.waitFor(), theirs);
            org.junit.jupiter.api.Assertions.assertTrue(normalize(theirs).size() >= 10,
                    "bpftool's dump has too few instruction lines to compare (format changed?): " + theirs);
            assertEquals(normalize(theirs), normalize(Disassembler.dump(insns)));
        }
    }

    /** Instruction lines only, trimmed (bpftool prints a header line with the program name). */
    static List<String> normalize(String s) {
        return Arrays.stream(s.split("\\R")).map(String::strip).filter(x -> x.matches("\\d+: \\(.*")).toList();
    }
}
