package io.boxscope.trace.scap;

import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.Value;

/**
 * The evt class of {@link ScapFields} that reads the event's own parameters and its thread's last enter
 * (sinsp_filter_check_event::extract, libs e5c53d64 userspace/libsinsp/filterchecks.cpp): evt.latency, evt.category,
 * evt.rawres and evt.failed, evt.count.error, evt.buflen, evt.arg and evt.rawarg, the open flags of
 * evt.is_open_read/write, and thread.cpu of a procinfo event. Kept apart so ScapFields stays one switch; each returns
 * null where sysdig has no value.
 */
final class EventFields {
    private EventFields() {}

    /** PPME_SCHEDSWITCH_6_E, the only event extract_exectime counts. */
    static boolean isSwitch(EventInfo info) {
        return info.constant().equals("PPME_SCHEDSWITCH_6_E");
    }

    /**
     * Nanoseconds since the thread's last enter event, for an exit; 0 for enter events and for a thread no enter
     * was seen of. As libsinsp's reset (parsers.cpp) keeps it: every enter stores its time
     * ({@code m_last_latency_entertime}) and every exit measures from it whatever the enter's type was, so an
     * exit whose own enter was dropped measures from the enter before it, as sysdig -r prints.
     */
    static long latency(ScapEvent e, EventInfo info, Inspector.Thread t) {
        if (info.isEnter() || t == null || t.lastEnter() == null) {
            return 0;
        }
        return e.ts() - t.lastEnter().ts();
    }

    /**
     * sinsp_evt::get_category as filterchecks.cpp names it: a generic event's is its system call's; an I/O
     * event's is the kind of its fd ("unknown" for a generic one, which has no fd).
     */
    static String category(ScapEvent e, EventInfo info, Inspector.Fd fd) {
        boolean generic = info.id() == 0 || info.id() == 1;
        String cat = info.category();
        if (generic) {
            cat = e.params().isEmpty() || !(e.value(0) instanceof ParamValue.Num n) ? "UNKNOWN"
                    : EventTable.get().syscallCategory((int) n.value()).orElse("UNKNOWN");
        }
        return switch (cat) {
            case "IO_READ", "IO_WRITE", "IO_OTHER" -> fd == null || generic ? "unknown" : switch (fd.type()) {
                case FILE, FILE_V2, DIRECTORY -> "file";
                case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK -> "net";
                case FIFO, UNIX_SOCK, EVENT, SIGNALFD, INOTIFY -> "ipc";
                case UNSUPPORTED, EVENTPOLL, TIMERFD, NETLINK, UNKNOWN -> "unknown";
            };
            case "IPC" -> "IPC";
            case "OTHER", "FILE", "NET", "MEMORY", "PROCESS", "SLEEP", "SYSTEM", "SIGNAL", "USER", "TIME", "WAIT",
                 "SCHEDULER", "INTERNAL" -> cat.toLowerCase(java.util.Locale.ROOT);
            default -> "unknown";
        };
    }

    /** The "res" parameter, or the fd an exit creates (TYPE_RESRAW, TYPE_FAILED), or null. */
    static Long rawres(ScapEvent e) {
        int i = rawresIndex(e);
        return e.isNum(i) ? e.num(i) : null;
    }

    /** Whether {@link #rawres} is negative (no boxing: every event of a filtered read asks). */
    static boolean failed(ScapEvent e) {
        int i = rawresIndex(e);
        return e.isNum(i) && e.num(i) < 0;
    }

    private static int rawresIndex(ScapEvent e) {
        int type = e.type();
        int i = EventKinds.res(type);
        if (i < 0 && (EventKinds.flags(type) & (EventKinds.ENTER | EventKinds.CREATES_FD)) == EventKinds.CREATES_FD) {
            i = EventKinds.fd(type);
        }
        return i;
    }

