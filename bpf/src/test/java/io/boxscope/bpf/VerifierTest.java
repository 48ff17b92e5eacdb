package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

@KernelTest
class VerifierTest {
    @Test
    void rejectionCarriesTheLogAndTheDisassembly() {
        // r0 = r2 reads a register nobody wrote: "R2 !read_ok" at instruction 2
        var insns = new Asm().movImm(Reg.R0, 0).movImm(Reg.R1, 1).mov(Reg.R0, Reg.R2).exit().build();
        VerifierException e = assertThrows(VerifierException.class,
                () -> Program.load(ProgramSpec.of("bad_prog", ProgramType.TRACEPOINT, insns)).close());
        assertTrue(e.log().contains("R2 !read_ok"), e.log());
        assertEquals(2, e.failedInstruction());
        assertTrue(e.getMessage().startsWith("load tracepoint program bad_prog: the verifier rejected it"), e.getMessage());
        assertTrue(e.getMessage().contains(">   2: (bf) r0 = r2"), e.getMessage());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
    }
}
