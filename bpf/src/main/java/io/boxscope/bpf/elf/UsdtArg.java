package io.boxscope.bpf.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.sys.Arch;

/**
 * One USDT argument spec ({@code -4@%eax}, {@code 8@-8(%rbp)}, {@code 8@[sp, 16]}): its size and sign (a
 * negative size is signed) and where the value is when the probe fires — in a register, in memory at a
 * register plus an offset, or a constant. The spec is assembler operand syntax of the architecture the file
 * was built for ({@code sys/sdt.h} passes the compiler's {@code "nor"} operand through), so parsing takes
 * the {@link Arch}: AT&amp;T syntax on x86_64, {@code xN}/{@code [xN, off]} on aarch64, {@code a1}/{@code -88(s0)}
 * on riscv64, {@code %r2}/{@code -28(%r15)} on s390x (libbpf's src/usdt.c parses the same forms). libbpf has no
 * parser for loongarch64 or ppc64le and neither has Boxscope: their specs are refused with the architecture named. Registers are named by their {@code struct pt_regs} member ({@code ax},
 * {@code regs[3]}, {@code sp}), whose offset the kernel's BTF gives.
 */
public record UsdtArg(int size, boolean signed, Where where, String register, long value) {
    /** REGISTER: the register's low {@code size} bytes; MEMORY: {@code size} bytes at register + value; CONSTANT: value. */
    public enum Where { REGISTER, MEMORY, CONSTANT }

    /** x86_64 register names (64/32/16/8-bit) to pt_regs members (arch/x86/include/asm/ptrace.h). */
    private static final Map<String, String> X86 = x86();

    private static Map<String, String> x86() {
        Map<String, String> m = new java.util.HashMap<>();
        for (String r : List.of("ax", "bx", "cx", "dx")) {
            m.put("r" + r, r);
            m.put("e" + r, r);
            m.put(r, r);
            m.put(r.charAt(0) + "l", r);
            m.put(r.charAt(0) + "h", r + "#h");
        }
        for (String r : List.of("si", "di", "bp", "sp")) {
            m.put("r" + r, r);
            m.put("e" + r, r);
            m.put(r, r);
            m.put(r + "l", r);
        }
        for (int i = 8; i <= 15; i++) {
            for (String suffix : List.of("", "d", "w", "b")) {
                m.put("r" + i + suffix, "r" + i);
            }
        }
        m.put("rip", "ip");
        return Map.copyOf(m);
    }

    private static final Pattern SPEC = Pattern.compile("(-?)(1|2|4|8)@(.+)");
    private static final Pattern X86_MEM = Pattern.compile("(-?(?:0x[0-9a-fA-F]+|[0-9]+)?)\\(%([a-z0-9]+)\\)");
    private static final Pattern ARM_MEM = Pattern.compile("\\[([a-z0-9]+)(?:,\\s*(-?(?:0x[0-9a-fA-F]+|[0-9]+)))?\\]");

    /** Parses a whole argument string of a note for the running architecture. */
    public static List<UsdtArg> parseAll(String args) throws ElfException {
        return parseAll(args, Arch.current());
    }

