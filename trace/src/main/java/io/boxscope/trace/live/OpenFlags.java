package io.boxscope.trace.live;

import io.boxscope.bpf.sys.Arch;

/**
 * open(2) flags and modes as sysdig's driver records them: {@code open_flags_to_scap} and
 * {@code open_modes_to_scap} of falcosecurity/libs driver/ppm_flag_helpers.h (the PPM_O_* values of
 * flags.tsv's file_flags table). The kernel's O_* values differ by architecture
 * (include/uapi/asm-generic/fcntl.h, arch/arm64 and arch/powerpc's asm/fcntl.h: {@link Arch}); the driver's tests are
 * {@code flags & O_X}, so multi-bit constants (O_SYNC = __O_SYNC|O_DSYNC, O_TMPFILE = __O_TMPFILE|O_DIRECTORY)
 * match when any of their bits is set, and so do ours.
 */
public final class OpenFlags {
    private final int directory;
    private final int direct;
    private final int largefile;

    private OpenFlags(int directory, int direct, int largefile) {
        this.directory = directory;
        this.direct = direct;
        this.largefile = largefile;
    }

    public static OpenFlags of(Arch arch) {
        return new OpenFlags(arch.oDirectory(), arch.oDirect(), arch.oLargefile());
    }

    /** PPM_O_* flags of the kernel's open flags. */
    public long toScap(long flags) {
        long res = switch ((int) (flags & 3)) {
            case 1 -> 2; // PPM_O_WRONLY
            case 2 -> 3; // PPM_O_RDWR
            default -> 1; // PPM_O_RDONLY
        };
        if ((flags & 0100) != 0) {
            res |= 4; // O_CREAT
        }
        if ((flags & 02000) != 0) {
            res |= 8; // O_APPEND
        }
        if ((flags & 010000) != 0) {
            res |= 16; // O_DSYNC
        }
        if ((flags & 0200) != 0) {
            res |= 32; // O_EXCL
        }
        if ((flags & 04000) != 0) {
            res |= 64; // O_NONBLOCK
        }
        if ((flags & (04000000 | 010000)) != 0) {
            res |= 128; // O_SYNC
        }
        if ((flags & 01000) != 0) {
            res |= 256; // O_TRUNC
        }
        if ((flags & direct) != 0) {
            res |= 512;
        }
        if ((flags & directory) != 0) {
            res |= 1024;
        }
        if ((flags & largefile) != 0) {
            res |= 2048;
        }
        if ((flags & 02000000) != 0) {
            res |= 4096; // O_CLOEXEC
        }
        if ((flags & (020000000 | directory)) != 0) {
            res |= 8192; // O_TMPFILE
        }
        return res;
    }

    /** The mode the driver records: the permission bits when the call may create a file, else 0. */
    public long mode(long flags, long mode) {
        return (flags & 0100) != 0 || (flags & (020000000 | directory)) != 0 ? mode & 07777 : 0;
    }
}
