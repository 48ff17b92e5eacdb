package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Disassembler;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import org.junit.jupiter.api.Test;

class AsmTest {
    @Test
    void forwardAndBackwardJumpsCountSlotsIncludingWideLoads() {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label top = a.newLabel("top");
        a.bind(top)                                   // 0
                .jmp(JmpOp.JEQ, Reg.R1, 0, out)       // 1 slot: target 5 → off = 5 - 1 = 4
                .ldImm64(Reg.R2, 0x1122334455667788L) // slots 1,2
                .add(Reg.R1, -1)                      // 3
                .ja(top)                              // 4 → off = 0 - 5 = -5
                .bind(out).movImm(Reg.R0, 0).exit();  // 5, 6
        List<Insn> p = a.build();
        assertEquals(7, p.size());
        assertEquals(4, p.get(0).off());
        assertEquals(-5, p.get(4).off());
        assertEquals(0x55667788, p.get(1).imm());
        assertEquals(0x11223344, p.get(2).imm());
    }

    @Test
    void encodesTheKernelLayout() {
        List<Insn> p = new Asm().stx(Size.DW, Reg.R10, -8, Reg.R1).build();
        byte[] b = Insn.toBytes(p);
        // 0x7b = STX|DW|MEM; regs byte: src 1 in the high nibble, dst 10 in the low one; off -8 LE
        assertEquals(List.of((byte) 0x7b, (byte) 0x1a, (byte) 0xf8, (byte) 0xff, (byte) 0, (byte) 0, (byte) 0, (byte) 0),
                List.of(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]));
        assertEquals(p, Insn.decode(b));
    }

    @Test
    void disassemblesLikeBpftool() {
        Asm a = new Asm();
        Label l = a.newLabel();
        a.mov(Reg.R6, Reg.R1)
                .call(Helper.GET_CURRENT_PID_TGID)
                .rsh(Reg.R0, 32)
                .stx(Size.W, Reg.R10, -4, Reg.R0)
                .ldMapFd(Reg.R1, 7)
                .mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .jmp(JmpOp.JEQ, Reg.R0, 0, l)
                .atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .atomic(Size.DW, AtomicOp.FETCH_ADD, Reg.R0, 8, Reg.R3)
                .atomic(Size.W, AtomicOp.CMPXCHG, Reg.R1, 0, Reg.R2)
                .ldx(Size.DW, Reg.R1, Reg.R6, 16)
                .st(Size.H, Reg.R10, -16, 3)
                .alu32(AluOp.MOV, Reg.R0, 0)
                .alu32(AluOp.XOR, Reg.R1, Reg.R2)
                .jmp32(JmpOp.JSGT, Reg.R1, Reg.R2, l)
                .toBe(Reg.R3, 16)
                .neg(Reg.R4)
                .bind(l).exit();
        String d = Disassembler.dump(a.build());
        String expected = """
                    0: (bf) r6 = r1
                    1: (85) call bpf_get_current_pid_tgid#14
                    2: (77) r0 >>= 32
                    3: (63) *(u32 *)(r10 -4) = r0
                    4: (18) r1 = map[fd:7]
                    6: (bf) r2 = r10
                    7: (07) r2 += -4
                    8: (15) if r0 == 0x0 goto pc+10
                    9: (db) lock *(u64 *)(r0 +0) += r1
                   10: (db) r3 = atomic64_fetch_add((u64 *)(r0 +8), r3)
                   11: (c3) w0 = atomic_cmpxchg((u32 *)(r1 +0), w0, w2)
                   12: (79) r1 = *(u64 *)(r6 +16)
                   13: (6a) *(u16 *)(r10 -16) = 3
                   14: (b4) w0 = 0
                   15: (ac) w1 ^= w2
                   16: (6e) if w1 s> w2 goto pc+2
                   17: (dc) r3 = be16 r3
                   18: (87) r4 = -r4
                   19: (95) exit
                """;
        assertEquals(expected.replace("\n", System.lineSeparator()), d);
    }

    @Test
    void wideImmediateAndBpfToBpfCall() {
        Asm a = new Asm();
        Label sub = a.newLabel("sub");
        a.ldImm64(Reg.R1, -2L).call(sub).exit().bind(sub).movImm(Reg.R0, 1).exit();
        List<Insn> p = a.build();
        assertEquals(1, p.get(2).imm()); // call at slot 2 → sub at 4: imm = 4 - 3
        String d = Disassembler.dump(p);
        assertTrue(d.contains("r1 = 0xfffffffffffffffe"), d);
        assertTrue(d.contains("call pc+1"), d);
    }

    @Test
    void unboundLabelAndHugeOffsetsAreErrors() {
        Asm a = new Asm();
        a.ja(a.newLabel("nowhere"));
        assertThrows(IllegalStateException.class, a::build);
        assertThrows(IllegalArgumentException.class, () -> new Asm().ldx(Size.W, Reg.R0, Reg.R1, 40000));
        assertThrows(IllegalArgumentException.class, () -> new Asm().atomic(Size.B, AtomicOp.ADD, Reg.R0, 0, Reg.R1));
    }

    @Test
    void helperIdsAreTheKernels() {
        assertEquals(1, Helper.MAP_LOOKUP_ELEM.id());
        assertEquals(131, Helper.RINGBUF_RESERVE.id());
        assertEquals(Helper.GET_CURRENT_CGROUP_ID, Helper.of(80));
    }
}
