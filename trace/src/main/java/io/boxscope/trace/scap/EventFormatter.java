package io.boxscope.trace.scap;

import io.boxscope.bpf.Errno;
import io.boxscope.bpf.Signals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;

/**
 * Renders events as sysdig 0.29 prints them by default:
 * {@code %evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info}.
 *
 * <p>evt.info is every parameter as {@code name=value }, each followed by a space, a value resolved as
 * libsinsp's sinsp_evt::get_param_as_str does: fds as {@code 3(<f>/etc/passwd)}, negative results as
 * {@code -2(ENOENT)}, pids with their thread's name, flags with their names ({@code 4097(O_RDONLY|O_CLOEXEC)}),
 * buffers with a dot for every byte that is not printable ASCII. Internal events (category INTERNAL,
 * e.g. Boxscope's drop record) are not printed, as sysdig hides them, but are numbered.
 */
public final class EventFormatter {
    /** Longest fd list libsinsp prints: its parameter string storage (1,024 bytes) less the NUL. */
    private static final int FDLIST_CHARS = 1023;
    /**
     * The last signal libsinsp names (SIGSYS, 31): sinsp_utils::signal_to_str has no names for the real-time
     * signals, so those print their number only.
     */
    private static final int LAST_NAMED_SIGNAL = 31;

    private final Inspector inspector;
    private final ZoneId zone;
    private long num;
    private long timeSecond;
    private String timePrefix;
    private BufferFormat buffers = BufferFormat.DOTS;
    private boolean cut = true;
    /**
     * sinsp_evt's m_paramstr_storage: the value text (not its resolved form) of the last parameter rendered,
     * by evt.info/evt.args or an evt.arg field, of this event or an earlier one (sysdig reuses one event object).
     * A PT_FSPATH or PT_FSRELPATH parameter of length 0 prints it again: get_param_as_str copies such a path
     * with strcpy_sanitized(storage, payload, MIN(payload_len, size)), which writes nothing for a size of 0
     * (libs e5c53d64 event.cpp), so sysdig prints {@code name=-100} after {@code dirfd=-100(AT_FDCWD)}.
     */
    private final StringBuilder stored = new StringBuilder();

    public EventFormatter(Inspector inspector, ZoneId zone) {
        this.inspector = inspector;
        this.zone = zone;
    }

    /**
     * Applies {@code e} to the inspector and returns its line, or null for an event sysdig does not print
     * (internal events, numbers beyond the table). Every event advances evt.num.
     */
    public String next(ScapEvent e) {
        apply(e);
        return line(e);
    }

    /**
     * The first half of {@link #next}: applies {@code e} and advances evt.num, without building its line (a
     * capture that writes a file, or whose filter drops the event, needs no text).
     */
    public void apply(ScapEvent e) {
        num++;
        inspector.apply(e);
    }

    /** The second half of {@link #next}: the line of {@code e}, the event just {@link #apply applied}, or null. */
    public String line(ScapEvent e) {
        EventInfo info = e.info().orElse(null);
        if (hidden(e)) {
            return null;
        }
        String type = typeName(e);
        Inspector.Thread t = inspector.eventThread(e);
        StringBuilder b = new StringBuilder(160);
        b.append(num).append(' ');
        time(b, e.ts()).append(' ').append(e.cpu()).append(' ')
                .append(t == null || t.comm() == null ? "<NA>" : t.comm()).append(" (").append(e.tid()).append(") ")
                .append(info.direction()).append(' ').append(type).append(' ');
        // evt.info: a /dev/log write's is the syslog decoder's line (sysdig 0.29 always runs the decoder)
        SyslogFields.Message m = !info.isEnter() && info.flags().contains("EF_WRITES_TO_FD")
                ? SyslogFields.decode(e, info, inspector.eventFd(e)) : null;
        if (m != null) {
            return b.append(m.infoLine()).toString();
        }
        args(b, e);
        return b.toString();
    }

    /**
     * How buffers print from now on ({@code -A}, {@code -x}, {@code -X}), and whether a buffer printed with
     * dots is cut at 80 characters, as sysdig cuts them unless {@code -v}, a chisel or {@code -j} is given
     * (sysdig.cpp set_max_evt_output_len; event.cpp cuts only the default format).
     */
    public void buffers(BufferFormat format, boolean cutAt80) {
        this.buffers = format;
        this.cut = cutAt80;
    }

