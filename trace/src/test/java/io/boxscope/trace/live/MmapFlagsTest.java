package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.bpf.sys.Arch;
import org.junit.jupiter.api.Test;

/**
 * Linux's mmap bits (asm-generic/mman-common.h, mman.h) to the driver's PPM_PROT_* / PPM_MAP_* bits
 * (libs e5c53d64 ppm_events_public.h: PROT_READ 1 WRITE 2 EXEC 4 SEM 8 GROWSDOWN 16 GROWSUP 32; MAP_SHARED 1
 * PRIVATE 2 FIXED 4 ANONYMOUS 8 32BIT 16 NORESERVE 64 POPULATE 128 NONBLOCK 256 GROWSDOWN 512 DENYWRITE 1024
 * EXECUTABLE 2048 LOCKED 16384).
 */
class MmapFlagsTest {
    @Test
    void protBits() {
        assertEquals(3, MmapFlags.prot(0x3));
        assertEquals(5, MmapFlags.prot(0x5));
        assertEquals(16 | 1, MmapFlags.prot(0x0100_0001));
        assertEquals(0, MmapFlags.prot(0));
    }

    @Test
    void mapBits() {
        for (Arch generic : new Arch[] {Arch.X86_64, Arch.AARCH64, Arch.RISCV64, Arch.LOONGARCH64, Arch.S390X}) {
            assertEquals(2 | 8, MmapFlags.flags(0x02 | 0x20, generic));                 // MAP_PRIVATE|MAP_ANONYMOUS
            assertEquals(2 | 4 | 1024, MmapFlags.flags(0x02 | 0x10 | 0x800, generic));  // PRIVATE|FIXED|DENYWRITE
            assertEquals(1 | 64 | 128 | 256, MmapFlags.flags(0x01 | 0x4000 | 0x8000 | 0x1_0000, generic));
            assertEquals(512 | 2048 | 16384, MmapFlags.flags(0x100 | 0x1000 | 0x2000, generic));
            assertEquals(0, MmapFlags.flags(0x20_0000, generic)); // MAP_STACK: no PPM bit in the driver
        }
        assertEquals(16, MmapFlags.flags(0x40, Arch.X86_64)); // MAP_32BIT (arch/x86/include/uapi/asm/mman.h)
    }

    /** arch/powerpc/include/uapi/asm/mman.h: MAP_NORESERVE 0x40, MAP_LOCKED 0x80; the rest as asm-generic. */
    @Test
    void powerpcMapBits() {
        assertEquals(2 | 64, MmapFlags.flags(0x02 | 0x40, Arch.PPC64LE));           // PRIVATE|NORESERVE, not 32BIT
        assertEquals(1 | 16384, MmapFlags.flags(0x01 | 0x80, Arch.PPC64LE));        // SHARED|LOCKED
        assertEquals(2 | 8 | 128, MmapFlags.flags(0x02 | 0x20 | 0x8000, Arch.PPC64LE)); // PRIVATE|ANONYMOUS|POPULATE
        assertEquals(0, MmapFlags.flags(0x4000 | 0x2000, Arch.PPC64LE)); // asm-generic/mman.h NORESERVE/LOCKED bits: not mmap flags on powerpc
    }
}
