package io.boxscope.mem.smaps;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.boxscope.proc.ProcParseException;

/**
 * Parses {@code /proc/PID/maps}, {@code /proc/PID/smaps} and {@code /proc/PID/smaps_rollup}
 * (proc(5); Documentation/filesystems/proc.rst, "3.1 /proc/PID/smaps"). Pure: bytes in, records out.
 *
 * <p>A maps line is {@code start-end perms offset dev inode [name]}; in smaps each is followed by
 * {@code Key:   value kB} lines (a few, like THPeligible, have no unit) and, since Linux 3.8, a
 * {@code VmFlags:} line. Header lines start with a lower-case hex digit, detail lines with an
 * upper-case letter: that is how the two are told apart. Fields are kept in the kernel's order and
 * whatever set the running kernel prints (older kernels lack Pss_Dirty, LazyFree, ...).
 *
 * <p>Works on bytes (names are arbitrary bytes; a 10,000-mapping smaps is 7 MB, parsed before the
 * JIT has warmed up, where array indexing is far cheaper than String calls). The last line of a read
 * cut short (the process exited) is dropped unless it is complete.
 */
public final class SmapsParser {
    private SmapsParser() {}

    private static final byte[] VMFLAGS = "VmFlags:".getBytes(StandardCharsets.US_ASCII);

    /** Parses text decoded one char per byte (ISO-8859-1). */
    public static List<Mapping> parse(String text, String file) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return parse(b, b.length, file);
    }

    /** Every entry in {@code b[0..len)}. {@code file} names the source in errors. */
    public static List<Mapping> parse(byte[] b, int len, String file) {
        List<Mapping> out = new ArrayList<>();
        String[] schema = SmapsFields.NO_NAMES;
        byte[][] schemaBytes = new byte[0][];
        int pos = 0;
        int lineNo = 0;
        Header h = null;
        String[] keys = new String[32];
        long[] vals = new long[32];
        int count = 0;
        String vmFlags = "";
        while (pos < len) {
            int eol = pos;
            while (eol < len && b[eol] != '\n') {
                eol++;
            }
            lineNo++;
            if (eol == len && eol > pos && !lastLineUsable(b, pos, eol)) {
                break;
            }
            if (eol > pos) {
                byte c = b[pos];
                if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                    if (h != null) {
                        schema = finish(out, h, schema, keys, vals, count, vmFlags);
                        if (schemaBytes.length != schema.length) {
                            schemaBytes = bytesOf(schema);
                        }
                    }
                    h = header(b, pos, eol, file, lineNo);
                    count = 0;
                    vmFlags = "";
                } else if (h == null) {
                    throw new ProcParseException(file, "line " + lineNo + " is a detail line before any mapping");
                } else if (startsWith(b, pos, eol, VMFLAGS)) {
                    vmFlags = new String(b, pos + 8, eol - pos - 8, StandardCharsets.ISO_8859_1).strip();
                } else {
                    int colon = pos;
                    while (colon < eol && b[colon] != ':') {
                        colon++;
                    }
                    if (colon == eol) {
                        throw new ProcParseException(file, "line " + lineNo + " has no 'Key:'");
                    }
                    int v = colon + 1;
                    while (v < eol && b[v] == ' ') {
                        v++;
                    }
                    long value = 0;
                    int digits = 0;
                    while (v < eol && b[v] >= '0' && b[v] <= '9') {
                        value = value * 10 + (b[v] - '0');
                        v++;
                        digits++;
                    }
                    if (digits > 0) {
                        if (count == keys.length) {
                            keys = Arrays.copyOf(keys, count * 2);
                            vals = Arrays.copyOf(vals, count * 2);
                        }
                        String key;
                        if (count < schemaBytes.length && same(b, pos, colon, schemaBytes[count])) {
                            key = schema[count];
                        } else {
                            key = new String(b, pos, colon - pos, StandardCharsets.ISO_8859_1);
                        }
                        keys[count] = key;
                        vals[count] = value;
                        count++;
                    }
                    // A key with a non-numeric value (a future kernel's) is skipped, as pmap does.
                }
            }
            pos = eol + 1;
        }
        if (h != null) {
            finish(out, h, schema, keys, vals, count, vmFlags);
        }
        return out;
    }

    private static byte[][] bytesOf(String[] names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    private static boolean same(byte[] b, int from, int to, byte[] key) {
        if (to - from != key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (b[from + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && same(b, from, from + prefix.length, prefix);
    }

    /** The unterminated last line of a truncated read is used only if it is a whole header or field. */
    private static boolean lastLineUsable(byte[] b, int pos, int eol) {
        byte c = b[pos];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            int spaces = 0;
            for (int i = pos; i < eol; i++) {
                if (b[i] == ' ') {
                    spaces++;
                }
            }
            return spaces >= 5;
        }
        for (int i = pos; i < eol; i++) {
            if (b[i] == ':') {
                return true;
            }
        }
        return false;
    }

    private record Header(String startHex, String endHex, long start, long end, String perms, String offset,
            String device, String inode, String name) {}

    private static String[] finish(List<Mapping> out, Header h, String[] schema, String[] keys, long[] vals,
            int count, String vmFlags) {
        boolean same = count == schema.length;
        for (int i = 0; same && i < count; i++) {
            same = keys[i] == schema[i];
        }
        String[] names = same ? schema : Arrays.copyOf(keys, count);
        out.add(new Mapping(h.startHex, h.endHex, h.start, h.end, h.perms, h.offset, h.device, h.inode, h.name,
                count == 0 ? SmapsFields.EMPTY : new SmapsFields(names, Arrays.copyOf(vals, count)), vmFlags));
        return count == 0 ? schema : names;
    }

    private static Header header(byte[] b, int pos, int eol, String file, int lineNo) {
        int dash = pos;
        while (dash < eol && b[dash] != '-') {
            dash++;
        }
        int sp1 = next(b, dash, eol);
        int sp2 = next(b, sp1 + 1, eol);
        int sp3 = next(b, sp2 + 1, eol);
        int sp4 = next(b, sp3 + 1, eol);
        if (dash == eol || sp1 < 0 || sp2 < 0 || sp3 < 0 || sp4 < 0) {
            throw new ProcParseException(file, "line " + lineNo + " is not 'start-end perms offset dev inode'");
        }
        int sp5 = next(b, sp4 + 1, eol);
        if (sp5 < 0) {
            sp5 = eol;
        }
        long start = hex(b, pos, dash);
        long end = hex(b, dash + 1, sp1);
        if (start < 0 && dash - pos > 16 || end < 0 && sp1 - dash - 1 > 16 || dash == pos || sp1 == dash + 1
                || bad(start) || bad(end)) {
            throw new ProcParseException(file, "line " + lineNo + " has a bad address range");
        }
        int nameStart = sp5;
        while (nameStart < eol && b[nameStart] == ' ') {
            nameStart++;
        }
        return new Header(str(b, pos, dash), str(b, dash + 1, sp1), start, end, str(b, sp1 + 1, sp2), str(b, sp2 + 1, sp3),
                str(b, sp3 + 1, sp4), str(b, sp4 + 1, sp5), str(b, nameStart, eol));
    }

    private static final long BAD = 0x7ead_beef_0bad_f00dL;

    private static boolean bad(long v) {
        return v == BAD;
    }

    /** Unsigned hex, or BAD if a character is not a hex digit. */
    private static long hex(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                return BAD;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static String str(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static int next(byte[] b, int from, int eol) {
        for (int i = from; i < eol; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
