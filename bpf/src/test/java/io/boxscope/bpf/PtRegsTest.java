package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.AttachTargets;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.SystemLibs;
import org.junit.jupiter.api.Test;

/**
 * pt_regs offsets: the expectations are read from {@code bpftool btf dump file /sys/kernel/btf/vmlinux format raw}
 * (descending into anonymous members as C does, which arm64's pt_regs needs), and arg0/arg2/retval are proven
 * with a real uprobe and uretprobe on libc's strtol called from this thread with known arguments.
 */
@KernelTest
class PtRegsTest {
    /** The register names of the running architecture's calling convention (the ABI documents, not the kernel). */
    static List<String> argRegs(Arch a) {
        return switch (a) {
            case X86_64 -> List.of("di", "si", "dx", "cx", "r8", "r9");
            case AARCH64 -> List.of("regs[0]", "regs[1]", "regs[2]", "regs[3]", "regs[4]", "regs[5]", "regs[6]", "regs[7]");
            case RISCV64 -> List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7");
            case LOONGARCH64 -> List.of("regs[4]", "regs[5]", "regs[6]", "regs[7]", "regs[8]", "regs[9]", "regs[10]", "regs[11]");
            case S390X -> List.of("gprs[2]", "gprs[3]", "gprs[4]", "gprs[5]", "gprs[6]");
            case PPC64LE -> List.of("gpr[3]", "gpr[4]", "gpr[5]", "gpr[6]", "gpr[7]", "gpr[8]", "gpr[9]", "gpr[10]");
        };
    }

    /**
     * Return value, stack pointer, instruction pointer (plus a byte offset inside it) and syscall number registers
     * (null: none).
     */
    record Special(String ret, String sp, String ip, int ipPlus, String nr) {}

    static Special special(Arch a) {
        return switch (a) {
            case X86_64 -> new Special("ax", "sp", "ip", 0, "orig_ax");
            case AARCH64 -> new Special("regs[0]", "sp", "pc", 0, "syscallno");
            case RISCV64 -> new Special("a0", "sp", "epc", 0, "a7");
            case LOONGARCH64 -> new Special("regs[4]", "regs[3]", "csr_era", 0, "regs[11]");
            case S390X -> new Special("gprs[2]", "gprs[15]", "psw", 8, null); // psw_t {mask; addr} (arch/s390/include/asm/ptrace.h)
            case PPC64LE -> new Special("gpr[3]", "gpr[1]", "nip", 0, "gpr[0]");
        };
    }

    record Member(String name, int type, long bits) {}

    record Type(String kind, int ref, long size, long elems, List<Member> members) {}

    static Map<Integer, Type> bpftoolTypes() throws Exception {
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw")
                .redirectErrorStream(true).start();
        Map<Integer, Type> out = new HashMap<>();
        Pattern head = Pattern.compile("^\\[(\\d+)] (\\w+) '[^']*'(.*)$");
        Pattern mem = Pattern.compile("^\\s+'([^']*)' type_id=(\\d+) bits_offset=(\\d+)");
        Type cur = null;
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher h = head.matcher(line);
                if (h.matches()) {
                    String rest = h.group(3);
                    cur = new Type(h.group(2), num(rest, "type_id="), num(rest, "size="), num(rest, "nr_elems="), new ArrayList<>());
                    out.put(Integer.parseInt(h.group(1)), cur);
                    continue;
                }
                Matcher m = mem.matcher(line);
                if (m.find() && cur != null) {
                    cur.members().add(new Member(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
                }
            }
        }
        assertEquals(0, p.waitFor());
        return out;
    }

