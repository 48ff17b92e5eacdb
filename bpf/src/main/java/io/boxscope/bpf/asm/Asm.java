package io.boxscope.bpf.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * An eBPF assembler: one method per instruction form, labels for jumps (forward or backward, resolved
 * by {@link #build}). Offsets count 8-byte slots relative to the next instruction, as the ISA defines;
 * a 64-bit immediate load occupies two slots, which the label arithmetic accounts for.
 *
 * <pre>{@code
 * Asm a = new Asm();
 * Label out = a.newLabel("out");
 * a.call(Helper.GET_CURRENT_PID_TGID).jmp(JmpOp.JNE, Reg.R0, 0, out).movImm(Reg.R0, 1).bind(out).exit();
 * }</pre>
 */
public final class Asm {
    private final List<Insn> insns = new ArrayList<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private int labels;

    /** An empty program. */
    private final List<MapRef> mapRefs = new ArrayList<>();

    public Asm() {}

    private record Fixup(int at, Label label) {}

    public Label newLabel() {
        return new Label("L" + labels++);
    }

    public Label newLabel(String name) {
        labels++;
        return new Label(name);
    }

    /** Binds the label to the next instruction emitted. */
    public Asm bind(Label l) {
        if (l.position >= 0) {
            throw new IllegalStateException("label " + l.name + " bound twice");
        }
        l.position = insns.size();
        return this;
    }

    /** Number of slots emitted so far. */
    public int size() {
        return insns.size();
    }

    public Asm raw(Insn i) {
        insns.add(i);
        return this;
    }

    // ---- ALU ----
    public Asm alu64(AluOp op, Reg dst, int imm) {
        return raw(new Insn(Insn.ALU64 | op.code | Insn.K, dst.number(), 0, (short) 0, imm));
    }

    public Asm alu64(AluOp op, Reg dst, Reg src) {
        return raw(new Insn(Insn.ALU64 | op.code | Insn.X, dst.number(), src.number(), (short) 0, 0));
    }

    public Asm alu32(AluOp op, Reg dst, int imm) {
        return raw(new Insn(Insn.ALU | op.code | Insn.K, dst.number(), 0, (short) 0, imm));
    }

    public Asm alu32(AluOp op, Reg dst, Reg src) {
        return raw(new Insn(Insn.ALU | op.code | Insn.X, dst.number(), src.number(), (short) 0, 0));
    }

    public Asm mov(Reg dst, Reg src) {
        return alu64(AluOp.MOV, dst, src);
    }

    public Asm movImm(Reg dst, int imm) {
        return alu64(AluOp.MOV, dst, imm);
    }

    public Asm add(Reg dst, int imm) {
        return alu64(AluOp.ADD, dst, imm);
    }

    public Asm add(Reg dst, Reg src) {
        return alu64(AluOp.ADD, dst, src);
    }

    public Asm sub(Reg dst, Reg src) {
        return alu64(AluOp.SUB, dst, src);
    }

    public Asm rsh(Reg dst, int imm) {
        return alu64(AluOp.RSH, dst, imm);
    }

    public Asm lsh(Reg dst, int imm) {
        return alu64(AluOp.LSH, dst, imm);
    }

    public Asm neg(Reg dst) {
        return raw(new Insn(Insn.ALU64 | AluOp.NEG.code, dst.number(), 0, (short) 0, 0));
    }

    /** Byte swap to big endian (htobe) of 16, 32 or 64 bits. */
    public Asm toBe(Reg dst, int bits) {
        return raw(new Insn(Insn.ALU | AluOp.END.code | Insn.X, dst.number(), 0, (short) 0, bits));
    }

    /** Truncate to little endian (htole) of 16, 32 or 64 bits. */
    public Asm toLe(Reg dst, int bits) {
        return raw(new Insn(Insn.ALU | AluOp.END.code | Insn.K, dst.number(), 0, (short) 0, bits));
    }

    // ---- jumps ----
    public Asm ja(Label target) {
        return jump(new Insn(Insn.JMP | Insn.JA, 0, 0, (short) 0, 0), target);
    }

    public Asm jmp(JmpOp op, Reg dst, int imm, Label target) {
        return jump(new Insn(Insn.JMP | op.code | Insn.K, dst.number(), 0, (short) 0, imm), target);
    }

    public Asm jmp(JmpOp op, Reg dst, Reg src, Label target) {
        return jump(new Insn(Insn.JMP | op.code | Insn.X, dst.number(), src.number(), (short) 0, 0), target);
    }

    public Asm jmp32(JmpOp op, Reg dst, int imm, Label target) {
        return jump(new Insn(Insn.JMP32 | op.code | Insn.K, dst.number(), 0, (short) 0, imm), target);
    }

    public Asm jmp32(JmpOp op, Reg dst, Reg src, Label target) {
        return jump(new Insn(Insn.JMP32 | op.code | Insn.X, dst.number(), src.number(), (short) 0, 0), target);
    }

    private Asm jump(Insn i, Label target) {
        fixups.add(new Fixup(insns.size(), target));
        return raw(i);
    }

    public Asm call(Helper h) {
        return raw(new Insn(Insn.JMP | Insn.CALL, 0, 0, (short) 0, h.id()));
    }

    /** A BPF-to-BPF call of the subprogram starting at the label. */
    public Asm call(Label subprogram) {
        fixups.add(new Fixup(insns.size(), subprogram));
        return raw(new Insn(Insn.JMP | Insn.CALL, 0, Insn.PSEUDO_CALL, (short) 0, 0));
    }

    public Asm exit() {
        return raw(new Insn(Insn.JMP | Insn.EXIT, 0, 0, (short) 0, 0));
    }

    // ---- memory ----
    /** dst = *(size *)(src + off) */
    public Asm ldx(Size size, Reg dst, Reg src, int off) {
        return raw(new Insn(Insn.LDX | size.bits | Insn.MEM, dst.number(), src.number(), off16(off), 0));
    }

    /** *(size *)(dst + off) = imm */
    public Asm st(Size size, Reg dst, int off, int imm) {
        return raw(new Insn(Insn.ST | size.bits | Insn.MEM, dst.number(), 0, off16(off), imm));
    }

    /** *(size *)(dst + off) = src */
    public Asm stx(Size size, Reg dst, int off, Reg src) {
        return raw(new Insn(Insn.STX | size.bits | Insn.MEM, dst.number(), src.number(), off16(off), 0));
    }

    /** Atomic operation on *(size *)(dst + off) with src (W or DW only). */
    public Asm atomic(Size size, AtomicOp op, Reg dst, int off, Reg src) {
        if (size != Size.W && size != Size.DW) {
            throw new IllegalArgumentException("atomic operations are 32 or 64 bits, not " + size);
        }
        return raw(new Insn(Insn.STX | size.bits | Insn.ATOMIC, dst.number(), src.number(), off16(off), op.imm));
    }

    /** dst = imm64 (two slots). */
    public Asm ldImm64(Reg dst, long imm) {
        return wide(dst, 0, (int) imm, (int) (imm >>> 32));
    }

    /** dst = pointer to the map with this fd (the kernel rewrites the fd at load). */
    public Asm ldMapFd(Reg dst, int mapFd) {
        return wide(dst, Insn.PSEUDO_MAP_FD, mapFd, 0);
    }

    /** dst = address of the value of the single-element array map {@code mapFd}, plus off. */
    public Asm ldMapValue(Reg dst, int mapFd, int off) {
        return wide(dst, Insn.PSEUDO_MAP_VALUE, mapFd, off);
    }

    /**
     * dst = pointer to the map named {@code mapName}, resolved when the program is loaded
     * ({@code BpfCollection}, or {@code Program.load(spec, maps)}): no descriptor number is baked into the
     * instructions, so programs can be built before their maps exist and the disassembly is stable.
     */
    public Asm ldMap(Reg dst, String mapName) {
        mapRefs.add(new MapRef(insns.size(), mapName, false, 0));
        return wide(dst, Insn.PSEUDO_MAP_FD, 0, 0);
    }

    /** dst = address of the value of the single-element array map named {@code mapName}, plus off (resolved at load). */
    public Asm ldMapValue(Reg dst, String mapName, int off) {
        mapRefs.add(new MapRef(insns.size(), mapName, true, off));
        return wide(dst, Insn.PSEUDO_MAP_VALUE, 0, off);
    }

    /** The symbolic map references made so far ({@link #ldMap}, {@link #ldMapValue(Reg, String, int)}). */
    public List<MapRef> mapRefs() {
        return List.copyOf(mapRefs);
    }

    private Asm wide(Reg dst, int src, int lo, int hi) {
        raw(new Insn(Insn.LD | Size.DW.bits | Insn.IMM, dst.number(), src, (short) 0, lo));
        return raw(new Insn(0, 0, 0, (short) 0, hi));
    }

    private static short off16(int off) {
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + off + " does not fit 16 bits");
        }
        return (short) off;
    }

    /** Resolves every label and returns the program; fails on an unbound label or an offset over 16 bits. */
    public List<Insn> build() {
        List<Insn> out = new ArrayList<>(insns);
        for (Fixup f : fixups) {
            if (f.label.position < 0) {
                throw new IllegalStateException("label " + f.label.name + " is used but never bound");
            }
            int delta = f.label.position - (f.at + 1);
            Insn i = out.get(f.at);
            if (i.code() == (Insn.JMP | Insn.CALL)) {
                out.set(f.at, new Insn(i.code(), i.dst(), i.src(), i.off(), delta));
            } else {
                out.set(f.at, new Insn(i.code(), i.dst(), i.src(), off16(delta), i.imm()));
            }
        }
        return List.copyOf(out);
    }
}
