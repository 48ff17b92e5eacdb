package io.boxscope.mem.pmap;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.SmapsFields;

/**
 * Renders a process's mappings exactly as procps-ng 4.0.2's pmap(1) does, for the plain layout,
 * -x, -X, -XX and -d, with -q, -p and -A, for one process or several. Behaviour was established by running pmap on many processes
 * of this host and comparing byte for byte (see PmapLiveTest); the rules, in our own words:
 *
 * <ul>
 * <li>Plain and -x: a mapping's name is the text after the last '/' of its maps line (-p: from the
 * first '/'); with no '/', "  [ stack ]" if the process's startstack lies in [start, end], else
 * "  [ anon ]" (so [heap], [vdso] and [vsyscall] are "[ anon ]"); SysV shm is "  [ shmid=0x.. ]".
 * Every byte outside printable ASCII becomes '?'. The mode is rwx plus '-' for private or 's' for
 * shared, plus '-'.</li>
 * <li>-A LOW,HIGH keeps mappings with end-1 >= LOW and start <= HIGH; the first mapping past HIGH
 * ends the listing. Under -x the RSS and Dirty totals still include the skipped mappings below LOW
 * (procps adds them up before it checks the range); Kbytes counts only the listed ones.</li>
 * <li>-X/-XX ignore -A, show the kernel's fields in its order, right-aligned to the wider of the
 * heading and the total (-q: the widest value), and the mapping name as the kernel wrote it, cut
 * at 127 bytes (basename unless -p).</li>
 * </ul>
 * One deliberate difference: under -X/-XX, control characters in names print as '?' instead of raw
 * (a file name must not be able to drive the terminal).
 */
public final class Pmap {
    private Pmap() {}

    /** The whole output for one process, first line included, each line ending in '\n'. */
    public static String render(PmapProcess p, PmapOptions o) {
        return new Session(o).render(p);
    }

    /**
     * Several processes in one pmap run ({@code pmap PID PID...}): plain and -x outputs are simply
     * one after the other, but -X/-XX keep each field column's width from one process to the next
     * and their totals: procps 4.0.2 keeps its column list across PIDs, only ever widens it, and
     * never resets the totals, so each later footer is the running sum over the processes so far.
     */
    public static final class Session {
        private final PmapOptions options;
        private int[] widths;
        private long[] totals;

        public Session(PmapOptions options) {
            this.options = options;
        }

        public String render(PmapProcess p) {
            StringBuilder sb = new StringBuilder(128 + p.mappings().size() * 100);
            sb.append(p.tgid()).append(":   ").append(p.command()).append('\n');
            switch (options.mode()) {
                case MAPS -> plain(sb, p, options);
                case EXTENDED -> extended(sb, p, options);
                case DEVICE -> device(sb, p, options);
                case MORE, ALL -> {
                    long[][] carry = {totals};
                    widths = detailed(sb, p, options, widths, carry);
                    totals = carry[0];
                }
            }
            return sb.toString();
        }
    }

    /** The mappings inside -A LOW,HIGH (all of them without -A), in address order. */
    private static java.util.List<Mapping> inRange(PmapProcess p, PmapOptions o) {
        java.util.List<Mapping> out = new java.util.ArrayList<>();
        for (Mapping m : p.mappings()) {
            if (above(m, o)) {
                break;
            }
            if (!below(m, o)) {
                out.add(m);
            }
        }
        return out;
    }

    private static boolean below(Mapping m, PmapOptions o) {
        return Long.compareUnsigned(m.end() - 1, o.low()) < 0;
    }

    private static boolean above(Mapping m, PmapOptions o) {
        return Long.compareUnsigned(o.high(), m.start()) < 0;
    }

    private static String mode(Mapping m) {
        String perms = m.perms();
        char[] c = new char[5];
        for (int i = 0; i < 4; i++) {
            c[i] = i < perms.length() ? perms.charAt(i) : '\0';
        }
        if (c[3] == 'p') {
            c[3] = '-';
        }
        c[4] = '-';
        return new String(c);
    }

    /** The mapping column of the plain and -x layouts. */
    static String name(Mapping m, PmapProcess p, boolean showPath) {
        String n = printable(m.name());
        if (p.shmMinor() >= 0 && m.deviceMajor() == 0 && m.deviceMinor() == p.shmMinor() && n.contains("/SYSV")) {
            return "  [ shmid=0x" + Long.toHexString(m.inodeNumber()) + " ]";
        }
        int last = n.lastIndexOf('/');
        if (last >= 0) {
            if (showPath) {
                return n.substring(n.indexOf('/'));
            }
            return last + 1 < n.length() ? n.substring(last + 1) : n.substring(last);
        }
        long ss = p.startStack();
        if (Long.compareUnsigned(ss, m.start()) >= 0 && Long.compareUnsigned(ss, m.end()) <= 0) {
            return "  [ stack ]";
        }
        return "  [ anon ]";
    }

