package io.boxscope.bpf.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import io.boxscope.bpf.sys.Arch;

/**
 * Where a probed function's arguments and return value sit in {@code struct pt_regs}, the context of
 * kprobe-type programs (uprobes, kprobes) and of perf-event programs. Offsets come from the kernel's
 * BTF description of {@code struct pt_regs}, never typed in: members are chosen by the architecture's
 * calling convention (the register names of arch/*&#47;include/asm/ptrace.h), their offsets read from BTF.
 * <ul>
 * <li>x86_64 (System V AMD64 ABI): arguments in di, si, dx, cx, r8, r9; return in ax; stack pointer sp;
 *     instruction pointer ip; syscall number orig_ax.</li>
 * <li>aarch64 (AAPCS64): arguments in regs[0]–regs[7]; return in regs[0]; sp; pc; syscall number syscallno.</li>
 * <li>riscv64: arguments in a0–a7; return in a0; sp; epc; syscall number a7 (arch/riscv/include/asm/syscall.h).</li>
 * <li>loongarch64: arguments in regs[4]–regs[11] (a0–a7); return in regs[4]; sp regs[3]; csr_era; syscall number
 *     regs[11] (arch/loongarch/include/asm/syscall.h).</li>
 * <li>s390x: arguments in gprs[2]–gprs[6]; return in gprs[2]; sp gprs[15]; psw.addr. The syscall number is the
 *     low 16 bits of the 32-bit int_code (arch/s390/include/asm/syscall.h), which no 64-bit member holds:
 *     {@link #syscallNr()} refuses.</li>
 * <li>ppc64le (ELFv2): arguments in gpr[3]–gpr[10]; return in gpr[3]; sp gpr[1]; nip; syscall number gpr[0]
 *     (arch/powerpc/include/asm/syscall.h).</li>
 * </ul>
 * The argument, return, stack and instruction pointer registers are libbpf's (src/bpf_tracing.h,
 * {@code __PT_PARM*_REG}, {@code __PT_RC_REG}, {@code __PT_SP_REG}, {@code __PT_IP_REG}), named as the kernel's
 * own struct pt_regs names them (riscv's user_regs_struct pc is pt_regs epc).
 * Arguments past the register ones are on the stack and not described here.
 *
 * @param arch      the architecture the layout was made for
 * @param args      byte offsets of the register arguments, in order (bpftrace {@code arg0}, {@code arg1}, ...)
 * @param ret       offset of the return value register (bpftrace {@code retval})
 * @param sp        offset of the stack pointer
 * @param ip        offset of the instruction pointer
 * @param syscallNr offset of the syscall number saved at system call entry; -1 where no 64-bit member holds it
 */
public record PtRegs(Arch arch, List<Integer> args, int ret, int sp, int ip, int syscallNr) {
    public PtRegs {
        args = List.copyOf(args);
    }

    /** The syscall number's offset; an UnsupportedOperationException naming the architecture where there is none. */
    @Override
    public int syscallNr() {
        if (syscallNr < 0) {
            throw new UnsupportedOperationException(arch.unameMachine() + ": struct pt_regs holds the system call number"
                    + " in the low 16 bits of int_code, not in a 64-bit member; reading it at syscall exit is not"
                    + " supported on this architecture");
        }
        return syscallNr;
    }

    /** The layout of {@code struct pt_regs} in {@code btf} for {@code arch}'s calling convention. */
    public static PtRegs of(Btf btf, Arch arch) throws BtfException {
        return switch (arch) {
            case X86_64 -> new PtRegs(arch, offsets(btf, "di", "si", "dx", "cx", "r8", "r9"), offset(btf, "ax"),
                    offset(btf, "sp"), offset(btf, "ip"), offset(btf, "orig_ax"));
            case AARCH64 -> new PtRegs(arch, offsets(btf, "regs[0]", "regs[1]", "regs[2]", "regs[3]", "regs[4]", "regs[5]",
                    "regs[6]", "regs[7]"), offset(btf, "regs[0]"), offset(btf, "sp"), offset(btf, "pc"), offset(btf, "syscallno"));
            case RISCV64 -> new PtRegs(arch, offsets(btf, "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"), offset(btf, "a0"),
                    offset(btf, "sp"), offset(btf, "epc"), offset(btf, "a7"));
            case LOONGARCH64 -> new PtRegs(arch, offsets(btf, "regs[4]", "regs[5]", "regs[6]", "regs[7]", "regs[8]", "regs[9]",
                    "regs[10]", "regs[11]"), offset(btf, "regs[4]"), offset(btf, "regs[3]"), offset(btf, "csr_era"),
                    offset(btf, "regs[11]"));
            case S390X -> new PtRegs(arch, offsets(btf, "gprs[2]", "gprs[3]", "gprs[4]", "gprs[5]", "gprs[6]"),
                    offset(btf, "gprs[2]"), offset(btf, "gprs[15]"), offset(btf, "psw.addr"), -1);
            case PPC64LE -> new PtRegs(arch, offsets(btf, "gpr[3]", "gpr[4]", "gpr[5]", "gpr[6]", "gpr[7]", "gpr[8]",
                    "gpr[9]", "gpr[10]"), offset(btf, "gpr[3]"), offset(btf, "gpr[1]"), offset(btf, "nip"), offset(btf, "gpr[0]"));
        };
    }

