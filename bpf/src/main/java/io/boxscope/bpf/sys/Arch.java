package io.boxscope.bpf.sys;

import java.util.Locale;

/**
 * The CPU architectures whose system call numbers Boxscope knows. Numbers differ per architecture
 * (x86_64: arch/x86/entry/syscalls/syscall_64.tbl; aarch64: the generic table of
 * include/uapi/asm-generic/unistd.h), so every raw call goes through this enum.
 */
public enum Arch {
    X86_64(321, 298, 16, 9, 11, 3, 186, 39, 257, 120),
    AARCH64(280, 241, 29, 222, 215, 57, 178, 172, 56, 280);

    final long bpf;
    final long perfEventOpen;
    final long ioctl;
    final long mmap;
    final long munmap;
    final long close;
    final long gettid;
    final long getpid;
    final long openat;
    private final int ptRegsSyscallNr;

    Arch(long bpf, long perfEventOpen, long ioctl, long mmap, long munmap, long close, long gettid, long getpid,
            long openat, int ptRegsSyscallNr) {
        this.bpf = bpf;
        this.perfEventOpen = perfEventOpen;
        this.ioctl = ioctl;
        this.mmap = mmap;
        this.munmap = munmap;
        this.close = close;
        this.gettid = gettid;
        this.getpid = getpid;
        this.openat = openat;
        this.ptRegsSyscallNr = ptRegsSyscallNr;
    }

    /** The number of openat(2) on this architecture (tests and examples trace it). */
    public long openatNumber() {
        return openat;
    }

    /** Offset in struct pt_regs of the syscall number: orig_ax on x86_64, syscallno on arm64. */
    public int ptRegsSyscallNumberOffset() {
        return ptRegsSyscallNr;
    }

    /** The architecture of this JVM, or an exception naming the unsupported one. */
    public static Arch current() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException("eBPF system calls are implemented for x86_64 and aarch64, not "
                    + a + "; add the architecture's syscall numbers to io.boxscope.bpf.sys.Arch");
        };
    }
}
