package io.boxscope.bench.fileio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** open(2) flags: the running system's values (asked of Python's os module) and the arm64 table. */
class OpenFlagsTest {
    @Test
    void runningArchitectureMatchesWhatPythonsOsModuleSays() throws Exception {
        // Python's os.O_* come from the C library headers of this machine: an independent source.
        Process p = new ProcessBuilder("python3", "-c",
                "import os; print(os.O_DIRECT, os.O_NOFOLLOW, os.O_CREAT, os.O_EXCL, os.O_DSYNC, os.O_SYNC, "
                        + "os.O_CLOEXEC, os.O_WRONLY, os.O_RDWR)")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        OpenFlags f = OpenFlags.current();
        assertEquals(out, f.direct() + " " + f.noFollow() + " " + OpenFlags.O_CREAT + " " + OpenFlags.O_EXCL + " "
                + OpenFlags.O_DSYNC + " " + OpenFlags.O_SYNC + " " + OpenFlags.O_CLOEXEC + " " + OpenFlags.O_WRONLY + " "
                + OpenFlags.O_RDWR, "os.arch=" + System.getProperty("os.arch"));
        assertEquals(f.direct(), Posix.O_DIRECT);
        assertEquals(f.noFollow(), Posix.O_NOFOLLOW);
    }

    @Test
    void arm64IsNotX86() {
        // arch/arm64/include/uapi/asm/fcntl.h vs include/uapi/asm-generic/fcntl.h
        OpenFlags arm = OpenFlags.forArch("aarch64");
        OpenFlags x86 = OpenFlags.forArch("amd64");
        assertEquals(65536, arm.direct());
        assertEquals(32768, arm.noFollow());
        assertEquals(16384, x86.direct());
        assertEquals(131072, x86.noFollow());
        assertNotEquals(arm.noFollow(), x86.noFollow());
        assertThrows(UnsupportedOperationException.class, () -> OpenFlags.forArch("mips64el"));
    }

    /**
     * The JVM names of the architectures io.boxscope.bpf.sys.Arch knows (DEVELOPERS.md, "Supported architectures";
     * bench may not depend on bpf, so the list is written here): every one has flags. Values from
     * include/uapi/asm-generic/fcntl.h (riscv64, loongarch64 and s390x include it) and
     * arch/powerpc/include/uapi/asm/fcntl.h.
     */
    @Test
    void everyArchitectureBoxscopeKnows() {
        for (String a : java.util.List.of("amd64", "aarch64", "riscv64", "loongarch64", "s390x", "ppc64le")) {
            OpenFlags.forArch(a);
        }
        for (String generic : java.util.List.of("riscv64", "loongarch64", "s390x")) {
            assertEquals(040000, OpenFlags.forArch(generic).direct(), generic);
            assertEquals(0400000, OpenFlags.forArch(generic).noFollow(), generic);
        }
        assertEquals(0400000, OpenFlags.forArch("ppc64le").direct());
        assertEquals(0100000, OpenFlags.forArch("ppc64le").noFollow());
    }

    /**
     * mips's and sparc's open(2) flags differ beyond O_DIRECT and O_NOFOLLOW (arch/mips/include/uapi/asm/fcntl.h:
     * O_CREAT 0x100; arch/sparc/include/uapi/asm/fcntl.h: O_CREAT 0x200; asm-generic 0100 = 0x40): the refusal says
     * what else to change, where it asked for the two flags only before; and it names the other way out.
     */
    @Test
    void aRefusalSaysWhatDiffersAndWhatToDo() {
        for (String a : java.util.List.of("mips64el", "sparcv9")) {
            String m = assertThrows(UnsupportedOperationException.class, () -> OpenFlags.forArch(a)).getMessage();
            assertTrue(m.contains("'" + a + "'") && m.contains("O_CREAT, O_EXCL, O_DSYNC and O_SYNC differ"), m);
            assertTrue(m.contains("run a benchmark other than fileio") && !m.contains("\n"), m);
        }
    }

}
