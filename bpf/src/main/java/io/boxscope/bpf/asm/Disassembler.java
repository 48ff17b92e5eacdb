package io.boxscope.bpf.asm;

import java.util.List;
import java.util.Locale;

/**
 * Renders instructions the way {@code bpftool prog dump xlated} and the verifier log do
 * (kernel/bpf/disasm.c conventions): {@code "   4: (bf) r6 = r1"}, {@code "if r0 == 0x0 goto pc+3"},
 * {@code "*(u64 *)(r10 -8) = r1"}, {@code "call bpf_map_lookup_elem#1"}. Map loads show the fd before
 * loading ({@code map[fd:5]}), since ids exist only once the kernel holds the map.
 */
public final class Disassembler {
    private Disassembler() {}

    /** The whole program, one line per instruction (the second slot of a wide load is skipped). */
    public static String dump(List<Insn> insns) {
        return dump(insns, 0, insns.size(), -1);
    }

    /** Lines for slots [from, to); {@code mark} (or -1) gets a "&gt;" in front, e.g. the verifier's failing insn. */
    public static String dump(List<Insn> insns, int from, int to, int mark) {
        StringBuilder sb = new StringBuilder();
        int start = Math.max(0, from);
        // do not start in the middle of a wide load
        if (start > 0 && insns.get(start - 1).isWideLoad()) {
            start--;
        }
        for (int k = start; k < Math.min(to, insns.size()); k++) {
            Insn i = insns.get(k);
            sb.append(k == mark ? ">" : " ");
            sb.append(String.format(Locale.ROOT, "%4d: (%02x) %s%n", k, i.code(),
                    format(i, i.isWideLoad() && k + 1 < insns.size() ? insns.get(k + 1) : null)));
            if (i.isWideLoad()) {
                k++;
            }
        }
        return sb.toString();
    }

    /** One instruction; {@code next} is the second slot when {@code i} is a 64-bit immediate load. */
    public static String format(Insn i, Insn next) {
        int cls = i.cls();
        String d = "r" + i.dst();
        String s = "r" + i.src();
        return switch (cls) {
            case Insn.ALU, Insn.ALU64 -> alu(i, cls == Insn.ALU64);
            case Insn.LDX -> {
                Size sz = Size.ofBits(i.code() & 0x18);
                String sx = (i.code() & 0xe0) == Insn.MEMSX ? "s" + sz.cType.substring(1) : sz.cType;
                yield d + " = *(" + sx + " *)(" + s + " " + off(i.off()) + ")";
            }
            case Insn.ST -> "*(" + Size.ofBits(i.code() & 0x18).cType + " *)(" + d + " " + off(i.off()) + ") = " + i.imm();
            case Insn.STX -> stx(i);
            case Insn.LD -> ld(i, next);
            case Insn.JMP, Insn.JMP32 -> jmp(i, cls == Insn.JMP32);
            default -> "invalid class " + cls;
        };
    }

    private static String alu(Insn i, boolean is64) {
        String p = is64 ? "r" : "w";
        String d = p + i.dst();
        AluOp op = AluOp.of(i.code() & 0xf0);
        boolean x = (i.code() & Insn.X) != 0;
        if (op == null) {
            return "invalid alu opcode";
        }
        return switch (op) {
            case NEG -> d + " = -" + d;
            case END -> {
                String kind = is64 ? "bswap" : x ? "be" : "le";
                yield "r" + i.dst() + " = " + kind + i.imm() + " r" + i.dst();
            }
            case MOV -> {
                if (x && i.off() != 0) {
                    yield d + " = (s" + i.off() + ")" + p + i.src();
                }
                yield d + " = " + (x ? p + i.src() : Integer.toString(i.imm()));
            }
            default -> {
                String sym = op.symbol;
                if ((op == AluOp.DIV || op == AluOp.MOD) && i.off() == 1) {
                    sym = "s" + sym;
                }
                yield d + " " + sym + " " + (x ? p + i.src() : Integer.toString(i.imm()));
            }
        };
    }

    private static String stx(Insn i) {
        Size sz = Size.ofBits(i.code() & 0x18);
        String mem = "(" + sz.cType + " *)(r" + i.dst() + " " + off(i.off()) + ")";
        if ((i.code() & 0xe0) == Insn.MEM) {
            return "*" + mem + " = r" + i.src();
        }
        if ((i.code() & 0xe0) != Insn.ATOMIC) {
            return "invalid stx mode";
        }
        AtomicOp op = AtomicOp.of(i.imm());
        String p = sz == Size.DW ? "r" : "w";
        String fn = sz == Size.DW ? "atomic64_" : "atomic_";
        if (op == null) {
            return "invalid atomic operation " + i.imm();
        }
        return switch (op) {
            case ADD, OR, AND, XOR -> "lock *" + mem + " " + op.symbol + " " + p + i.src();
            case CMPXCHG -> p + "0 = " + fn + "cmpxchg(" + mem + ", " + p + "0, " + p + i.src() + ")";
            case FETCH_ADD, FETCH_OR, FETCH_AND, FETCH_XOR, XCHG ->
                    p + i.src() + " = " + fn + op.word + "(" + mem + ", " + p + i.src() + ")";
        };
    }

    private static String ld(Insn i, Insn next) {
        if (!i.isWideLoad()) {
            return "legacy packet load (BPF_ABS/BPF_IND) not disassembled";
        }
        int hi = next == null ? 0 : next.imm();
        return switch (i.src()) {
            case Insn.PSEUDO_MAP_FD -> "r" + i.dst() + " = map[fd:" + i.imm() + "]";
            case Insn.PSEUDO_MAP_VALUE -> "r" + i.dst() + " = map[fd:" + i.imm() + "][0]+" + hi;
            case Insn.PSEUDO_BTF_ID -> "r" + i.dst() + " = btf_id " + i.imm();
            default -> {
                long v = ((long) hi << 32) | (i.imm() & 0xffffffffL);
                yield "r" + i.dst() + " = 0x" + Long.toHexString(v);
            }
        };
    }

    private static String jmp(Insn i, boolean is32) {
        int op = i.code() & 0xf0;
        if (op == Insn.EXIT) {
            return "exit";
        }
        if (op == Insn.CALL) {
            if (i.src() == Insn.PSEUDO_CALL) {
                return "call pc" + off(i.imm()).replace(" ", "");
            }
            if (i.src() == Insn.PSEUDO_KFUNC_CALL) {
                return "call kernel-function#" + i.imm();
            }
            Helper h = Helper.of(i.imm());
            return "call " + (h == null ? "unknown" : "bpf_" + h.cName()) + "#" + i.imm();
        }
        if (op == Insn.JA) {
            return "goto pc" + off(is32 ? i.imm() : i.off());
        }
        JmpOp j = JmpOp.of(op);
        if (j == null) {
            return "invalid jump opcode";
        }
        String p = is32 ? "w" : "r";
        String rhs = (i.code() & Insn.X) != 0 ? p + i.src() : "0x" + Integer.toHexString(i.imm());
        return "if " + p + i.dst() + " " + j.symbol + " " + rhs + " goto pc" + off(i.off());
    }

    private static String off(int o) {
        return o < 0 ? Integer.toString(o) : "+" + o;
    }
}