    /** Parses a whole argument string ({@code 8@%rbx -4@112(%rsp)}); spaces inside brackets belong to the operand. */
    public static List<UsdtArg> parseAll(String args, Arch arch) throws ElfException {
        List<UsdtArg> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (char c : (args.strip() + " ").toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (c == ' ' && depth == 0) {
                if (!cur.isEmpty()) {
                    out.add(parse(cur.toString(), arch));
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        return List.copyOf(out);
    }

    /** One spec, e.g. {@code -4@%eax}. */
    public static UsdtArg parse(String spec, Arch arch) throws ElfException {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new ElfException("USDT argument '" + spec + "': expected SIZE@OPERAND with SIZE 1, 2, 4 or 8 (- for signed)");
        }
        int size = Integer.parseInt(m.group(2));
        boolean signed = !m.group(1).isEmpty();
        String op = m.group(3);
        return switch (arch) {
            case X86_64 -> x86(spec, size, signed, op);
            case AARCH64 -> arm64(spec, size, signed, op);
            case RISCV64 -> riscv(spec, size, signed, op);
            case S390X -> s390(spec, size, signed, op);
            case LOONGARCH64, PPC64LE -> throw new ElfException("USDT argument '" + spec + "': reading USDT arguments is not"
                    + " supported on " + arch.unameMachine() + " (the operand syntax is known for x86_64, aarch64, riscv64"
                    + " and s390x only)");
        };
    }

    private static UsdtArg x86(String spec, int size, boolean signed, String op) throws ElfException {
        if (op.startsWith("$")) {
            return new UsdtArg(size, signed, Where.CONSTANT, "", number(spec, op.substring(1)));
        }
        if (op.startsWith("%")) {
            return new UsdtArg(size, signed, Where.REGISTER, x86Register(spec, op.substring(1)), 0);
        }
        Matcher m = X86_MEM.matcher(op);
        if (m.matches()) {
            long off = m.group(1).isEmpty() || m.group(1).equals("-") ? 0 : number(spec, m.group(1));
            return new UsdtArg(size, signed, Where.MEMORY, x86Register(spec, m.group(2)), off);
        }
        throw new ElfException("USDT argument '" + spec + "': operand " + op + " is not supported "
                + "(register, constant or offset(register) only; not symbol-relative or indexed addressing)");
    }

    private static String x86Register(String spec, String name) throws ElfException {
        String r = X86.get(name);
        if (r == null || r.endsWith("#h")) {
            throw new ElfException("USDT argument '" + spec + "': register %" + name + " is not supported");
        }
        return r;
    }

    private static UsdtArg arm64(String spec, int size, boolean signed, String op) throws ElfException {
        Matcher m = ARM_MEM.matcher(op);
        if (m.matches()) {
            long off = m.group(2) == null ? 0 : number(spec, m.group(2));
            return new UsdtArg(size, signed, Where.MEMORY, armRegister(spec, m.group(1)), off);
        }
        if (op.matches("-?(0x[0-9a-fA-F]+|[0-9]+)")) {
            return new UsdtArg(size, signed, Where.CONSTANT, "", number(spec, op));
        }
        return new UsdtArg(size, signed, Where.REGISTER, armRegister(spec, op), 0);
    }

    /** riscv64 register names (libbpf usdt.c's calc_pt_regs_off), which are pt_regs members (arch/riscv/include/asm/ptrace.h). */
    private static final Pattern RISCV_REG = Pattern.compile("ra|sp|gp|tp|a[0-7]|s[0-9]|s1[01]|t[0-6]");
    private static final Pattern RISCV_MEM = Pattern.compile("(-?(?:0x[0-9a-fA-F]+|[0-9]+))\\(([a-z0-9]+)\\)");

    private static UsdtArg riscv(String spec, int size, boolean signed, String op) throws ElfException {
        Matcher m = RISCV_MEM.matcher(op);
        if (m.matches()) {
            return new UsdtArg(size, signed, Where.MEMORY, riscvRegister(spec, m.group(2)), number(spec, m.group(1)));
        }
        if (op.matches("-?(0x[0-9a-fA-F]+|[0-9]+)")) {
            return new UsdtArg(size, signed, Where.CONSTANT, "", number(spec, op));
        }
        return new UsdtArg(size, signed, Where.REGISTER, riscvRegister(spec, op), 0);
    }

    private static String riscvRegister(String spec, String name) throws ElfException {
        if (RISCV_REG.matcher(name).matches()) {
            return name;
        }
        throw new ElfException("USDT argument '" + spec + "': register " + name + " is not supported");
    }

    /** s390x: {@code %rN} is pt_regs gprs[N], N 0-15 (libbpf usdt.c). */
    private static final Pattern S390_MEM = Pattern.compile("(-?(?:0x[0-9a-fA-F]+|[0-9]+))\\(%r([0-9]+)\\)");

    private static UsdtArg s390(String spec, int size, boolean signed, String op) throws ElfException {
        Matcher m = S390_MEM.matcher(op);
        if (m.matches()) {
            return new UsdtArg(size, signed, Where.MEMORY, s390Register(spec, m.group(2)), number(spec, m.group(1)));
        }
        if (op.startsWith("%r")) {
            return new UsdtArg(size, signed, Where.REGISTER, s390Register(spec, op.substring(2)), 0);
        }
        if (op.matches("-?(0x[0-9a-fA-F]+|[0-9]+)")) {
            return new UsdtArg(size, signed, Where.CONSTANT, "", number(spec, op));
        }
        throw new ElfException("USDT argument '" + spec + "': operand " + op + " is not supported (%rN, OFF(%rN) or a constant)");
    }

    private static String s390Register(String spec, String n) throws ElfException {
        if (n.matches("[0-9]|1[0-5]")) {
            return "gprs[" + n + "]";
        }
        throw new ElfException("USDT argument '" + spec + "': register %r" + n + " is not supported (s390x has %r0-%r15)");
    }

    private static String armRegister(String spec, String name) throws ElfException {
        if (name.equals("sp")) {
            return "sp";
        }
        if (name.matches("[xw]([0-9]|[12][0-9]|30)")) {
            return "regs[" + name.substring(1) + "]";
        }
        throw new ElfException("USDT argument '" + spec + "': register " + name + " is not supported");
    }

    private static long number(String spec, String s) throws ElfException {
        try {
            boolean neg = s.startsWith("-");
            String t = neg ? s.substring(1) : s;
            long v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new ElfException("USDT argument '" + spec + "': bad number " + s);
        }
    }
}
