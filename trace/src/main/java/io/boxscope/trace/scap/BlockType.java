package io.boxscope.trace.scap;

/**
 * Block types of the capture format (libscap userspace/libscap/scap_savefile.h). Every block is
 * {@code u32 type, u32 total length, body, padding to 4 bytes, u32 total length}, little-endian.
 */
final class BlockType {
    static final int SHB = 0x0A0D0D0A;
    static final int SHB_MAGIC = 0x1A2B3C4D;
    static final int MI = 0x201;
    static final int MI_INT = 0x8002ABCD;
    static final int PL_V1 = 0x202, PL_V2 = 0x207, PL_V3 = 0x209, PL_V4 = 0x210, PL_V5 = 0x211, PL_V6 = 0x212,
            PL_V7 = 0x213, PL_V8 = 0x214, PL_V9 = 0x215;
    static final int PL_V1_INT = 0x8000ABCD, PL_V2_INT = 0x8013ABCD, PL_V3_INT = 0x8014ABCD;
    static final int FDL = 0x203, FDL_INT = 0x8001ABCD, FDL_V2 = 0x218;
    static final int EV = 0x204, EV_INT = 0x8010ABCD, EV_V2 = 0x216, EV_V2_LARGE = 0x221;
    static final int EVF = 0x208, EVF_V2 = 0x217, EVF_V2_LARGE = 0x222;
    static final int IL = 0x205, IL_INT = 0x8011ABCD, IL_V2 = 0x219;
    static final int UL = 0x206, UL_INT = 0x8012ABCD, UL_V2 = 0x220;

    private BlockType() {}

    static boolean isEvent(int t) {
        return t == EV || t == EV_INT || t == EV_V2 || t == EV_V2_LARGE || t == EVF || t == EVF_V2 || t == EVF_V2_LARGE;
    }

    static boolean isProcessList(int t) {
        return t == PL_V1 || t == PL_V2 || t == PL_V3 || t == PL_V4 || t == PL_V5 || t == PL_V6 || t == PL_V7
                || t == PL_V8 || t == PL_V9 || t == PL_V1_INT || t == PL_V2_INT || t == PL_V3_INT;
    }

    /** The process list block's version (1 to 9), or 0 for other blocks. */
    static int processListVersion(int t) {
        return switch (t) {
            case PL_V1, PL_V1_INT -> 1;
            case PL_V2, PL_V2_INT -> 2;
            case PL_V3, PL_V3_INT -> 3;
            case PL_V4 -> 4;
            case PL_V5 -> 5;
            case PL_V6 -> 6;
            case PL_V7 -> 7;
            case PL_V8 -> 8;
            case PL_V9 -> 9;
            default -> 0;
        };
    }

    /** Rounds a length up to the next multiple of 4, as every block body is padded. */
    static int padded(int n) {
        return (n + 3) & ~3;
    }

    static String name(int t) {
        return switch (t) {
            case SHB -> "section header";
            case MI, MI_INT -> "machine info";
            case FDL, FDL_INT, FDL_V2 -> "fd list";
            case IL, IL_INT, IL_V2 -> "interface list";
            case UL, UL_INT, UL_V2 -> "user list";
            default -> isEvent(t) ? "event" : isProcessList(t) ? "process list" : String.format("0x%x", t);
        };
    }
}
