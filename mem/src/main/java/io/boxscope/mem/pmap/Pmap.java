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
 * The first line is the PID and the command line, escaped as {@link CommandLine} describes.
 * Deliberate differences: under -X/-XX, control characters in names print as '?' instead of raw,
 * and so do control bytes procps swallows into a broken multibyte sequence of the command line
 * (a file name or an argument must not be able to drive the terminal).
 */
public final class Pmap {
    private Pmap() {}

    /**
     * The whole output for one process, first line included, each line ending in '\n', decoded as
     * UTF-8 ({@link #renderBytes} is exact where the command line holds bytes that are not UTF-8).
     */
    public static String render(PmapProcess p, PmapOptions o) {
        return new Session(o).render(p);
    }

    /** The bytes procps prints (ASCII but for the command and -X/-XX names), for writing straight to a stream. */
    public static byte[] renderBytes(PmapProcess p, PmapOptions o) {
        return new Session(o).renderBytes(p);
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
            return out(p).toString();
        }

        /** {@link #render} as UTF-8 bytes. */
        public byte[] renderBytes(PmapProcess p) {
            return out(p).bytes();
        }

        private Out out(PmapProcess p) {
            Out sb = new Out(128 + p.mappings().size() * 100);
            sb.dec(p.tgid()).text(":   ").raw(p.command().terminal()).ch('\n');
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
            return sb;
        }
    }

    /** The mappings inside -A LOW,HIGH (all of them without -A), in address order. */
    private static List<Mapping> inRange(PmapProcess p, PmapOptions o) {
        if (o.low() == 0 && o.high() == PmapOptions.NO_HIGH) {
            return p.mappings();
        }
        List<Mapping> out = new ArrayList<>();
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

    /** The mode column: rwx, '-' for private or 's' for shared, then '-'. */
    private static void mode(Out sb, Mapping m) {
        for (int i = 0; i < 4; i++) {
            char c = m.perm(i);
            sb.raw(c >= 0x80 ? '?' : i == 3 && c == 'p' ? '-' : c);
        }
        sb.ch('-');
    }

    private static final byte[] SYSV = {'/', 'S', 'Y', 'S', 'V'};
    private static final byte[] STACK = "  [ stack ]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ANON = "  [ anon ]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The mapping column of the plain, -x and -d layouts, written byte by byte: every byte outside 0x20..0x7e becomes '?', as
     * procps does to maps lines.
     */
    private static void name(Out sb, Mapping m, PmapProcess p, boolean showPath) {
        int len = m.nameLength();
        int first = -1;
        int last = -1;
        for (int i = 0; i < len; i++) {
            if (m.nameByte(i) == '/') {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first >= 0 && p.shmMinor() >= 0 && m.deviceMajor() == 0 && m.deviceMinor() == p.shmMinor() && sysv(m, first)) {
            sb.text("  [ shmid=0x").text(Long.toHexString(m.inodeNumber())).text(" ]");
            return;
        }
        if (last >= 0) {
            int from = showPath ? first : last + 1 < len ? last + 1 : last;
            for (int i = from; i < len; i++) {
                int c = m.nameByte(i);
                sb.raw(c < 0x20 || c > 0x7e ? '?' : c);
            }
            return;
        }
        long ss = p.startStack();
        sb.ascii(Long.compareUnsigned(ss, m.start()) >= 0 && Long.compareUnsigned(ss, m.end()) <= 0 ? STACK : ANON);
    }

    /** Whether the name contains "/SYSV" at or after {@code from}. */
    static boolean sysv(Mapping m, int from) {
        int len = m.nameLength();
        for (int i = from; i + SYSV.length <= len; i++) {
            int k = 0;
            while (k < SYSV.length && m.nameByte(i + k) == SYSV[k]) {
                k++;
            }
            if (k == SYSV.length) {
                return true;
            }
        }
        return false;
    }

    private static void plain(Out sb, PmapProcess p, PmapOptions o) {
        long total = 0;
        for (Mapping m : inRange(p, o)) {
            total += m.sizeBytes();
            plainRow(sb, m, p, o.showPath());
        }
        if (!o.quiet()) {
            sb.text(" total ");
            sizeK(sb, total >>> 10, 17);
            sb.ch('\n');
        }
    }

    /** One row of the plain layout (a method of its own for the JIT, as {@link #extendedRow}). */
    private static void plainRow(Out sb, Mapping m, PmapProcess p, boolean showPath) {
        sb.hex16(m.start()).ch(' ');
        sizeK(sb, m.sizeBytes() >>> 10, 7);
        sb.ch(' ');
        mode(sb, m);
        sb.ch(' ');
        name(sb, m, p, showPath);
        sb.ch('\n');
    }

    /** "{kB}K" right-aligned in {@code width} columns. */
    private static void sizeK(Out sb, long kb, int width) {
        sb.right(kb, width - 1).ch('K');
    }

    /** -d: offset and device per mapping; the footer splits the total into private-writeable and shared. */
    private static void device(Out sb, PmapProcess p, PmapOptions o) {
        if (!o.quiet()) {
            sb.text("Address           Kbytes Mode  Offset           Device    Mapping\n");
        }
        long total = 0;
        long writeable = 0;
        long shared = 0;
        for (Mapping m : inRange(p, o)) {
            long size = m.sizeBytes();
            total += size;
            if (m.shared()) {
                shared += size;
            } else if (m.perm(1) == 'w') {
                writeable += size;
            }
            sb.hex16(m.start()).ch(' ').right(size >>> 10, 7).ch(' ');
            mode(sb, m);
            sb.ch(' ');
            long offset;
            try {
                offset = Long.parseUnsignedLong(m.offsetHex(), 16);
            } catch (NumberFormatException e) {
                offset = 0;
            }
            sb.hex16(offset).ch(' ');
            String major = Integer.toHexString(m.deviceMajor());
            String minor = Integer.toHexString(m.deviceMinor());
            sb.repeat('0', 3 - major.length()).text(major).ch(':');
            sb.repeat('0', 5 - minor.length()).text(minor);
            sb.ch(' ');
            name(sb, m, p, o.showPath());
            sb.ch('\n');
        }
        if (!o.quiet()) {
            sb.text("mapped: ").dec(total >>> 10).text("K    writeable/private: ").dec(writeable >>> 10)
                    .text("K    shared: ").dec(shared >>> 10).text("K\n");
        }
    }

    private static void extended(Out sb, PmapProcess p, PmapOptions o) {
        if (!o.quiet()) {
            sb.text("Address           Kbytes     RSS   Dirty Mode  Mapping\n");
        }
        long total = 0;
        long totalRss = 0;
        long totalDirty = 0;
        // Entries of one file share their field names: look the three columns up once per schema.
        SmapsFields schema = null;
        int rssAt = -1;
        int sharedDirtyAt = -1;
        int privateDirtyAt = -1;
        for (Mapping m : p.mappings()) {
            if (above(m, o)) {
                break;
            }
            SmapsFields f = m.fields();
            if (schema == null || !f.sameNames(schema)) {
                schema = f;
                rssAt = f.index("Rss");
                sharedDirtyAt = f.index("Shared_Dirty");
                privateDirtyAt = f.index("Private_Dirty");
            }
            long rss = rssAt < 0 ? 0 : f.value(rssAt);
            long dirty = (sharedDirtyAt < 0 ? 0 : f.value(sharedDirtyAt)) + (privateDirtyAt < 0 ? 0 : f.value(privateDirtyAt));
            totalRss += rss;
            totalDirty += dirty;
            if (below(m, o)) {
                continue;
            }
            total += m.sizeBytes();
            extendedRow(sb, m, p, o.showPath(), rss, dirty);
        }
        if (!o.quiet()) {
            sb.text("---------------- ------- ------- ------- \n");
            sb.text("total kB         ").right(total >>> 10, 7).ch(' ').right(totalRss, 7).ch(' ').right(totalDirty, 7).ch('\n');
        }
    }

    /**
     * One -x row. A method of its own so that it is compiled after a few hundred rows: the loop
     * around it runs once, interpreted, in a JVM that has just started.
     */
    private static void extendedRow(Out sb, Mapping m, PmapProcess p, boolean showPath, long rss, long dirty) {
        sb.hex16(m.start()).ch(' ').right(m.sizeBytes() >>> 10, 7).ch(' ').right(rss, 7).ch(' ').right(dirty, 7).ch(' ');
        mode(sb, m);
        sb.ch(' ');
        name(sb, m, p, showPath);
        sb.ch('\n');
    }

    /** Fields -X leaves out (procps calls them unimportant); -XX shows them. */
    private static boolean hiddenByX(String field) {
        return switch (field) {
            case "AnonHugePages", "KernelPageSize", "MMUPageSize", "Shared_Dirty", "Private_Dirty", "Shared_Clean",
                    "Private_Clean", "VmFlags" -> true;
            default -> false;
        };
    }

    private static int[] detailed(Out sb, PmapProcess p, PmapOptions o, int[] carried, long[][] carriedTotals) {
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
                    widths[c] = Math.max(widths[c], Out.width(v));
                }
            }
            if (!m.vmFlags().isEmpty()) {
                hasFlags = true;
                wv = Math.max(wv, m.vmFlags().length());
            }
        }
        if (!o.quiet()) {
            for (int c = 0; c < nc; c++) {
                widths[c] = Math.max(widths[c], Out.width(totals[c]));
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
            sb.text("Mapping\n");
        }
        for (Mapping m : ms) {
            sb.right(m.startHex(), w1).ch(' ').right(m.perms(), w2).ch(' ').right(m.offsetHex(), w3).ch(' ')
                    .right(m.device(), w4).ch(' ').right(m.inode(), w5);
            for (int c = 0; c < nc; c++) {
                sb.ch(' ').right(m.fields().value(cols.get(c)), widths[c]);
            }
            if (hasFlags && all) {
                sb.ch(' ').right(m.vmFlags(), wv);
            }
            String desc = m.name().length() > 127 ? m.name().substring(0, 127) : m.name();
            if (!o.showPath()) {
                int slash = desc.lastIndexOf('/');
                if (slash >= 0) {
                    desc = desc.substring(slash + 1);
                }
            }
            sb.ch(' ').text(noControls(Mapping.decode(desc))).ch('\n');
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

    private static void footer(Out sb, int gap, int[] widths, long[] totals) {
        sb.repeat(' ', gap);
        for (int w : widths) {
            sb.repeat('=', w).ch(' ');
        }
        sb.ch('\n');
        sb.repeat(' ', gap);
        for (int c = 0; c < widths.length; c++) {
            sb.right(totals[c], widths[c]).ch(' ');
        }
        sb.text("KB \n");
    }

    private static int head(Out sb, String title, int width) {
        int w = Math.max(width, title.length());
        sb.right(title, w).ch(' ');
        return w;
    }
}
