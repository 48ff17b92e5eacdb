package io.boxscope.trace.scap;

import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.Value;

/**
 * Fields of one system call event computed from its arguments and the tables, as sysdig 0.29 computes them (libs
 * e5c53d64 userspace/libsinsp/filterchecks.cpp): evt.buffer, evt.io_dir, evt.is_wait, evt.is_syslog, evt.type.is,
 * evt.abspath (extract_abspath) and the fdlist class (sinsp_filter_check_fdlist::extract). Pure functions of the
 * event, its thread and fd as {@link ScapFields} worked them out; kept apart so ScapFields stays one switch.
 */
final class CallFields {
    /** PPM_AT_FDCWD (driver/ppm_events_public.h): a *at call's directory fd meaning the cwd. */
    private static final long AT_FDCWD = -100;

    private CallFields() {}

    /** evt.buffer in filters (TYPE_BUFFER with m_is_compare): the raw bytes of the "data" argument, or null. */
    static Value buffer(ScapEvent e, EventInfo info) {
        int i = info.indexOf("data");
        if (i < 0 || i >= e.params().size()) {
            return null;
        }
        return switch (e.value(i)) {
            case ParamValue.Bytes b -> new Value.Bytes(b.bytes());
            case ParamValue.Text t -> new Value.Bytes(t.bytes());
            default -> null;
        };
    }

    /** evt.buffer in formats: the "data" argument as -A/-x/-X print it (get_param_value_str), or null. */
    static String bufferText(EventFormatter fmt, ScapEvent e, EventInfo info) {
        int i = info.indexOf("data");
        return i < 0 || i >= e.params().size() ? null : fmt.argument(e, i)[0];
    }

    /** TYPE_IODIR: "write" for EF_WRITES_TO_FD, "read" for EF_READS_FROM_FD (write wins), else no value. */
    static String ioDir(EventInfo info) {
        if (info.flags().contains("EF_WRITES_TO_FD")) {
            return "write";
        }
        return info.flags().contains("EF_READS_FROM_FD") ? "read" : null;
    }

    /** TYPE_ISWAIT: the event table's EF_WAITS. */
    static boolean isWait(EventInfo info) {
        return info.flags().contains("EF_WAITS");
    }

    /** TYPE_ISSYSLOG: an event writing to an fd whose name contains /dev/log. */
    static boolean isSyslog(EventInfo info, Inspector.Fd fd) {
        return info.flags().contains("EF_WRITES_TO_FD") && fd != null && fd.name().contains("/dev/log");
    }

    /**
     * TYPE_TYPE_IS: 1 when the event's number is the reference's (its index), or, for a name, the one after it (the
     * exit of the first event so named); 0 otherwise.
     */
    static long typeIs(ScapEvent e, FieldRef ref) {
        int id = ref.index();
        boolean number = ref.argName().chars().allMatch(c -> c >= '0' && c <= '9');
        return e.type() == id || (!number && e.type() == id + 1) ? 1 : 0;
    }

    /**
     * extract_abspath: the directory fd and path arguments of the event's kind ({@code which}: null or "src" the
     * source, "dst" the destination), joined by concatenate_paths onto "." for an absolute path, the thread's cwd for
     * AT_FDCWD, else the fd's name and "/" ({@code <UNKNOWN>/} when the tables lack the fd). Null for other events.
     * sinsp also makes the directory fd the event's fd for the fields read after it: {@link #abspathDirFd}.
     */
    static String abspath(ScapEvent e, EventInfo info, Inspector.Thread t, String which) {
        if (t == null) {
            return null;
        }
        String[] args = pathArgs(info, which);
        if (args == null) {
            return null;
        }
        String dirArg = args[0];
        String pathArg = args[1];
        int d = info.indexOf(dirArg);
        int p = info.indexOf(pathArg);
        if (d < 0 || p < 0 || d >= e.params().size() || p >= e.params().size() || !e.isNum(d)) {
            return null;
        }
        byte[] path = e.value(p) instanceof ParamValue.Text s ? s.bytes() : new byte[0];
        long dirfd = e.num(d);
        String dir;
        if (path.length > 0 && path[0] == '/') {
            dir = ".";
        } else if (dirfd == AT_FDCWD) {
            dir = ScapPaths.cwdOf(t);
        } else {
            Inspector.Fd fd = t.fds.get(dirfd);
            // sinsp tests the character at the name's length (always the terminating NUL): "/" is always added
            dir = fd == null ? "<UNKNOWN>/" : fd.name() + "/";
        }
        return ScapPaths.concatenate(dir, path);
    }

    /**
     * The directory fd extract_abspath looked up (and made the event's fd: {@code evt->m_fdinfo = get_fd(dirfd)}) for
     * this event, or null when it looked none up (an absolute path, AT_FDCWD, another event).
     */
    static Long abspathDirFd(ScapEvent e, EventInfo info, String which) {
        String[] args = pathArgs(info, which);
        int d = args == null ? -1 : info.indexOf(args[0]);
        int p = args == null ? -1 : info.indexOf(args[1]);
        if (d < 0 || p < 0 || d >= e.params().size() || p >= e.params().size() || !e.isNum(d)) {
            return null;
        }
        byte[] path = e.value(p) instanceof ParamValue.Text s ? s.bytes() : new byte[0];
        return (path.length > 0 && path[0] == '/') || e.num(d) == AT_FDCWD ? null : e.num(d);
    }