    private static int num(String s, String key) {
        Matcher m = Pattern.compile("\\b" + key + "(\\d+)").matcher(s);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Bit offset of {@code name} in struct {@code t}, searching anonymous members; -1 if absent. */
    static long find(Map<Integer, Type> types, Type t, String name) {
        for (Member m : t.members()) {
            if (m.name().equals(name)) {
                return m.bits();
            }
        }
        for (Member m : t.members()) {
            Type inner = types.get(m.type());
            if (m.name().equals("(anon)") && inner != null && (inner.kind().equals("STRUCT") || inner.kind().equals("UNION"))) {
                long o = find(types, inner, name);
                if (o >= 0) {
                    return m.bits() + o;
                }
            }
        }
        return -1;
    }

    static int expected(Map<Integer, Type> types, Type ptRegs, String reg) {
        int b = reg.indexOf('[');
        long bits = find(types, ptRegs, b < 0 ? reg : reg.substring(0, b));
        assertTrue(bits >= 0, "bpftool shows no pt_regs." + reg);
        long off = bits / 8;
        if (b >= 0) {
            off += 8L * Integer.parseInt(reg.substring(b + 1, reg.length() - 1)); // u64 regs[31]
        }
        return (int) off;
    }

    @Test
    void offsetsAreTheKernelsOwn() throws Exception {
        Map<Integer, Type> types = bpftoolTypes();
        Type ptRegs = null;
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw").start();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.matches("^\\[\\d+] STRUCT 'pt_regs' .*")) {
                    ptRegs = types.get(Integer.parseInt(line.substring(1, line.indexOf(']'))));
                }
            }
        }
        p.waitFor();
        assertTrue(ptRegs != null, "bpftool shows no struct pt_regs");
        Arch arch = Arch.current();
        PtRegs regs = AttachTargets.ptRegs();
        List<String> names = argRegs(arch);
        assertEquals(names.size(), regs.args().size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(expected(types, ptRegs, names.get(i)), regs.arg(i), "arg" + i + " = " + names.get(i));
        }
        Special sp = special(arch);
        assertEquals(expected(types, ptRegs, sp.ret()), regs.ret());
        assertEquals(expected(types, ptRegs, sp.sp()), regs.sp());
        assertEquals(expected(types, ptRegs, sp.ip()) + sp.ipPlus(), regs.ip());
        if (sp.nr() == null) {
            assertThrows(UnsupportedOperationException.class, regs::syscallNr);
            assertEquals(-1, arch.ptRegsSyscallNumberOffset());
        } else {
            assertEquals(expected(types, ptRegs, sp.nr()), regs.syscallNr());
            assertEquals(arch.ptRegsSyscallNumberOffset(), regs.syscallNr(), "the hand-kept constant in Arch agrees");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regs.arg(names.size()));
        assertTrue(e.getMessage().contains("stack"), e.getMessage());
    }

    /** slot[i] = *(u64 *)(ctx + offsets[i]) when this thread is {@code tid}. */
    static List<Insn> readRegs(BpfMap slots, int tid, int... offsets) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out);
        for (int i = 0; i < offsets.length; i++) {
            a.st(Size.W, Reg.R10, -4, i).ldMapFd(Reg.R1, slots.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                    .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                    .ldx(Size.DW, Reg.R1, Reg.R6, offsets[i]).stx(Size.DW, Reg.R0, 0, Reg.R1);
        }
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    static long slot(BpfMap m, int i) {
        return MemorySegment.ofArray(m.lookup(io.boxscope.bpf.map.TypedMap.Codec.U32.encode(i)))
                .get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    @Test
    void arg0Arg2AndRetvalOfARealCall() throws Throwable {
        PtRegs regs = AttachTargets.ptRegs();
        Path libc = SystemLibs.libc();
        MethodHandle strtol = Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("strtol")
                .orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
        int tid = Sys.gettid();
        try (Arena arena = Arena.ofConfined();
                BpfMap slots = BpfMap.create(MapSpec.of("test_regs", MapType.ARRAY, 4, 8, 2));
                BpfMap ret = BpfMap.create(MapSpec.of("test_ret", MapType.ARRAY, 4, 8, 1));
                Program entry = Program.load(ProgramSpec.of("regs_entry", ProgramType.KPROBE,
                        readRegs(slots, tid, regs.arg(0), regs.arg(2))));
                Program exit = Program.load(ProgramSpec.of("regs_exit", ProgramType.KPROBE, readRegs(ret, tid, regs.ret())));
                Link in = Attach.uprobe(entry, libc, "strtol", false, Sys.getpid());
                Link out = Attach.uprobe(exit, libc, "strtol", true, Sys.getpid())) {
            MemorySegment text = arena.allocateFrom("4711");
            long v = (long) strtol.invokeExact(text, MemorySegment.NULL, 10);
            assertEquals(4711, v);
            assertEquals(text.address(), slot(slots, 0), "arg0 of strtol (" + in.description() + ")");
            assertEquals(10, slot(slots, 1), "arg2 of strtol");
            assertEquals(4711, slot(ret, 0), "retval of strtol (" + out.description() + ")");
        }
    }
}
