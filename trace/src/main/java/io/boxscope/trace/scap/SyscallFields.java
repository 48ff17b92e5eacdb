package io.boxscope.trace.scap;

import java.util.Locale;

/**
 * Event fields that read the event's own parameters and flags, as filterchecks.cpp (falcosecurity/libs
 * e5c53d64, sinsp_filter_check_event and sinsp_filter_check_thread) computes them: {@code syscall.type},
 * {@code evt.is_open_exec}, the {@code evt.count.error.*} family, and {@code proc.fdusage}'s text.
 */
public final class SyscallFields {
    /** PPM_S_IXUSR | PPM_S_IXGRP | PPM_S_IXOTH (ppm_events_public.h). */
    private static final long EXEC_BITS = 0100 | 010 | 01;
    /** PPM_O_CREAT and PPM_O_TMPFILE (ppm_events_public.h). */
    private static final long CREATES = 4 | 8192;

    private SyscallFields() {}

    /**
     * syscall.type (TYPE_SYSCALL_TYPE): null for PPME_SCHEDSWITCH_6_E and for an event whose flags hold EC_INTERNAL's
     * bit, 256, which is EF_SKIPPARSERESET's (the code tests the event's flags with a category constant: drop,
     * container, procinfo, notification, page_fault... events); a generic event's system call name; else the
     * event's name.
     */
    public static String syscallType(ScapEvent e, EventInfo info) {
        if (info == null || info.constant().equals("PPME_SCHEDSWITCH_6_E") || info.flags().contains("EF_SKIPPARSERESET")) {
            return null;
        }
        return EventFormatter.typeName(e);
    }

    /**
     * evt.is_open_exec (TYPE_ISOPEN_EXEC): an open exit, an old openat's enter, an openat (second version) or openat2
     * exit whose flags hold O_CREAT or O_TMPFILE and whose mode has an execute bit; a creat exit whose mode has one.
     */
    public static boolean isOpenExec(ScapEvent e, EventInfo info) {
        return switch (info.constant()) {
            case "PPME_SYSCALL_OPEN_X", "PPME_SYSCALL_OPENAT_E", "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X" -> {
                long flags = EventParams.num(e, "flags");
                long mode = EventParams.num(e, "mode");
                yield flags != Long.MIN_VALUE && (flags & CREATES) != 0 && mode != Long.MIN_VALUE && (mode & EXEC_BITS) != 0;
            }
            case "PPME_SYSCALL_CREAT_X" -> {
                long mode = EventParams.num(e, "mode");
                yield mode != Long.MIN_VALUE && (mode & EXEC_BITS) != 0;
            }
            default -> false;
        };
    }

    /** Which evt.count.error.* an error counts in (TYPE_COUNT_ERROR_FILE/_NET/_MEMORY/_OTHER). */
    public enum ErrorKind { FILE, NET, MEMORY, OTHER }

    /**
     * Whether an event that {@link ScapFields#errorCount() counts as an error} counts in {@code kind}: by the type of
     * the event's fd (evt->m_fdinfo: files and directories are FILE, IPv4/IPv6/unix sockets NET), or, without an fd,
     * by event (an open/creat exit is FILE, an accept or connect exit NET); MEMORY is the memory category (a generic event's is its system call's: {@code memory}), OTHER
     * whatever is none of FILE, NET and MEMORY (an fd of another kind counts as OTHER even for a memory event).
     */
    public static boolean errorIn(ErrorKind kind, EventInfo info, Inspector.Fd fd, boolean memory) {
        boolean file;
        boolean net;
        if (fd != null) {
            file = switch (fd.type()) {
                case FILE, FILE_V2, DIRECTORY -> true;
                default -> false;
            };
            net = switch (fd.type()) {
                case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK, UNIX_SOCK -> true;
                default -> false;
            };
        } else {
            String c = info.constant();
            file = c.equals("PPME_SYSCALL_OPEN_X") || c.equals("PPME_SYSCALL_CREAT_X") || c.equals("PPME_SYSCALL_OPENAT_X")
                    || c.equals("PPME_SYSCALL_OPENAT_2_X") || c.equals("PPME_SYSCALL_OPENAT2_X");
            net = c.equals("PPME_SOCKET_ACCEPT_X") || c.equals("PPME_SOCKET_ACCEPT_5_X") || c.equals("PPME_SOCKET_ACCEPT4_X")
                    || c.equals("PPME_SOCKET_ACCEPT4_5_X") || c.equals("PPME_SOCKET_CONNECT_X");
        }
        return switch (kind) {
            case FILE -> file;
            case NET -> net;
            case MEMORY -> memory;
            // TYPE_COUNT_ERROR_OTHER: with an fd, only the fd's kind decides; without one, the memory category too
            case OTHER -> fd != null ? !file && !net : !file && !net && !memory;
        };
    }

    /**
     * proc.fdusage as sysdig prints it (sinsp_threadinfo::get_fd_usage_pct_d, printed with {@code %.1lf}): the open
     * fds as a percentage of the limit, 100 when more are open than the limit allows, 0 without a limit.
     */
    public static String fdUsage(long openCount, long limit) {
        double pct = limit <= 0 ? 0 : openCount <= limit ? openCount * 100.0 / limit : 100;
        return String.format(Locale.ROOT, "%.1f", pct);
    }
}
