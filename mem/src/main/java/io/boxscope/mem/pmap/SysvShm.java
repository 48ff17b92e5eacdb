package io.boxscope.mem.pmap;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.SmapsParser;

/**
 * Finds the device minor of the kernel's internal SysV shared-memory filesystem, which is how
 * pmap tells a real SysV segment ("/SYSV0000abcd (deleted)" on device 00:NN) from a file that
 * merely has "/SYSV" in its name. The minor is assigned at boot, so the only reliable way is
 * the one procps uses: create a private segment, attach it, and look at our own maps
 * (shmget(2), shmat(2), via the FFM API).
 */
final class SysvShm {
    private SysvShm() {}

    private static volatile int cached = -2;

    /** The minor, or -1 if SysV IPC is unavailable here. */
    static int minor() {
        int m = cached;
        if (m == -2) {
            m = discover();
            cached = m;
        }
        return m;
    }

    private static int discover() {
        try {
            Linker linker = Linker.nativeLinker();
            var lookup = linker.defaultLookup();
            MethodHandle shmget = linker.downcallHandle(lookup.find("shmget").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            MethodHandle shmat = linker.downcallHandle(lookup.find("shmat").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle shmdt = linker.downcallHandle(lookup.find("shmdt").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle shmctl = linker.downcallHandle(lookup.find("shmctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            int id = (int) shmget.invokeExact(0 /* IPC_PRIVATE */, 42L, 01000 | 0600 /* IPC_CREAT */);
            if (id < 0) {
                return -1;
            }
            try {
                MemorySegment addr = (MemorySegment) shmat.invokeExact(id, MemorySegment.NULL, 010000 /* SHM_RDONLY */);
                if (addr.address() == -1L) {
                    return -1;
                }
                try {
                    String maps = new String(Files.readAllBytes(Path.of("/proc/self/maps")), StandardCharsets.ISO_8859_1);
                    List<Mapping> ms = SmapsParser.parse(maps, "/proc/self/maps");
                    for (Mapping mp : ms) {
                        if (mp.start() == addr.address() && mp.deviceMajor() == 0 && mp.name().contains("/SYSV")) {
                            return mp.deviceMinor();
                        }
                    }
                    return -1;
                } finally {
                    int ignored = (int) shmdt.invokeExact(addr);
                }
            } finally {
                int ignored = (int) shmctl.invokeExact(id, 0 /* IPC_RMID */, MemorySegment.NULL);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (Throwable t) {
            return -1;
        }
    }
}
