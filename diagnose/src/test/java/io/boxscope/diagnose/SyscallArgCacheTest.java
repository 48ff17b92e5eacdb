package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syscall collector's one BTF fact, the first argument's offset in {@code struct pt_regs}, from the per-boot
 * cache: a cold cache asks the kernel's BTF and stores the answer, a warm one is read back, and an entry that does
 * not parse is asked again and replaced.
 */
@KernelTest
class SyscallArgCacheTest {
    @TempDir
    Path tmp;

    @Test
    void coldWarmAndDamagedCache() throws Exception {
        Arch arch = Arch.current();
        int fromBtf = PtRegs.syscallArgs(Btf.vmlinux(Path.of("/sys")), arch).getFirst();
        Path dir = tmp.resolve("run");
        Files.createDirectory(dir);
        String key = "syscall_arg0_offset " + arch.name().toLowerCase(java.util.Locale.ROOT);

        assertEquals(fromBtf, SyscallCounters.syscallArg0(Path.of("/sys"), arch, Optional.of(BootCache.in(dir, "diagnose",
                BootCache.Scope.KERNEL))));
        String file = Files.readString(dir.resolve("diagnose"));
        assertTrue(file.contains("\n" + key + "\t" + fromBtf + "\n"), file);

        // warm: the stored answer is what is used (a planted different one shows it was read, not recomputed)
        BootCache.in(dir, "diagnose", BootCache.Scope.KERNEL).put(key, Integer.toString(fromBtf + 8));
        assertEquals(fromBtf + 8, SyscallCounters.syscallArg0(Path.of("/sys"), arch, Optional.of(BootCache.in(dir, "diagnose",
                BootCache.Scope.KERNEL))));

        // damaged: asked of BTF again, and the entry replaced
        BootCache.in(dir, "diagnose", BootCache.Scope.KERNEL).put(key, "not a number");
        assertEquals(fromBtf, SyscallCounters.syscallArg0(Path.of("/sys"), arch, Optional.of(BootCache.in(dir, "diagnose",
                BootCache.Scope.KERNEL))));
        assertEquals(Optional.of(Integer.toString(fromBtf)), BootCache.in(dir, "diagnose", BootCache.Scope.KERNEL).get(key));
        // no cache: BTF
        assertEquals(fromBtf, SyscallCounters.syscallArg0(Path.of("/sys"), arch, Optional.empty()));
    }
}
