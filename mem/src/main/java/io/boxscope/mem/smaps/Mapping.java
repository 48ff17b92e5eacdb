package io.boxscope.mem.smaps;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of {@code /proc/PID/maps} plus, when read from {@code smaps}, its detail lines
 * (proc(5), Documentation/filesystems/proc.rst "smaps").
 *
 * <p>The header fields are kept exactly as the kernel printed them ({@link #startHex()},
 * {@link #offsetHex()}, {@link #device()}, {@link #inode()}) because pmap's output derives its
 * column widths from those strings. {@link #name()} is a byte string: one char per byte
 * (ISO-8859-1), since paths are arbitrary bytes; {@link #displayName()} decodes it as UTF-8 for
 * humans.
 *
 * <p>Why a class and not a record: a 10,000-mapping smaps is parsed in a freshly started JVM, where
 * every object counts. The header line is kept as its bytes (one array) and the text fields are
 * made from it when asked for; {@link #nameLength()} and {@link #nameByte(int)} let renderers copy
 * the name without making a String.
 */
public final class Mapping {
    private final byte[] head;
    private final int dash;
    private final int sp1;
    private final int sp2;
    private final int sp3;
    private final int sp4;
    private final int sp5;
    private final int nameStart;
    private final long start;
    private final long end;
    private final SmapsFields fields;
    private final String vmFlags;

    /**
     * {@code head} is the header line without its newline; the offsets are those of the '-' and
     * of the spaces after end, perms, offset, device and inode (the last is the line's length when
     * there is no name), and where the name starts.
     */
    Mapping(byte[] head, int dash, int sp1, int sp2, int sp3, int sp4, int sp5, int nameStart, long start, long end,
            SmapsFields fields, String vmFlags) {
        this.head = head;
        this.dash = dash;
        this.sp1 = sp1;
        this.sp2 = sp2;
        this.sp3 = sp3;
        this.sp4 = sp4;
        this.sp5 = sp5;
        this.nameStart = nameStart;
        this.start = start;
        this.end = end;
        this.fields = fields;
        this.vmFlags = vmFlags;
    }

    private String str(int from, int to) {
        return new String(head, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The start address as the kernel printed it (lower-case hex, at least 8 digits). */
    public String startHex() {
        return str(0, dash);
    }

    public String endHex() {
        return str(dash + 1, sp1);
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    /** rwxp / rwxs as printed. */
    public String perms() {
        return str(sp1 + 1, sp2);
    }

    public String offsetHex() {
        return str(sp2 + 1, sp3);
    }

    /** major:minor in hex, as printed. */
    public String device() {
        return str(sp3 + 1, sp4);
    }

    public String inode() {
        return str(sp4 + 1, sp5);
    }

    /** The path or pseudo-name ([heap], [stack], ...) as a byte string; empty for anonymous memory. */
    public String name() {
        return str(nameStart, head.length);
    }

    /** Length in bytes of {@link #name()}. */
    public int nameLength() {
        return head.length - nameStart;
    }

    /** Byte {@code i} of the name (0 &lt;= i &lt; {@link #nameLength()}), as an unsigned value. */
    public int nameByte(int i) {
        return head[nameStart + i] & 0xff;
    }

    /** Permission character {@code i} (0..3: r, w, x, p/s), or 0 past the printed permissions. */
    public char perm(int i) {
        return i < sp2 - sp1 - 1 ? (char) (head[sp1 + 1 + i] & 0xff) : '\0';
    }

    public SmapsFields fields() {
        return fields;
    }

    /** The VmFlags line's value (two-letter flags separated by spaces), or empty when absent. */
    public String vmFlags() {
        return vmFlags;
    }

    /** Bytes of address space (end - start). */
    public long sizeBytes() {
        return end - start;
    }

    /** A detail field in kB, or 0 if the kernel did not print it. */
    public long kb(String field) {
        return fields.get(field, 0);
    }

    /** True for MAP_SHARED mappings ('s' in the fourth permission column). */
    public boolean shared() {
        return perm(3) == 's';
    }

    /** Device major number (hex in the file); 0 for anonymous memory, tmpfs and special mappings. */
    public int deviceMajor() {
        int colon = colon();
        return colon < 0 ? 0 : hexInt(sp3 + 1, colon);
    }

    /** Device minor number. */
    public int deviceMinor() {
        int colon = colon();
        return colon < 0 ? 0 : hexInt(colon + 1, sp4);
    }

    private int colon() {
        for (int i = sp3 + 1; i < sp4; i++) {
            if (head[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    /** Hex digits to an int; 0 if empty, not hex, or too long (as Integer.parseInt's failure was). */
    private int hexInt(int from, int to) {
        if (from == to || to - from > 7) {
            return 0;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(head[i], 16);
            if (d < 0) {
                return 0;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** Inode as a number (0 for anonymous memory). */
    public long inodeNumber() {
        try {
            return Long.parseUnsignedLong(inode());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The name decoded as UTF-8 (invalid bytes become U+FFFD). */
    public String displayName() {
        return new String(head, nameStart, head.length - nameStart, StandardCharsets.UTF_8);
    }

    /** True if the kernel marked the backing file as unlinked. */
    public boolean deleted() {
        return name().endsWith(" (deleted)");
    }

    /** Same header line, fields and flags. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Mapping m && Arrays.equals(head, m.head) && fields.equals(m.fields) && vmFlags.equals(m.vmFlags);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(head);
    }

    @Override
    public String toString() {
        return "Mapping[" + str(0, head.length) + ", " + fields + ", VmFlags " + vmFlags + "]";
    }

    /** Turns a byte string (one char per byte) into text, decoding UTF-8. */
    public static String decode(String byteString) {
        for (int i = 0; i < byteString.length(); i++) {
            if (byteString.charAt(i) >= 0x80) {
                return new String(byteString.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return byteString;
    }
}