    /** extract_abspath's directory fd and path argument names for the event's kind, or null. */
    private static String[] pathArgs(EventInfo info, String which) {
        boolean dst = "dst".equals(which);
        return switch (info.constant()) {
            case "PPME_SYSCALL_RENAMEAT_X", "PPME_SYSCALL_RENAMEAT2_X" ->
                    dst ? new String[] {"newdirfd", "newpath"} : new String[] {"olddirfd", "oldpath"};
            case "PPME_SYSCALL_SYMLINKAT_X" -> new String[] {"linkdirfd", "linkpath"};
            case "PPME_SYSCALL_OPENAT_E", "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X",
                 "PPME_SYSCALL_UNLINKAT_E", "PPME_SYSCALL_UNLINKAT_2_X" -> new String[] {"dirfd", "name"};
            case "PPME_SYSCALL_LINKAT_E", "PPME_SYSCALL_LINKAT_2_X" ->
                    dst ? new String[] {"newdir", "newpath"} : new String[] {"olddir", "oldpath"};
            case "PPME_SYSCALL_MKDIRAT_X" -> new String[] {"dirfd", "path"};
            case "PPME_SYSCALL_FCHMODAT_X" -> new String[] {"dirfd", "filename"};
            default -> null;
        };
    }

    /**
     * The fdlist class (sinsp_filter_check_fdlist::extract): for poll and ppoll (the enter's first argument, the
     * exit's second), one entry per fd of the list, separated by commas; a socket field skips fds that are not
     * sockets of its kind. No value for other events, an empty list, or a list with no entry.
     */
    static String fdlist(ScapEvent e, EventInfo info, Inspector.Thread t, Field field) {
        int i = switch (info.constant()) {
            case "PPME_SYSCALL_POLL_E", "PPME_SYSCALL_PPOLL_E" -> 0;
            case "PPME_SYSCALL_POLL_X", "PPME_SYSCALL_PPOLL_X" -> 1;
            default -> -1;
        };
        if (i < 0 || i >= e.params().size() || !(e.value(i) instanceof ParamValue.FdList list) || t == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (long n : list.fds()) {
            Inspector.Fd fd = n < 0 ? null : t.fds.get(n);
            String v = entry(field, n, fd);
            if (v != null) {
                b.append(v).append(',');
            }
        }
        if (b.isEmpty()) {
            return null;
        }
        b.setLength(b.length() - 1);
        return b.toString();
    }

    /** One fd's entry in an fdlist field, or null when the field skips it. */
    private static String entry(Field field, long n, Inspector.Fd fd) {
        boolean sock = fd != null && (fd.type() == FdType.IPV4_SOCK || fd.type() == FdType.IPV6_SOCK);
        SocketTuples.Endpoints ends = sock ? fd.ends() : null;
        int len = fd != null && fd.type() == FdType.IPV6_SOCK ? 16 : 4;
        return switch (field) {
            case FDLIST_NUMS -> Long.toString(n);
            case FDLIST_NAMES -> fd == null || fd.name().isEmpty() ? "<NA>" : fd.name();
            // a socket whose tuple is not known yet has sinsp's zeroed address and ports
            case FDLIST_CIPS -> sock ? EventFormatter.ip(ends == null ? new byte[len] : ends.sip()) : null;
            case FDLIST_SIPS -> sock ? EventFormatter.ip(ends == null ? new byte[len] : ends.dip()) : serverIp(fd);
            case FDLIST_CPORTS -> sock ? Integer.toString(ends == null ? 0 : ends.sport()) : null;
            case FDLIST_SPORTS -> sock ? Integer.toString(ends == null ? 0 : ends.dport()) : null;
            default -> throw new IllegalArgumentException(field + " is not an fdlist field");
        };
    }

    /**
     * A listening socket's address for fdlist.sips: its name's address (IPv4 as it is; IPv6 printed as sinsp does,
     * inet_ntop(AF_INET) of its first four bytes), or null for any other fd.
     */
    private static String serverIp(Inspector.Fd fd) {
        if (fd == null || (fd.type() != FdType.IPV4_SERVSOCK && fd.type() != FdType.IPV6_SERVSOCK)) {
            return null;
        }
        int colon = fd.name().lastIndexOf(':');
        String host = colon <= 0 ? "" : fd.name().substring(0, colon).replace("[", "").replace("]", "");
        if (!host.matches("[0-9a-fA-F.:]+")) {
            return null; // an address literal only: never a name lookup
        }
        try {
            byte[] ip = java.net.InetAddress.getByName(host).getAddress();
            return EventFormatter.ip(java.util.Arrays.copyOf(ip, 4));
        } catch (java.io.IOException ex) {
            return null;
        }
    }
}