    /**
     * Offsets of the six system call arguments in the {@code struct pt_regs} a raw {@code sys_enter}
     * tracepoint receives. They differ from a function call's: x86_64's syscall convention passes the
     * fourth argument in r10, not cx (arch/x86/entry/entry_64.S); aarch64's are regs[0]-regs[5]
     * (arch/arm64/include/asm/syscall.h), the first one read from orig_x0, which keeps it after the
     * return value overwrites regs[0], so the same offsets also work at {@code sys_exit}. Likewise the first
     * argument is orig_a0 on riscv64 and loongarch64, orig_gpr2 on s390x (whose sixth is gprs[7]) and orig_gpr3 on
     * ppc64le (libbpf's {@code __PT_PARM*_SYSCALL_REG}; loongarch's orig_a0 is set at entry by
     * arch/loongarch/kernel/syscall.c, where libbpf reads regs[4]).
     */
    public static List<Integer> syscallArgs(Btf btf, Arch arch) throws BtfException {
        return switch (arch) {
            case X86_64 -> offsets(btf, "di", "si", "dx", "r10", "r8", "r9");
            case AARCH64 -> offsets(btf, "orig_x0", "regs[1]", "regs[2]", "regs[3]", "regs[4]", "regs[5]");
            case RISCV64 -> offsets(btf, "orig_a0", "a1", "a2", "a3", "a4", "a5");
            case LOONGARCH64 -> offsets(btf, "orig_a0", "regs[5]", "regs[6]", "regs[7]", "regs[8]", "regs[9]");
            case S390X -> offsets(btf, "orig_gpr2", "gprs[3]", "gprs[4]", "gprs[5]", "gprs[6]", "gprs[7]");
            case PPC64LE -> offsets(btf, "orig_gpr3", "gpr[4]", "gpr[5]", "gpr[6]", "gpr[7]", "gpr[8]");
        };
    }

    /** Offset of argument {@code i} (0-based); fails for an argument passed on the stack. */
    public int arg(int i) {
        if (i < 0 || i >= args.size()) {
            throw new IllegalArgumentException("arg" + i + ": " + arch + " passes " + args.size()
                    + " arguments in registers (arg0-arg" + (args.size() - 1) + "); later ones are on the stack");
        }
        return args.get(i);
    }

    /**
     * Byte offset of register member {@code reg} of struct pt_regs ({@code ax}, {@code regs[3]}, {@code sp}), e.g.
     * for a USDT argument spec's register ({@link io.boxscope.bpf.elf.UsdtArg#register()}).
     */
    public static int member(Btf btf, String reg) throws BtfException {
        return offset(btf, reg);
    }

    private static List<Integer> offsets(Btf btf, String... regs) throws BtfException {
        List<Integer> out = new ArrayList<>();
        for (String r : regs) {
            out.add(offset(btf, r));
        }
        return out;
    }

    /** Byte offset of member {@code reg} ({@code name} or {@code name[i]}) of struct pt_regs. */
    static int offset(Btf btf, String reg) throws BtfException {
        OptionalInt id = btf.findId("pt_regs", BtfKind.STRUCT);
        if (id.isEmpty()) {
            throw new BtfException("the kernel's BTF has no struct pt_regs");
        }
        int bracket = reg.indexOf('[');
        String name = bracket < 0 ? reg : reg.substring(0, bracket);
        MemberLocation m = btf.member(id.getAsInt(), name);
        if (m.isBitfield() || m.bitOffset() % 8 != 0) {
            throw new BtfException("pt_regs." + name + " is a bitfield");
        }
        long off = m.byteOffset();
        if (bracket >= 0) {
            int index = Integer.parseInt(reg.substring(bracket + 1, reg.length() - 1));
            if (!(btf.type(btf.resolve(m.typeId())) instanceof BtfType.Array a)) {
                throw new BtfException("pt_regs." + name + " is " + btf.typeName(m.typeId()) + ", not an array");
            }
            if (index >= Integer.toUnsignedLong(a.length())) {
                throw new BtfException("pt_regs." + reg + ": the array has " + a.length() + " elements");
            }
            off += index * btf.sizeOf(a.elementType());
        }
        return Math.toIntExact(off);
    }
}
