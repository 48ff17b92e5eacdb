package io.boxscope.bpf.sys;

import java.util.Locale;

/**
 * The CPU architectures whose system call numbers Boxscope knows. Numbers differ per architecture, so
 * every raw call goes through this enum. Sources (Linux 6.1 UAPI headers as Debian's
 * linux-libc-dev-*-cross packages install them, checked against the kernel's syscall tables):
 * <ul>
 * <li>x86_64: arch/x86/entry/syscalls/syscall_64.tbl;</li>
 * <li>aarch64, riscv64, loongarch64: the generic table, include/uapi/asm-generic/unistd.h (since 6.11
 *     scripts/syscall.tbl): bpf 280, perf_event_open 241, ioctl 29, mmap 222, munmap 215, close 57,
 *     gettid 178, getpid 172, openat 56, rt_sigaction 134;</li>
 * <li>s390x: arch/s390/kernel/syscalls/syscall.tbl;</li>
 * <li>ppc64le: arch/powerpc/kernel/syscalls/syscall.tbl.</li>
 * </ul>
 * The open(2) flags that are not asm-generic's (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE) live here
 * too, from include/uapi/asm-generic/fcntl.h, arch/arm64/include/uapi/asm/fcntl.h and
 * arch/powerpc/include/uapi/asm/fcntl.h (riscv, loongarch and s390 include the generic header).
 * Only x86_64 runs on the machines Boxscope is tested on; the other rows are tables, checked by
 * {@code ArchTablesTest} against values written from these sources.
 */
public enum Arch {
    X86_64(321, 298, 16, 9, 11, 3, 186, 39, 257, 120, 0200000, 0400000, 040000, 0100000, 13),
    AARCH64(280, 241, 29, 222, 215, 57, 178, 172, 56, 280, 040000, 0100000, 0200000, 0400000, 134),
    /** riscv64: pt_regs a7 (epc, ra, sp, gp, tp, t0-t2, s0, s1, a0-a7: arch/riscv/include/asm/ptrace.h). */
    RISCV64(280, 241, 29, 222, 215, 57, 178, 172, 56, 136, 0200000, 0400000, 040000, 0100000, 134),
    /** loongarch64: pt_regs regs[11], a7 (arch/loongarch/include/asm/ptrace.h, syscall.h). */
    LOONGARCH64(280, 241, 29, 222, 215, 57, 178, 172, 56, 88, 0200000, 0400000, 040000, 0100000, 134),
    /**
     * s390x: the syscall number is the low 16 bits of the 32-bit pt_regs.int_code (arch/s390/include/asm/syscall.h),
     * not a 64-bit member: no offset ({@link #ptRegsSyscallNumberOffset} is -1).
     */
    S390X(351, 331, 54, 90, 91, 6, 236, 20, 288, -1, 0200000, 0400000, 040000, 0100000, 174),
    /** ppc64le: pt_regs gpr[0] (arch/powerpc/include/asm/syscall.h). */
    PPC64LE(361, 319, 54, 90, 91, 6, 207, 20, 286, 0, 040000, 0100000, 0400000, 0200000, 173);

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
    private final int oDirectory;
    private final int oNofollow;
    private final int oDirect;
    private final int oLargefile;
    final long rtSigaction;

    Arch(long bpf, long perfEventOpen, long ioctl, long mmap, long munmap, long close, long gettid, long getpid,
            long openat, int ptRegsSyscallNr, int oDirectory, int oNofollow, int oDirect, int oLargefile,
            long rtSigaction) {
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
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
        this.oDirect = oDirect;
        this.oLargefile = oLargefile;
        this.rtSigaction = rtSigaction;
    }

    /** The number of openat(2) on this architecture (tests and examples trace it). */
    public long openatNumber() {
        return openat;
    }

    /** The number of rt_sigaction(2) on this architecture. */
    public long rtSigactionNumber() {
        return rtSigaction;
    }

    /** The number of bpf(2) on this architecture. */
    public long bpfNumber() {
        return bpf;
    }

    /** The number of perf_event_open(2) on this architecture. */
    public long perfEventOpenNumber() {
        return perfEventOpen;
    }

    /**
     * Offset in struct pt_regs of the syscall number: orig_ax on x86_64, syscallno on arm64, a7 on riscv64,
     * regs[11] on loongarch64, gpr[0] on ppc64le; -1 on s390x, where it is half of a 32-bit member.
     */
    public int ptRegsSyscallNumberOffset() {
        return ptRegsSyscallNr;
    }

    /** open(2)'s O_DIRECTORY. */
    public int oDirectory() {
        return oDirectory;
    }

    /** open(2)'s O_NOFOLLOW. */
    public int oNofollow() {
        return oNofollow;
    }

    /** open(2)'s O_DIRECT. */
    public int oDirect() {
        return oDirect;
    }

    /** open(2)'s O_LARGEFILE. */
    public int oLargefile() {
        return oLargefile;
    }

    /**
     * ioctl(2)'s TIOCGWINSZ, a terminal's window size (tty_ioctl(4)): 0x5413 in include/uapi/asm-generic/ioctls.h,
     * which x86, arm64, riscv, loongarch and s390 include; powerpc encodes it as {@code _IOR('t', 104, struct
     * winsize)}, 0x40087468 (arch/powerpc/include/uapi/asm/ioctls.h).
     */
    public long tiocgwinsz() {
        return switch (this) {
            case X86_64, AARCH64, RISCV64, LOONGARCH64, S390X -> 0x5413;
            case PPC64LE -> 0x40087468L;
        };
    }

    /**
     * Debian's multiarch tuple, the directory of the architecture's libraries ({@code /lib/x86_64-linux-gnu}):
     * dpkg-architecture's DEB_HOST_MULTIARCH for amd64, arm64, riscv64, loong64, s390x and ppc64el.
     */
    public String multiarch() {
        return switch (this) {
            case X86_64 -> "x86_64-linux-gnu";
            case AARCH64 -> "aarch64-linux-gnu";
            case RISCV64 -> "riscv64-linux-gnu";
            case LOONGARCH64 -> "loongarch64-linux-gnu";
            case S390X -> "s390x-linux-gnu";
            case PPC64LE -> "powerpc64le-linux-gnu";
        };
    }

    /** The name Linux gives the architecture ({@code uname -m}): x86_64, aarch64, riscv64, loongarch64, s390x, ppc64le. */
    public String unameMachine() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The architecture of this JVM, or an exception naming the unsupported one. */
    public static Arch current() {
        return of(System.getProperty("os.arch", ""));
    }

    /**
     * The architecture of a JVM {@code os.arch} name (amd64, aarch64, riscv64, loongarch64, s390x, ppc64le) or of
     * {@code uname -m}; an {@link UnsupportedOperationException} with a one-line message for any other.
     */
    public static Arch of(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "riscv64" -> RISCV64;
            case "loongarch64" -> LOONGARCH64;
            case "s390x" -> S390X;
            case "ppc64le" -> PPC64LE;
            default -> throw new UnsupportedOperationException("architecture '" + osArch + "' is not supported: Boxscope"
                    + " knows the system call numbers of x86_64, aarch64, riscv64, loongarch64, s390x and ppc64le only"
                    + " (add the architecture to io.boxscope.bpf.sys.Arch)");
        };
    }
}
