package io.boxscope.tools.biolatency;

/**
 * biolatency -F's {@code flags = ...} text from a block tracepoint's {@code rwbs} field. libbpf-tools
 * print the request's {@code cmd_flags} (biolatency.c {@code print_cmd_flags}); the tracepoints carry
 * those flags only as rwbs (kernel block/blk-core.c {@code blk_fill_rwbs}: 'F' for PREFLUSH, then the
 * operation W, D, DE, F, R or N, then F for FUA, A for RAHEAD, S for SYNC, M for META). So this prints
 * the flags rwbs keeps, in libbpf-tools' order and words; NoWait, Background, Integrity, Idle, NoMerge
 * and Priority are not in rwbs, and the operations rwbs calls N (write-zeroes, zone operations, driver
 * private) print as {@code Unknown}.
 */
public final class RwbsFlags {
    private RwbsFlags() {}

    public static String text(String rwbs) {
        int i = 0;
        boolean preflush = false;
        if (rwbs.length() >= 2 && rwbs.charAt(0) == 'F' && "WDFRN".indexOf(rwbs.charAt(1)) >= 0) {
            preflush = true;
            i = 1;
        }
        String op = "Unknown";
        if (i < rwbs.length()) {
            switch (rwbs.charAt(i)) {
                case 'W' -> op = "Write";
                case 'R' -> op = "Read";
                case 'F' -> op = "Flush";
                case 'D' -> {
                    if (i + 1 < rwbs.length() && rwbs.charAt(i + 1) == 'E') {
                        op = "SecureErase";
                        i++;
                    } else {
                        op = "Discard";
                    }
                }
                default -> op = "Unknown";
            }
            i++;
        }
        String rest = rwbs.substring(Math.min(i, rwbs.length()));
        StringBuilder sb = new StringBuilder();
        // libbpf-tools' order: NoWait Background ReadAhead PreFlush FUA Integrity Idle NoMerge Priority Metadata Sync
        if (rest.indexOf('A') >= 0) {
            sb.append("ReadAhead-");
        }
        if (preflush) {
            sb.append("PreFlush-");
        }
        if (rest.indexOf('F') >= 0) {
            sb.append("FUA-");
        }
        if (rest.indexOf('M') >= 0) {
            sb.append("Metadata-");
        }
        if (rest.indexOf('S') >= 0) {
            sb.append("Sync-");
        }
        return sb.append(op).toString();
    }
}