    /**
     * evt.count.error (filterchecks.cpp extract_error_count): the event's res is negative, or it is the exit of an
     * fd-creating event whose fd is.
     */
    static boolean errorCount(ScapEvent e) {
        int type = e.type();
        int r = EventKinds.res(type);
        if (r >= 0 && e.isNum(r) && e.num(r) < 0) {
            return true;
        }
        int f = EventKinds.fd(type);
        return (EventKinds.flags(type) & (EventKinds.ENTER | EventKinds.CREATES_FD)) == EventKinds.CREATES_FD
                && f >= 0 && e.isNum(f) && e.num(f) < 0;
    }

    /** evt.buflen: the byte count of a successful I/O exit (extract_buflen), else absent. */
    static Value buflen(ScapEvent e, EventInfo info, Inspector.Fd fd) {
        if (fd == null || !info.category().startsWith("IO_") || info.isEnter()) {
            return null;
        }
        Long r = rawres(e);
        return r == null || r < 0 ? null : ScapFields.num(r);
    }

    /** evt.arg[N] / evt.arg.NAME: the argument as the line prints it; a system call id as its name. */
    static Value arg(EventFormatter fmt, ScapEvent e, EventInfo info, FieldRef ref) {
        int i = ref.index() != null ? ref.index() : info.indexOf(ref.argName());
        if (i < 0 || i >= e.params().size()) {
            return null;
        }
        if (info.params().get(i).type() == ParamType.SYSCALLID && e.value(i) instanceof ParamValue.Num n) {
            return ScapFields.text(EventTable.get().syscallName((int) n.value()).orElse("<unknown>")); // printed as its name
        }
        String[] v = fmt.argument(e, i);
        return ScapFields.text(v[1].isEmpty() ? v[0] : v[1]);
    }

    /** evt.rawarg.NAME: the argument's value as the field's type takes it (a number, a string), else none. */
    static Value rawarg(ScapEvent e, EventInfo info, FieldRef ref) {
        int i = info.indexOf(ref.argName());
        if (i < 0 || i >= e.params().size()) {
            return null;
        }
        return switch (e.value(i)) {
            case ParamValue.Num n -> ref.type().numeric() ? ScapFields.num(n.value()) : null;
            case ParamValue.Text s -> ref.type().kind() == io.boxscope.trace.filter.FieldType.Kind.STRING ? ScapFields.text(s.string()) : null;
            default -> null;
        };
    }

    /** The PPM_O_* flags of an event evt.is_open_read/write look at, or 0. */
    static long openFlags(ScapEvent e, EventInfo info) {
        return switch (info.constant()) {
            case "PPME_SYSCALL_OPEN_X", "PPME_SYSCALL_OPENAT_E", "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X" -> {
                long flags = EventParams.num(e, "flags");
                yield flags == Long.MIN_VALUE ? 0 : flags;
            }
            default -> 0;
        };
    }

    /**
     * thread.cpu, .user, .system (extract_thread_cpu): on a procinfo event only, the growth of cpu_usr, cpu_sys or
     * both since this use of the field last saw the thread's procinfo (0 the first time), at most 100.
     */
    static Value threadCpu(Inspector inspector, ScapEvent e, EventInfo info, Inspector.Thread t, FieldRef ref) {
        if (!info.constant().equals("PPME_PROCINFO_E")) {
            return null;
        }
        long total = 0;
        Field f = ref.field();
        if (f != Field.THREAD_CPU_SYSTEM && e.value("cpu_usr").orElse(null) instanceof ParamValue.Num u) {
            total += u.value();
        }
        if (f != Field.THREAD_CPU_USER && e.value("cpu_sys").orElse(null) instanceof ParamValue.Num k) {
            total += k.value();
        }
        long last = inspector.swapCpu(ref, t, total);
        double d = last == 0 ? 0 : Math.min(100.0, (double) (total - last));
        return ScapFields.text(String.format(java.util.Locale.ROOT, "%.1f", d));
    }
}