    /**
     * Whether sysdig reads {@code e}, the event just applied, without showing it (it is numbered all the same):
     * internal events (Boxscope's drop record), state-only events, the container descriptions of the file's
     * initial state ({@link Inspector#initialStateEvent}), numbers beyond the table. Chisels do not see these
     * events either.
     */
    public boolean hidden(ScapEvent e) {
        EventInfo info = e.info().orElse(null);
        return info == null || info.category().equals("INTERNAL") || e.stateOnly() || inspector.initialStateEvent(e);
    }

    /** The number of the last event passed to {@link #next} (sysdig's evt.num). */
    public long num() {
        return num;
    }

    /** sysdig's evt.args (and evt.info) of the last event passed to {@link #next}: every {@code name=value }. */
    public String args(ScapEvent e) {
        StringBuilder b = new StringBuilder(128);
        args(b, e);
        return b.toString();
    }

    private void args(StringBuilder b, ScapEvent e) {
        EventInfo info = e.info().orElse(null);
        if (info == null || isGeneric(info)) {
            return;
        }
        // argument()'s two strings, written straight into the line (no per-parameter builder and array)
        Inspector.Thread t = inspector.thread(e.tid());
        List<EventInfo.ParamInfo> params = info.params();
        for (int i = 0; i < e.params().size(); i++) {
            EventInfo.ParamInfo p = params.get(i);
            b.append(p.name()).append('=');
            String resolved = value(b, t, p, e.params().get(i));
            if (t != null && (p.type() == ParamType.FSPATH || p.type() == ParamType.FSRELPATH)) {
                String r = ScapPaths.resolve(t, e, p);
                resolved = r != null ? r : "";
            }
            if (!resolved.isEmpty()) {
                b.append('(').append(resolved).append(')');
            }
            b.append(' ');
        }
    }

    /**
     * Parameter {@code i} of the last event passed to {@link #next} as sinsp_evt::get_param_as_str renders it:
     * its value and its resolved form ("" when none), e.g. {@code {"3", "<f>/etc/passwd"}} or
     * {@code {"-2", "ENOENT"}}. sysdig's evt.arg is the resolved form when there is one, else the value.
     */
    public String[] argument(ScapEvent e, int i) {
        EventInfo.ParamInfo p = e.info().orElseThrow().params().get(i);
        Inspector.Thread t = inspector.thread(e.tid());
        StringBuilder b = new StringBuilder();
        String resolved = value(b, t, p, e.params().get(i));
        if (t != null && (p.type() == ParamType.FSPATH || p.type() == ParamType.FSRELPATH)) {
            String r = ScapPaths.resolve(t, e, p);
            resolved = r != null ? r : "";
        }
        return new String[] {b.toString(), resolved};
    }

    static boolean isGeneric(EventInfo info) {
        return info.id() == 0 || info.id() == 1; // PPME_GENERIC_E/X
    }

    /**
     * sysdig's evt.type: the table's name, except for generic events ({@code syscall}), which are named by
     * their PPM_SC_* ID parameter.
     */
    public static String typeName(ScapEvent e) {
        EventInfo info = e.infoOrNull();
        if (info == null) {
            return "<unknown>";
        }
        if (isGeneric(info) && e.isNum(0)) {
            return EventTable.get().syscallName((int) e.num(0)).orElse("<unknown>");
        }
        return info.name();
    }

