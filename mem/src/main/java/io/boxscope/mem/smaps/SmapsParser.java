package io.boxscope.mem.smaps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.boxscope.proc.ProcParseException;

/**
 * Parses {@code /proc/PID/maps}, {@code /proc/PID/smaps} and {@code /proc/PID/smaps_rollup}
 * (proc(5); Documentation/filesystems/proc.rst, "3.1 /proc/PID/smaps"). Pure: text in, records out.
 *
 * <p>A maps line is {@code start-end perms offset dev inode [name]}; in smaps each is followed by
 * {@code Key:   value kB} lines (a few, like THPeligible, have no unit) and, since Linux 3.8, a
 * {@code VmFlags:} line. Header lines start with a lower-case hex digit, detail lines with an
 * upper-case letter: that is how the two are told apart. Fields are kept in the kernel's order and
 * whatever set the running kernel prints (older kernels lack Pss_Dirty, LazyFree, ...).
 *
 * <p>The text should be decoded one char per byte (ISO-8859-1) so names keep their exact bytes.
 */
public final class SmapsParser {
    private SmapsParser() {}

    /** Every entry of a maps, smaps or smaps_rollup text. {@code file} names the source in errors. */
    public static List<Mapping> parse(String text, String file) {
        List<Mapping> out = new ArrayList<>();
        String[] schema = SmapsFields.NO_NAMES;
        int pos = 0;
        int n = text.length();
        int lineNo = 0;
        Header h = null;
        String[] keys = new String[32];
        long[] vals = new long[32];
        int count = 0;
        String vmFlags = "";
        while (pos < n) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            lineNo++;
            if (eol == n && eol > pos && !lastLineUsable(text, pos, eol)) {
                break; // a read cut short mid-line (the process exited): keep what was complete
            }
            if (eol > pos) {
                char c = text.charAt(pos);
                if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                    if (h != null) {
                        schema = finish(out, h, schema, keys, vals, count, vmFlags);
                    }
                    h = header(text, pos, eol, file, lineNo);
                    count = 0;
                    vmFlags = "";
                } else if (h == null) {
                    throw new ProcParseException(file, "line " + lineNo + " is a detail line before any mapping");
                } else if (text.startsWith("VmFlags:", pos)) {
                    vmFlags = text.substring(pos + 8, eol).strip();
                } else {
                    int colon = text.indexOf(':', pos);
                    if (colon < 0 || colon > eol) {
                        throw new ProcParseException(file, "line " + lineNo + " has no 'Key:'");
                    }
                    int v = colon + 1;
                    while (v < eol && text.charAt(v) == ' ') {
                        v++;
                    }
                    long value = 0;
                    int digits = 0;
                    while (v < eol && text.charAt(v) >= '0' && text.charAt(v) <= '9') {
                        value = value * 10 + (text.charAt(v) - '0');
                        v++;
                        digits++;
                    }
                    if (digits > 0) {
                        if (count == keys.length) {
                            keys = Arrays.copyOf(keys, count * 2);
                            vals = Arrays.copyOf(vals, count * 2);
                        }
                        int len = colon - pos;
                        String key = count < schema.length && schema[count].length() == len
                                && text.regionMatches(pos, schema[count], 0, len) ? schema[count] : text.substring(pos, colon);
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

    /** The unterminated last line of a truncated read is used only if it is a whole header or field. */
    private static boolean lastLineUsable(String text, int pos, int eol) {
        char c = text.charAt(pos);
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            int spaces = 0;
            for (int i = pos; i < eol; i++) {
                if (text.charAt(i) == ' ') {
                    spaces++;
                }
            }
            return spaces >= 5;
        }
        int colon = text.indexOf(':', pos);
        return colon > 0 && colon < eol;
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

    private static Header header(String text, int pos, int eol, String file, int lineNo) {
        int dash = text.indexOf('-', pos);
        int sp1 = text.indexOf(' ', pos);
        if (dash < 0 || sp1 < 0 || dash > sp1 || sp1 > eol) {
            throw new ProcParseException(file, "line " + lineNo + " is not 'start-end perms offset dev inode'");
        }
        int sp2 = next(text, sp1 + 1, eol);
        int sp3 = next(text, sp2 + 1, eol);
        int sp4 = next(text, sp3 + 1, eol);
        int sp5 = text.indexOf(' ', sp4 + 1);
        if (sp2 < 0 || sp3 < 0 || sp4 < 0) {
            throw new ProcParseException(file, "line " + lineNo + " has fewer than six fields");
        }
        if (sp5 < 0 || sp5 > eol) {
            sp5 = eol;
        }
        String startHex = text.substring(pos, dash);
        String endHex = text.substring(dash + 1, sp1);
        long start;
        long end;
        try {
            start = Long.parseUnsignedLong(startHex, 16);
            end = Long.parseUnsignedLong(endHex, 16);
        } catch (NumberFormatException e) {
            throw new ProcParseException(file, "line " + lineNo + " has a bad address range");
        }
        int nameStart = sp5;
        while (nameStart < eol && text.charAt(nameStart) == ' ') {
            nameStart++;
        }
        return new Header(startHex, endHex, start, end, text.substring(sp1 + 1, sp2), text.substring(sp2 + 1, sp3),
                text.substring(sp3 + 1, sp4), text.substring(sp4 + 1, sp5), text.substring(nameStart, eol));
    }

    private static int next(String text, int from, int eol) {
        int i = text.indexOf(' ', from);
        return i < 0 || i > eol ? -1 : i;
    }
}
