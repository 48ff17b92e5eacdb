package io.boxscope.trace.live;

import java.util.Map;

/**
 * fcntl(2)'s command as sysdig's driver records it (PPM_FCNTL_*, flags.tsv's fcntl_commands table):
 * the driver's fcntl_cmd_to_scap maps the kernel's F_* numbers, which every 64-bit architecture in
 * {@link io.boxscope.bpf.sys.Arch} (x86_64, arm64, riscv64, loongarch64, s390x, ppc64le) takes from
 * include/uapi/asm-generic/fcntl.h and include/uapi/linux/fcntl.h (F_LINUX_SPECIFIC_BASE 1024); a
 * command it does not know is PPM_FCNTL_UNKNOWN (0). The *64 lock commands exist only on 32-bit kernels.
 */
final class FcntlCommands {
    private static final Map<Long, Long> TO_SCAP = Map.ofEntries(
            Map.entry(0L, 1L),        // F_DUPFD
            Map.entry(1L, 2L),        // F_GETFD
            Map.entry(2L, 3L),        // F_SETFD
            Map.entry(3L, 4L),        // F_GETFL
            Map.entry(4L, 5L),        // F_SETFL
            Map.entry(5L, 6L),        // F_GETLK
            Map.entry(6L, 8L),        // F_SETLK
            Map.entry(7L, 9L),        // F_SETLKW
            Map.entry(8L, 10L),       // F_SETOWN
            Map.entry(9L, 12L),       // F_GETOWN
            Map.entry(10L, 13L),      // F_SETSIG
            Map.entry(11L, 15L),      // F_GETSIG
            Map.entry(15L, 21L),      // F_SETOWN_EX
            Map.entry(16L, 22L),      // F_GETOWN_EX
            Map.entry(36L, 30L),      // F_OFD_GETLK
            Map.entry(37L, 31L),      // F_OFD_SETLK
            Map.entry(38L, 32L),      // F_OFD_SETLKW
            Map.entry(1024L, 23L),    // F_SETLEASE
            Map.entry(1025L, 24L),    // F_GETLEASE
            Map.entry(1026L, 27L),    // F_NOTIFY
            Map.entry(1029L, 25L),    // F_CANCELLK
            Map.entry(1030L, 26L),    // F_DUPFD_CLOEXEC
            Map.entry(1031L, 28L),    // F_SETPIPE_SZ
            Map.entry(1032L, 29L));   // F_GETPIPE_SZ

    private FcntlCommands() {}

    /** The PPM_FCNTL_* value of kernel command {@code cmd}, 0 (unknown) for others. */
    static long toScap(long cmd) {
        return TO_SCAP.getOrDefault(cmd & 0xffff_ffffL, 0L);
    }
}
