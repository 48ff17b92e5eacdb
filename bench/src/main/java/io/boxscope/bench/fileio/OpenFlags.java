package io.boxscope.bench.fileio;

import java.util.Locale;

/**
 * open(2) flag values of the running architecture. Most are the same everywhere Linux runs Java,
 * but O_DIRECT, O_NOFOLLOW (and O_DIRECTORY, O_LARGEFILE) are not: the generic values of
 * include/uapi/asm-generic/fcntl.h (x86_64, riscv64, s390x, loongarch64) are overridden in
 * arch/arm64/include/uapi/asm/fcntl.h and arch/powerpc/include/uapi/asm/fcntl.h. Using x86_64's
 * numbers on arm64 would ask for O_LARGEFILE instead of O_NOFOLLOW (the symlink protection of the
 * test files would silently vanish) and O_DIRECTORY instead of O_DIRECT. An architecture not in
 * the table is refused with a message rather than guessed: on mips and sparc (Java's mips64el,
 * sparcv9) even the flags this record keeps as constants differ (arch/mips/include/uapi/asm/fcntl.h:
 * O_CREAT 0x100, O_EXCL 0x400, O_DSYNC 0x10, O_SYNC 0x4010; arch/sparc/include/uapi/asm/fcntl.h:
 * O_CREAT 0x200, O_EXCL 0x800, O_DSYNC 0x2000, O_CLOEXEC 0x400000), so adding such an architecture
 * means making those per-architecture too, which the refusal says.
 *
 * @param direct O_DIRECT
 * @param noFollow O_NOFOLLOW
 */
record OpenFlags(String arch, int direct, int noFollow) {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    /** Same on every architecture below (asm-generic/fcntl.h; arm64 and powerpc keep them). */
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_DSYNC = 010000;
    static final int O_SYNC = 04010000;
    static final int O_CLOEXEC = 02000000;

    /** The running JVM's architecture, from os.arch. */
    static OpenFlags current() {
        return forArch(System.getProperty("os.arch", ""));
    }

    /** The table, by Java's os.arch names. */
    static OpenFlags forArch(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        return switch (a) {
            // asm-generic: O_DIRECT 00040000, O_NOFOLLOW 00400000
            case "amd64", "x86_64", "riscv64", "s390x", "loongarch64" -> new OpenFlags(a, 040000, 0400000);
            // arm64: O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000, O_LARGEFILE 0400000
            case "aarch64", "arm64" -> new OpenFlags(a, 0200000, 0100000);
            // powerpc: O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_LARGEFILE 0200000, O_DIRECT 0400000
            case "ppc64le", "ppc64" -> new OpenFlags(a, 0400000, 0100000);
            default -> throw new UnsupportedOperationException("bench fileio cannot open its test files on architecture '"
                    + osArch + "': its open(2) flags are not in Boxscope's table (known: amd64, aarch64, riscv64, s390x,"
                    + " loongarch64, ppc64le, ppc64); run a benchmark other than fileio, or add its O_DIRECT and O_NOFOLLOW"
                    + " to io.boxscope.bench.fileio.OpenFlags from the kernel's arch/<arch>/include/uapi/asm/fcntl.h (on mips"
                    + " and sparc O_CREAT, O_EXCL, O_DSYNC and O_SYNC differ from asm-generic's too)");
        };
    }
}