    /** Every byte outside 0x20..0x7e becomes '?', as procps does to maps lines. */
    static String printable(String byteString) {
        StringBuilder sb = null;
        for (int i = 0; i < byteString.length(); i++) {
            char c = byteString.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                if (sb == null) {
                    sb = new StringBuilder(byteString.substring(0, i));
                }
                sb.append('?');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? byteString : sb.toString();
    }

    private static void plain(StringBuilder sb, PmapProcess p, PmapOptions o) {
        long total = 0;
        for (Mapping m : inRange(p, o)) {
            long size = m.sizeBytes();
            total += size;
            hex16(sb, m.start());
            sb.append(' ');
            pad(sb, Long.toUnsignedString(size >>> 10) + "K", 7, true);
            sb.append(' ').append(mode(m)).append(' ').append(name(m, p, o.showPath())).append('\n');
        }
        if (!o.quiet()) {
            sb.append(" total ");
            pad(sb, Long.toString(total >>> 10) + "K", 17, true);
            sb.append('\n');
        }
    }

    /** -d: offset and device per mapping; the footer splits the total into private-writeable and shared. */
    private static void device(StringBuilder sb, PmapProcess p, PmapOptions o) {
        if (!o.quiet()) {
            sb.append("Address           Kbytes Mode  Offset           Device    Mapping\n");
        }
        long total = 0;
        long writeable = 0;
        long shared = 0;
        for (Mapping m : inRange(p, o)) {
            long size = m.sizeBytes();
            total += size;
            if (m.shared()) {
                shared += size;
            } else if (m.perms().length() > 1 && m.perms().charAt(1) == 'w') {
                writeable += size;
            }
            hex16(sb, m.start());
            sb.append(' ');
            pad(sb, Long.toUnsignedString(size >>> 10), 7, true);
            sb.append(' ').append(mode(m)).append(' ');
            long offset;
            try {
                offset = Long.parseUnsignedLong(m.offsetHex(), 16);
            } catch (NumberFormatException e) {
                offset = 0;
            }
            hex16(sb, offset);
            sb.append(' ');
            String major = Integer.toHexString(m.deviceMajor());
            String minor = Integer.toHexString(m.deviceMinor());
            sb.repeat('0', Math.max(0, 3 - major.length())).append(major).append(':');
            sb.repeat('0', Math.max(0, 5 - minor.length())).append(minor);
            sb.append(' ').append(name(m, p, o.showPath())).append('\n');
        }
        if (!o.quiet()) {
            sb.append("mapped: ").append(total >>> 10).append("K    writeable/private: ").append(writeable >>> 10)
                    .append("K    shared: ").append(shared >>> 10).append("K\n");
        }
    }

    private static void extended(StringBuilder sb, PmapProcess p, PmapOptions o) {
        if (!o.quiet()) {
            sb.append("Address           Kbytes     RSS   Dirty Mode  Mapping\n");
        }
        long total = 0;
        long totalRss = 0;
        long totalDirty = 0;
        for (Mapping m : p.mappings()) {
            if (above(m, o)) {
                break;
            }
            long rss = m.kb("Rss");
            long dirty = m.kb("Shared_Dirty") + m.kb("Private_Dirty");
            totalRss += rss;
            totalDirty += dirty;
            if (below(m, o)) {
                continue;
            }
            long size = m.sizeBytes();
            total += size;
            hex16(sb, m.start());
            sb.append(' ');
            pad(sb, Long.toUnsignedString(size >>> 10), 7, true);
            sb.append(' ');
            pad(sb, Long.toString(rss), 7, true);
            sb.append(' ');
            pad(sb, Long.toString(dirty), 7, true);
            sb.append(' ').append(mode(m)).append(' ').append(name(m, p, o.showPath())).append('\n');
        }
        if (!o.quiet()) {
            sb.append("---------------- ------- ------- ------- \n");
            sb.append("total kB         ");
            pad(sb, Long.toString(total >>> 10), 7, true);
            sb.append(' ');
            pad(sb, Long.toString(totalRss), 7, true);
            sb.append(' ');
            pad(sb, Long.toString(totalDirty), 7, true);
            sb.append('\n');
        }
    }

    /** Fields -X leaves out (procps calls them unimportant); -XX shows them. */
    private static boolean hiddenByX(String field) {
        return switch (field) {
            case "AnonHugePages", "KernelPageSize", "MMUPageSize", "Shared_Dirty", "Private_Dirty", "Shared_Clean",
                    "Private_Clean", "VmFlags" -> true;
            default -> false;
        };
    }

    private static int[] detailed(StringBuilder sb, PmapProcess p, PmapOptions o, int[] carried, long[][] carriedTotals) {
        List<Mapping> ms = p.mappings();
        if (ms.isEmpty()) {
            // No mappings (a kernel thread): procps still prints the footer of the columns it
            // already knows from an earlier process, with all position widths 0.
            if (carried != null && !o.quiet()) {
                footer(sb, 5, carried, carriedTotals[0]);
            }
            return carried;
        }
        boolean all = o.mode() == PmapOptions.Mode.ALL;
        SmapsFields schema = ms.getFirst().fields();
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            if (all || !hiddenByX(schema.name(i))) {
                cols.add(i);
            }
        }
        int nc = cols.size();
        int w1 = 0;
        int w2 = 0;
        int w3 = 0;
        int w4 = 0;
        int w5 = 0;
        int wv = 0;
        boolean hasFlags = false;
        long[] totals = carriedTotals[0] != null && carriedTotals[0].length == nc ? carriedTotals[0] : new long[nc];
        carriedTotals[0] = totals;
        int[] widths = new int[nc];
        for (int c = 0; c < nc; c++) {
            widths[c] = carried != null && carried.length == nc ? carried[c] : o.quiet() ? 0 : schema.name(cols.get(c)).length();
        }
        for (Mapping m : ms) {
            if (!m.fields().sameNames(schema)) {
                throw new IllegalStateException("inconsistent detail fields in smaps at " + m.startHex()
                        + ": the kernel changed the field list mid-file");
            }
            w1 = Math.max(w1, m.startHex().length());
            w2 = Math.max(w2, m.perms().length());
            w3 = Math.max(w3, m.offsetHex().length());
            w4 = Math.max(w4, m.device().length());
            w5 = Math.max(w5, m.inode().length());
            for (int c = 0; c < nc; c++) {
                long v = m.fields().value(cols.get(c));
                totals[c] += v;
                if (o.quiet()) {
                    widths[c] = Math.max(widths[c], Long.toString(v).length());
                }
            }
            if (!m.vmFlags().isEmpty()) {
                hasFlags = true;
                wv = Math.max(wv, m.vmFlags().length());
            }
        }
        if (!o.quiet()) {
            for (int c = 0; c < nc; c++) {
                widths[c] = Math.max(widths[c], Long.toString(totals[c]).length());
            }
            w1 = head(sb, "Address", w1);
            w2 = head(sb, "Perm", w2);
            w3 = head(sb, "Offset", w3);
            w4 = head(sb, "Device", w4);
            w5 = head(sb, "Inode", w5);
            for (int c = 0; c < nc; c++) {
                head(sb, schema.name(cols.get(c)), widths[c]);
            }
            if (hasFlags && all) {
                wv = head(sb, "VmFlags", wv);
            }
            sb.append("Mapping\n");
        }
        for (Mapping m : ms) {
            pad(sb, m.startHex(), w1, true);
            sb.append(' ');
            pad(sb, m.perms(), w2, true);
            sb.append(' ');
            pad(sb, m.offsetHex(), w3, true);
            sb.append(' ');
            pad(sb, m.device(), w4, true);
            sb.append(' ');
            pad(sb, m.inode(), w5, true);
            for (int c = 0; c < nc; c++) {
                sb.append(' ');
                pad(sb, Long.toString(m.fields().value(cols.get(c))), widths[c], true);
            }
            if (hasFlags && all) {
                sb.append(' ');
                pad(sb, m.vmFlags(), wv, true);
            }
            String desc = m.name().length() > 127 ? m.name().substring(0, 127) : m.name();
            if (!o.showPath()) {
                int slash = desc.lastIndexOf('/');
                if (slash >= 0) {
                    desc = desc.substring(slash + 1);
                }
            }
            sb.append(' ').append(noControls(Mapping.decode(desc))).append('\n');
        }
        if (!o.quiet()) {
            footer(sb, w1 + 1 + w2 + 1 + w3 + 1 + w4 + 1 + w5 + 1, widths, totals);
        }
        return widths;
    }

    private static String noControls(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (bad && sb == null) {
                sb = new StringBuilder(s.substring(0, i));
            }
            if (sb != null) {
                sb.append(bad ? '?' : c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static void footer(StringBuilder sb, int gap, int[] widths, long[] totals) {
        sb.repeat(' ', gap);
        for (int w : widths) {
            sb.repeat('=', w).append(' ');
        }
        sb.append('\n');
        sb.repeat(' ', gap);
        for (int c = 0; c < widths.length; c++) {
            pad(sb, Long.toString(totals[c]), widths[c], true);
            sb.append(' ');
        }
        sb.append("KB \n");
    }

    private static int head(StringBuilder sb, String title, int width) {
        int w = Math.max(width, title.length());
        pad(sb, title, w, true);
        sb.append(' ');
        return w;
    }

    private static void hex16(StringBuilder sb, long v) {
        String h = Long.toHexString(v);
        sb.repeat('0', 16 - h.length()).append(h);
    }

    private static void pad(StringBuilder sb, String s, int width, boolean right) {
        int fill = width - s.length();
        if (right && fill > 0) {
            sb.repeat(' ', fill);
        }
        sb.append(s);
        if (!right && fill > 0) {
            sb.repeat(' ', fill);
        }
    }
}