    /**
     * sysdig's evt.res for an exit event: {@code SUCCESS}, the errno name of a negative result, or
     * {@code <NA>} for enter events and events without a result.
     */
    public static String result(ScapEvent e) {
        EventInfo info = e.info().orElse(null);
        if (info == null) {
            return "<NA>";
        }
        // the "res" parameter wherever it is (filterchecks.cpp TYPE_RESSTR); else the fd an exit creates
        int i = info.indexOf("res");
        if (i < 0 && !info.isEnter() && info.flags().contains("EF_CREATES_FD")) {
            i = info.indexOf("fd");
        }
        if (i < 0 || i >= e.params().size() || e.params().get(i).length != 8) {
            return "<NA>";
        }
        long v = java.nio.ByteBuffer.wrap(e.params().get(i)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (v >= 0) {
            return "SUCCESS";
        }
        Errno en = v >= Integer.MIN_VALUE ? Errno.of((int) -v) : null;
        return en == null ? Long.toString(v) : en.name();
    }

    /** evt.outputtime in sysdig's default: local {@code HH:MM:SS.nnnnnnnnn}. */
    public String time(long ts) {
        return time(new StringBuilder(18), ts).toString();
    }

    /**
     * Appends {@link #time(long)}'s text. The {@code HH:MM:SS.} of the last second is kept: a capture's
     * events come thousands to a second, and converting each to the zone's local time (ZonedDateTime) and
     * through String.format was a quarter of {@code trace -r}'s time per event (docs/benchmarks.md).
     */
    public StringBuilder time(StringBuilder b, long ts) {
        long second = Math.floorDiv(ts, 1_000_000_000L);
        if (second != timeSecond || timePrefix == null) {
            ZonedDateTime z = Instant.ofEpochSecond(second).atZone(zone);
            char[] c = {'0', '0', ':', '0', '0', ':', '0', '0', '.'};
            two(c, 0, z.getHour());
            two(c, 3, z.getMinute());
            two(c, 6, z.getSecond());
            timePrefix = new String(c);
            timeSecond = second;
        }
        b.append(timePrefix);
        long nanos = Math.floorMod(ts, 1_000_000_000L);
        for (long d = 100_000_000L; d > nanos && d > 1; d /= 10) {
            b.append('0');
        }
        return b.append(nanos);
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }

    /** Appends the value; returns its resolved form, or "". Keeps the value as sysdig's storage ({@link #stored}). */
    private String value(StringBuilder b, Inspector.Thread t, EventInfo.ParamInfo p, byte[] raw) {
        if (raw.length == 0 && (p.type() == ParamType.FSPATH || p.type() == ParamType.FSRELPATH)) {
            b.append(stored);
            return "";
        }
        int start = b.length();
        String resolved = valueText(b, t, p, raw);
        stored.setLength(0);
        stored.append(b, start, b.length());
        return resolved;
    }

    private String valueText(StringBuilder b, Inspector.Thread t, EventInfo.ParamInfo p, byte[] raw) {
        if (p.type() == ParamType.DYN && p.info().startsWith("bpf_dynamic_param") && raw.length == 9 && raw[0] >= 0 && raw[0] <= 1) {
            // bpf's exit (PT_DYN): an index byte, then the value of bpf_dynamic_param[index] (libs e5c53d64
            // driver/dynamic_params_table.c: PPM_BPF_IDX_FD an FD, PPM_BPF_IDX_RES an ERRNO)
            p = new EventInfo.ParamInfo(p.name(), raw[0] == 0 ? ParamType.FD : ParamType.ERRNO, p.format(), "");
            raw = java.util.Arrays.copyOfRange(raw, 1, 9);
        } else if (p.type() == ParamType.DYN && p.info().startsWith("ptrace_dynamic_param") && raw.length >= 2 && raw[0] >= 0
                && raw[0] <= 1) {
            // ptrace's addr and data (PT_DYN, sys_ptrace_x): ptrace_dynamic_param of libs e5c53d64
            // dynamic_params_table.c: 0 a u64 in hex, 1 a signal
            p = new EventInfo.ParamInfo(p.name(), raw[0] == 0 ? ParamType.UINT64 : ParamType.SIGTYPE, raw[0] == 0 ? "HEX" : "DEC", "");
            raw = java.util.Arrays.copyOfRange(raw, 1, raw.length);
        } else if (p.type() == ParamType.DYN && p.info().startsWith("sockopt_dynamic_param") && raw.length >= 1 && raw[0] >= 0
                && raw[0] <= 4) {
            // getsockopt's and setsockopt's val (PT_DYN, parse_sockopt): sockopt_dynamic_param[index] of libs
            // e5c53d64 dynamic_params_table.c: 0 the bytes, 1 an ERRNO, 2 a u32, 3 a u64, 4 a relative time
            ParamType dyn = switch (raw[0]) {
                case 0 -> ParamType.BYTEBUF;
                case 1 -> ParamType.ERRNO;
                case 2 -> ParamType.UINT32;
                case 3 -> ParamType.UINT64;
                default -> ParamType.RELTIME;
            };
            p = new EventInfo.ParamInfo(p.name(), dyn, raw[0] == 0 ? "HEX" : "DEC", "");
            raw = java.util.Arrays.copyOfRange(raw, 1, raw.length);
        }
        ParamValue v = ParamValue.decode(p.type(), raw);
        switch (v) {
            case ParamValue.Num n -> {
                StringBuilder r = new StringBuilder();
                number(b, r, t, p, n);
                return r.toString();
            }
            case ParamValue.Text s -> {
                if (p.type() == ParamType.FSPATH || p.type() == ParamType.FSRELPATH) {
                    // get_param_as_str copies paths with strcpy_sanitized: bytes that are not printable ASCII
                    // are left out (libs e5c53d64 event.cpp), so "café" prints as "caf"
                    for (byte c : s.bytes()) {
                        if (c >= 0x20 && c < 0x7f) {
                            b.append((char) c);
                        }
                    }
                } else {
                    b.append(s.string());
                }
            }
            case ParamValue.Bytes bytes -> {
                if (buffers == BufferFormat.DOTS && cut) {
                    dots(b, bytes.bytes());
                } else {
                    buffers.append(b, bytes.bytes());
                }
            }
            case ParamValue.SockAddr a -> {
                if (a.family() == 1) {
                    b.append(a.path());
                } else if (a.family() == 2 || a.family() == 10) {
                    b.append(address(a.addr(), a.port()));
                } else {
                    b.append("family ").append(a.family());
                }
            }
            case ParamValue.SockTuple s -> {
                if (s.family() == 1) {
                    b.append(Long.toHexString(s.unixSource())).append("->").append(Long.toHexString(s.unixDest()))
                            .append(' ').append(s.path());
                } else {
                    // event.cpp PT_SOCKTUPLE: an AF_INET6 tuple of IPv4-mapped (or zero) addresses prints as IPv4
                    ParamValue.SockTuple st4 = s.sinspView();
                    b.append(tuple(st4.sip(), st4.sport(), st4.dip(), st4.dport()));
                }
            }
            // as libsinsp's PT_FDLIST (libs e5c53d64 userspace/libsinsp/event.cpp): each fd as a u64 (-1 is
            // 18446744073709551615), the list cut at the 1,023 characters of its 1,024-byte m_paramstr_storage
            case ParamValue.FdList l -> {
                int start = b.length();
                for (int i = 0; i < l.fds().length && b.length() - start < FDLIST_CHARS; i++) {
                    Inspector.Fd fd = t == null ? null : t.fds.get(l.fds()[i]);
                    b.append(i == 0 ? "" : " ").append(Long.toUnsignedString(l.fds()[i])).append(':')
                            .append(fd == null ? '?' : fd.type().typeChar()).append(Integer.toHexString(l.flags()[i]));
                }
                if (b.length() - start > FDLIST_CHARS) {
                    b.setLength(start + FDLIST_CHARS);
                }
            }
            case ParamValue.Raw r -> {
                if (r.bytes().length == 0 && (p.type() == ParamType.SOCKADDR || p.type() == ParamType.SOCKTUPLE)) {
                    b.append("NULL");
                } else {
                    dots(b, r.bytes());
                }
            }
        }
        return "";
    }

    /** Appends a number to {@code b} and its resolved form (an fd's name, an errno's, flags' names...) to {@code r}. */
    private void number(StringBuilder b, StringBuilder r, Inspector.Thread t, EventInfo.ParamInfo p, ParamValue.Num n) {
        long v = n.value();
        switch (p.type()) {
            case FD -> {
                b.append(v);
                if (v == -100) {
                    r.append("AT_FDCWD");
                } else if (v < 0) {
                    errno(r, v);
                } else if (t != null) {
                    Inspector.Fd fd = t.fds.get(v);
                    if (fd != null) {
                        r.append('<').append(fd.type().typeChar());
                        if (fd.protoChar() != 0) {
                            r.append(fd.protoChar());
                        }
                        r.append('>').append(fd.name());
                    }
                }
            }
            case ERRNO -> {
                b.append(v);
                if (v < 0) {
                    errno(r, v);
                }
            }
            case PID -> {
                b.append(v);
                // get_param_as_str, PT_PID (libs e5c53d64 event.cpp): the comm of the thread table's entry, none
                // when the table has no such thread; a thread known only from its own events is sinsp's fake
                // entry, comm "<NA>" (threadinfo.cpp get_thread_ref), e.g. kill pid=4489(<NA>)
                Inspector.Thread pt = inspector.thread(v);
                if (pt != null) {
                    r.append(pt.comm() == null ? "<NA>" : pt.comm());
                }
            }
            case FLAGS8, FLAGS16, FLAGS32, MODE -> flags(b, r, p, v);
            case UID, GID -> {
                if (v == 0xffffffffL) {
                    b.append("-1");
                    r.append("<NONE>");
                } else {
                    String name = p.type() == ParamType.UID ? inspector.user((int) v) : inspector.group((int) v);
                    b.append(v);
                    r.append(name == null ? "<NA>" : name);
                }
            }
            case SIGTYPE -> {
                b.append(v);
                if (v > 0 && v <= LAST_NAMED_SIGNAL) {
                    r.append(Signals.name((int) v));
                }
            }
            // get_param_as_str's PT_SIGSET (libs e5c53d64 event.cpp): the names of the set's signals (bit n is
            // signal n + 1), space-separated, numbers never; an empty set prints nothing
            case SIGSET -> {
                boolean first = true;
                for (int sig = 0; sig < 32; sig++) {
                    if ((v & (1L << sig)) != 0 && sig + 1 <= LAST_NAMED_SIGNAL) {
                        b.append(first ? "" : " ").append(Signals.name(sig + 1));
                        first = false;
                    }
                }
            }
            case RELTIME -> {
                if (v == -1) {
                    b.append("none");
                } else {
                    b.append(Long.toUnsignedString(v));
                    r.append(seconds(v)).append('s');
                }
            }
            default -> format(b, p, v);
        }
    }

    private static void format(StringBuilder b, EventInfo.ParamInfo p, long v) {
        switch (p.format()) {
            case "HEX" -> b.append(Long.toHexString(v).toUpperCase(Locale.ROOT));
            case "OCT" -> b.append(v == 0 ? "0" : "0" + Long.toOctalString(v)); // %#o
            default -> b.append(p.type() == ParamType.UINT64 ? Long.toString(v) : Long.toString(v));
        }
    }

    /** %lg of seconds: six significant digits, no trailing zeros. */
    private static String seconds(long ns) {
        String s = String.format(Locale.ROOT, "%.6g", ns / 1e9);
        int e = s.indexOf('e');
        if (e >= 0) {
            // %g drops the mantissa's trailing zeros in the exponent form too: 1e-06, 2.5e-05
            String m = s.substring(0, e);
            if (m.contains(".")) {
                m = m.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return m + s.substring(e);
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    private static void errno(StringBuilder r, long v) {
        Errno e = v >= Integer.MIN_VALUE ? Errno.of((int) -v) : null;
        if (e != null) {
            r.append(e.name());
        }
    }

    /** Flag names as sinsp resolves them: table order, each matching value removed once named. */
    private static void flags(StringBuilder b, StringBuilder r, EventInfo.ParamInfo p, long value) {
        if (p.type() == ParamType.MODE) {
            format(b, p, value);
        } else {
            b.append(value);
        }
        List<EventTable.FlagName> table = p.info().isEmpty() ? List.of() : EventTable.get().flags(p.info());
        StringBuilder names = new StringBuilder();
        long val = value;
        int i = 0;
        for (; i < table.size() && table.get(i).value() != value; i++) {
            long f = table.get(i).value();
            if ((f == 0 && value == 0) || (f != 0 && (val & f) == f && val != 0)) {
                names.append(names.isEmpty() ? "" : "|").append(table.get(i).name());
                val &= ~f;
            }
        }
        if (i < table.size()) {
            names.append(names.isEmpty() ? "" : "|").append(table.get(i).name());
        }
        r.append(names);
    }

    /** Buffers print at most 80 characters, the last three replaced by {@code ...} (sysdig's max_evt_output_len). */
    static final int MAX_BUFFER_OUTPUT = 80;

    private static void dots(StringBuilder b, byte[] bytes) {
        int n = bytes.length > MAX_BUFFER_OUTPUT ? MAX_BUFFER_OUTPUT - 3 : bytes.length;
        for (int i = 0; i < n; i++) {
            byte c = bytes[i];
            b.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        if (n < bytes.length) {
            b.append("...");
        }
    }

    static String address(byte[] ip, int port) {
        return ip(ip) + ":" + port;
    }

    static String tuple(byte[] sip, int sport, byte[] dip, int dport) {
        return address(sip, sport) + "->" + address(dip, dport);
    }

    /** An address as sysdig prints it: dotted IPv4, inet_ntop's IPv6, "" for any other length. */
    public static String ip(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        if (a.length != 16) {
            return "";
        }
        return ipv6(a);
    }

    /** inet_ntop(3)'s IPv6 text (shared with the probe language's ntop()). */
    public static String ipv6(byte[] a) {
        return io.boxscope.proc.InetText.ipv6(a);
    }
}
