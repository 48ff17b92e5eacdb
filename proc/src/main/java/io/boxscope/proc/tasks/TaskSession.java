package io.boxscope.proc.tasks;

/**
 * A process's session, process group and controlling terminal, as proc(5) shows them: {@code session},
 * {@code pgrp} and {@code tty_nr} of /proc/PID/stat (fields 6, 5 and 7) and the last {@code NSpgid:} of
 * /proc/PID/status (the group's id in the process's own PID namespace). libscap's process scan reads the same
 * files for sysdig's process list (userspace/libscap/scap_procs.c, libs e5c53d64).
 *
 * @param sid   session id in the host's PID namespace, -1 unknown
 * @param pgid  process group id in the host's PID namespace, -1 unknown
 * @param vpgid process group id in the process's PID namespace, -1 unknown
 * @param tty   the controlling terminal's device number as tty_nr encodes it (minor bits 31..20 and 7..0, major
 *              bits 15..8); 0 for none
 */
public record TaskSession(long sid, long pgid, long vpgid, int tty) {
    /** What a reader that could not read the files reports: ids unknown, no terminal. */
    public static final TaskSession UNKNOWN = new TaskSession(-1, -1, -1, 0);

    /**
     * Parses {@code stat} (one /proc/PID/stat line) and {@code nsPgid} (the value of status's {@code NSpgid:}, or
     * null when the kernel has none): fields are counted after the last {@code )}, since a comm may hold one.
     * Text that is not a stat line gives {@link #UNKNOWN}.
     */
    public static TaskSession parse(String stat, String nsPgid) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return UNKNOWN;
        }
        String[] f = stat.substring(close + 1).strip().split(" ");
        // f[0] is field 3 (state): pgrp is field 5, session 6, tty_nr 7
        if (f.length < 5) {
            return UNKNOWN;
        }
        try {
            long pgid = Long.parseLong(f[2]);
            long sid = Long.parseLong(f[3]);
            int tty = Integer.parseInt(f[4]);
            long vpgid = pgid;
            if (nsPgid != null && !nsPgid.isBlank()) {
                String[] ns = nsPgid.strip().split("\\s+");
                vpgid = Long.parseLong(ns[ns.length - 1]);
            }
            return new TaskSession(sid, pgid, vpgid, tty);
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }
}
