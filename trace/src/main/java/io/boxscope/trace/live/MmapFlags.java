package io.boxscope.trace.live;

import io.boxscope.bpf.sys.Arch;

/**
 * mmap(2)'s prot and flags as the driver records them (libs e5c53d64 driver/ppm_flag_helpers.h,
 * prot_flags_to_scap and mmap_flags_to_scap; PPM_PROT_* and PPM_MAP_* in driver/ppm_events_public.h).
 * Linux's values are asm-generic/mman-common.h's and mman.h's, which x86_64, arm64, riscv64, loongarch64 and
 * s390x share (MAP_32BIT exists on x86 only; elsewhere nothing sets that bit). powerpc's
 * arch/powerpc/include/uapi/asm/mman.h moves MAP_NORESERVE to 0x40 and MAP_LOCKED to 0x80 (so ppc64le has
 * no MAP_32BIT at 0x40). MAP_FILE is 0 and MAP_RENAME and MAP_INHERIT do
 * not exist on Linux, so their PPM bits are never set, as in the driver.
 */
final class MmapFlags {
    private MmapFlags() {}

    /** {Linux bit, PPM bit} pairs. */
    private static final long[][] PROT = {
            {0x1, 1}, {0x2, 2}, {0x4, 4}, {0x8, 8}, // READ, WRITE, EXEC, SEM
            {0x0100_0000, 16}, {0x0200_0000, 32}, // GROWSDOWN, GROWSUP
    };
    private static final long[][] MAP = {
            {0x01, 1}, {0x02, 2}, {0x10, 4}, {0x20, 8}, // SHARED, PRIVATE, FIXED, ANONYMOUS
            {0x40, 16}, // 32BIT (x86)
            {0x4000, 64}, {0x8000, 128}, {0x1_0000, 256}, // NORESERVE, POPULATE, NONBLOCK
            {0x0100, 512}, {0x0800, 1024}, {0x1000, 2048}, // GROWSDOWN, DENYWRITE, EXECUTABLE
            {0x2000, 16384}, // LOCKED
    };
    private static final long[][] MAP_POWERPC = {
            {0x01, 1}, {0x02, 2}, {0x10, 4}, {0x20, 8}, // SHARED, PRIVATE, FIXED, ANONYMOUS
            {0x40, 64}, {0x80, 16384}, // NORESERVE, LOCKED
            {0x8000, 128}, {0x1_0000, 256}, // POPULATE, NONBLOCK
            {0x0100, 512}, {0x0800, 1024}, {0x1000, 2048}, // GROWSDOWN, DENYWRITE, EXECUTABLE
    };

    static long prot(long linux) {
        return convert(linux, PROT);
    }

    static long flags(long linux) {
        return flags(linux, Arch.current());
    }

    static long flags(long linux, Arch arch) {
        return convert(linux, switch (arch) {
            case PPC64LE -> MAP_POWERPC;
            case X86_64, AARCH64, RISCV64, LOONGARCH64, S390X -> MAP;
        });
    }

    private static long convert(long linux, long[][] table) {
        long out = 0;
        for (long[] p : table) {
            if ((linux & p[0]) != 0) {
                out |= p[1];
            }
        }
        return out;
    }
}
