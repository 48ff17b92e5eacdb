package io.boxscope.bpf.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.elf.ElfException;
import io.boxscope.bpf.elf.UsdtArg;
import io.boxscope.bpf.syscalls.SyscallTable;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every architecture's tables against values written here from the primary sources, not from the code: the
 * kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h and
 * scripts/syscall.tbl, arch/s390/kernel/syscalls/syscall.tbl, arch/powerpc/kernel/syscalls/syscall.tbl), the
 * fcntl.h UAPI headers and libbpf's usdt.c. Nothing here needs the architecture it checks, so all six run on
 * any machine.
 */
class ArchTablesTest {
    /** A few syscall numbers per architecture, from the tables cited above. */
    private static final Map<Arch, Map<String, Integer>> KNOWN = Map.of(
            Arch.X86_64, Map.of("read", 0, "openat", 257, "bpf", 321, "perf_event_open", 298, "newfstatat", 262),
            Arch.AARCH64, Map.of("openat", 56, "bpf", 280, "renameat", 38, "fadvise64", 223, "name_to_handle_at", 264),
            Arch.RISCV64, Map.of("openat", 56, "bpf", 280, "riscv_hwprobe", 258, "riscv_flush_icache", 259,
                    "newfstatat", 79),
            Arch.LOONGARCH64, Map.of("openat", 56, "bpf", 280, "close", 57, "newfstatat", 79, "clone3", 435),
            Arch.S390X, Map.of("open", 5, "openat", 288, "bpf", 351, "perf_event_open", 331, "s390_runtime_instr", 342,
                    "newfstatat", 293),
            Arch.PPC64LE, Map.of("open", 5, "openat", 286, "bpf", 361, "perf_event_open", 319, "switch_endian", 363,
                    "newfstatat", 291));

    /** Names an architecture's table must not have (the generic table's optional calls these ports leave out). */
    private static final Map<Arch, List<String>> ABSENT = Map.of(
            Arch.X86_64, List.of("riscv_flush_icache"),
            Arch.AARCH64, List.of("open", "riscv_flush_icache"),
            Arch.RISCV64, List.of("open", "renameat"),
            Arch.LOONGARCH64, List.of("open", "renameat", "getrlimit", "setrlimit"),
            Arch.S390X, List.of("riscv_flush_icache"),
            Arch.PPC64LE, List.of("riscv_flush_icache", "memfd_secret"));

    /**
     * arch/powerpc/kernel/syscalls/syscall.tbl keeps the line "# 447 reserved for memfd_secret" from 5.14 through
     * trees newer than 6.18 (the last one read had 473 mq_sendmmsg): 447 is no call on powerpc, so the table
     * leaves it unnamed; s390 and x86_64 wire it ("447 common memfd_secret").
     */
    @Test
    void ppc64leReservesButDoesNotAssign447() {
        assertEquals("[unknown: 447]", SyscallTable.of(Arch.PPC64LE).name(447));
        assertEquals(-1, SyscallTable.of(Arch.PPC64LE).number("memfd_secret"));
        assertEquals("process_mrelease", SyscallTable.of(Arch.PPC64LE).name(448));
        assertEquals("landlock_restrict_self", SyscallTable.of(Arch.PPC64LE).name(446));
        assertEquals("memfd_secret", SyscallTable.of(Arch.S390X).name(447));
        assertEquals("memfd_secret", SyscallTable.of(Arch.X86_64).name(447));
    }

    @Test
    void everyTableCoversEveryArchitecture() {
        Set<Arch> all = EnumSet.allOf(Arch.class);
        assertEquals(all, KNOWN.keySet(), "a new Arch needs known syscall numbers here");
        assertEquals(all, ABSENT.keySet());
        for (Arch a : Arch.values()) {
            SyscallTable t = SyscallTable.of(a);
            assertEquals(a, t.arch());
            // trace's CaptureProbe and diagnose's SyscallCounters size their maps for numbers below 1024
            int max = t.all().keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertTrue(max >= 450 && max < 1024, a + ": highest syscall " + max);
            assertFalse(a.multiarch().isEmpty());
            assertEquals(a, Arch.of(a.unameMachine()), "uname -m maps back");
        }
    }

    @Test
    void syscallNumbersFromTheKernelTables() {
        KNOWN.forEach((arch, known) -> {
            SyscallTable t = SyscallTable.of(arch);
            known.forEach((name, nr) -> {
                assertEquals(nr, t.number(name), arch + " " + name);
                assertEquals(name, t.name(nr), arch + " " + nr);
            });
            for (String absent : ABSENT.get(arch)) {
                assertEquals(-1, t.number(absent), arch + " has no " + absent);
            }
        });
        // every architecture numbers the calls added since 5.1 alike: 451 cachestat ... 469 file_setattr
        for (Arch a : Arch.values()) {
            // Sys.resetSignalToDefault's number, against the kernel's table (x86_64 13, generic 134, s390 174, ppc 173)
            assertEquals(SyscallTable.of(a).number("rt_sigaction"), a.rtSigactionNumber(), a + " rt_sigaction");
            assertEquals("cachestat", SyscallTable.of(a).name(451), a.toString());
            assertEquals("file_setattr", SyscallTable.of(a).name(469), a.toString());
        }
    }

    @Test
    void rawCallNumbersAgreeWithTheNameTables() {
        for (Arch a : Arch.values()) {
            SyscallTable t = SyscallTable.of(a);
            assertEquals(t.number("bpf"), a.bpf, a.toString());
            assertEquals(t.number("perf_event_open"), a.perfEventOpen, a.toString());
            assertEquals(t.number("ioctl"), a.ioctl, a.toString());
            assertEquals(t.number("mmap"), a.mmap, a.toString());
            assertEquals(t.number("munmap"), a.munmap, a.toString());
            assertEquals(t.number("close"), a.close, a.toString());
            assertEquals(t.number("gettid"), a.gettid, a.toString());
            assertEquals(t.number("getpid"), a.getpid, a.toString());
            assertEquals(t.number("openat"), a.openatNumber(), a.toString());
        }
        // and against the literal values the sources give
        assertEquals(280, Arch.RISCV64.bpfNumber());
        assertEquals(280, Arch.LOONGARCH64.bpfNumber());
        assertEquals(351, Arch.S390X.bpfNumber());
        assertEquals(361, Arch.PPC64LE.bpfNumber());
        assertEquals(331, Arch.S390X.perfEventOpenNumber());
        assertEquals(319, Arch.PPC64LE.perfEventOpenNumber());
    }

    @Test
    void openFlagsPerArchitecture() {
        // include/uapi/asm-generic/fcntl.h
        for (Arch a : List.of(Arch.X86_64, Arch.RISCV64, Arch.LOONGARCH64, Arch.S390X)) {
            assertEquals(List.of(0200000, 0400000, 040000, 0100000), List.of(a.oDirectory(), a.oNofollow(), a.oDirect(),
                    a.oLargefile()), a.toString());
        }
        // arch/arm64/include/uapi/asm/fcntl.h
        assertEquals(List.of(040000, 0100000, 0200000, 0400000), List.of(Arch.AARCH64.oDirectory(), Arch.AARCH64.oNofollow(),
                Arch.AARCH64.oDirect(), Arch.AARCH64.oLargefile()));
        // arch/powerpc/include/uapi/asm/fcntl.h
        assertEquals(List.of(040000, 0100000, 0400000, 0200000), List.of(Arch.PPC64LE.oDirectory(), Arch.PPC64LE.oNofollow(),
                Arch.PPC64LE.oDirect(), Arch.PPC64LE.oLargefile()));
    }

    @Test
    void windowSizeRequestPerArchitecture() {
        // include/uapi/asm-generic/ioctls.h (x86's, arm64's, riscv's, loongarch's and s390's asm/ioctls.h include it)
        for (Arch a : List.of(Arch.X86_64, Arch.AARCH64, Arch.RISCV64, Arch.LOONGARCH64, Arch.S390X)) {
            assertEquals(0x5413, a.tiocgwinsz(), a.toString());
        }
        // arch/powerpc/include/uapi/asm/ioctls.h: _IOR('t', 104, struct winsize) with powerpc's asm/ioctl.h
        // (_IOC_READ 2 at bit 29, a 13-bit size of 8 at bit 16, type 't' at bit 8, number 104)
        assertEquals((2L << 29) | (8 << 16) | ('t' << 8) | 104, Arch.PPC64LE.tiocgwinsz());
    }

    @Test
    void jvmNamesAndTheOneLineRefusal() {
        assertEquals(Arch.X86_64, Arch.of("amd64"));
        assertEquals(Arch.AARCH64, Arch.of("aarch64"));
        assertEquals(Arch.RISCV64, Arch.of("riscv64"));
        assertEquals(Arch.LOONGARCH64, Arch.of("loongarch64"));
        assertEquals(Arch.S390X, Arch.of("s390x"));
        assertEquals(Arch.PPC64LE, Arch.of("ppc64le"));
        for (String other : List.of("ppc64", "mips64el", "sparcv9", "arm", "")) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Arch.of(other));
            assertTrue(e.getMessage().contains("'" + other + "'") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void usdtOperandsPerArchitecture() throws ElfException {
        // libbpf usdt.c's examples: riscv "-8@-88(s0)", "-8@a1", "4@5"; s390x "-2@-28(%r15)", "-8@%r0", "4@71"
        assertEquals(List.of(new UsdtArg(8, true, UsdtArg.Where.MEMORY, "s0", -88),
                new UsdtArg(8, true, UsdtArg.Where.REGISTER, "a1", 0), new UsdtArg(4, false, UsdtArg.Where.CONSTANT, "", 5)),
                UsdtArg.parseAll("-8@-88(s0) -8@a1 4@5", Arch.RISCV64));
        assertEquals(List.of(new UsdtArg(2, true, UsdtArg.Where.MEMORY, "gprs[15]", -28),
                new UsdtArg(8, true, UsdtArg.Where.REGISTER, "gprs[0]", 0), new UsdtArg(4, false, UsdtArg.Where.CONSTANT, "", 71)),
                UsdtArg.parseAll("-2@-28(%r15) -8@%r0 4@71", Arch.S390X));
        assertThrows(ElfException.class, () -> UsdtArg.parse("8@%r16", Arch.S390X));
        assertThrows(ElfException.class, () -> UsdtArg.parse("8@x3", Arch.RISCV64));
        for (Arch a : List.of(Arch.LOONGARCH64, Arch.PPC64LE)) {
            ElfException e = assertThrows(ElfException.class, () -> UsdtArg.parse("8@-8(31)", a));
            assertTrue(e.getMessage().contains(a.unameMachine()), e.getMessage());
        }
    }
}
