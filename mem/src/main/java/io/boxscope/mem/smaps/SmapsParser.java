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
 * JIT has warmed up, where array indexing is far cheaper than String calls), fed in chunks as they
 * are read ({@link #feed}, then {@link #finish}) so the file is never held whole. The last line of
 * a read cut short (the process exited) is dropped unless it is complete.
 */
public final class SmapsParser {
    private static final byte[] VMFLAGS = "VmFlags:".getBytes(StandardCharsets.US_ASCII);

    private final String file;
    private final List<Mapping> out = new ArrayList<>();
    private String[] schema = SmapsFields.NO_NAMES;
    private byte[][] schemaBytes = new byte[0][];
    private int lineNo;
    /** The incomplete line at the end of the last chunk fed. */
    private byte[] carry = NO_BYTES;
    private int carryLen;
    private boolean finished;
    // The entry being read: its header, detail fields so far and VmFlags.
    private byte[] head;
    private int dash;
    private int sp1;
    private int sp2;
    private int sp3;
    private int sp4;
    private int sp5;
    private int nameStart;
    private long start;
    private long end;
    private String[] keys = new String[32];
    private long[] vals = new long[32];
    private int count;
    private String vmFlags = "";
    private Interner flags;
    private static final byte[] NO_BYTES = new byte[0];

    /** A parser for one file, fed in chunks; {@code file} names the source in errors. */
    public SmapsParser(String file) {
        this.file = file;
    }

    /**
     * A parser that expects the field names of {@code like} (from an earlier file of the same
     * kind, e.g. another process's smaps_rollup) and shares their Strings when they recur.
     * Only a hint: any other names are parsed as usual.
     */
    public SmapsParser(String file, SmapsFields like) {
        this.file = file;
        if (like.size() > 0) {
            schema = like.namesArray();
            schemaBytes = bytesOf(schema);
        }
    }

    /** Parses text decoded one char per byte (ISO-8859-1). */
    public static List<Mapping> parse(String text, String file) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return parse(b, b.length, file);
    }

    /** Every entry in {@code b[0..len)}. {@code file} names the source in errors. */
    public static List<Mapping> parse(byte[] b, int len, String file) {
        SmapsParser p = new SmapsParser(file);
        p.feed(b, 0, len);
        return p.finish();
    }

    /**
     * Parses the complete lines of {@code b[from..to)}; an incomplete last line is kept until the
     * next chunk (or {@link #finish()}) completes it. The bytes are not retained.
     */
    public void feed(byte[] b, int from, int to) {
        if (finished) {
            throw new IllegalStateException("feed after finish");
        }
        int pos = from;
        if (carryLen > 0) {
            int eol = pos;
            while (eol < to && b[eol] != '\n') {
                eol++;
            }
            if (eol == to) {
                keep(b, pos, to);
                return;
            }
            keep(b, pos, eol + 1);
            line(carry, 0, carryLen);
            carryLen = 0;
            pos = eol + 1;
        }
        while (pos < to) {
            int next = line(b, pos, to);
            if (next < 0) {
                keep(b, pos, to);
                return;
            }
            pos = next;
        }
    }

    /**
     * Ends the input and returns every entry. The unterminated last line of a read cut short (the
     * process exited) is used only if it is a whole header or field.
     */
    public List<Mapping> finish() {
        if (!finished) {
            finished = true;
            if (carryLen > 0 && lastLineUsable(carry, 0, carryLen)) {
                keep(NEWLINE, 0, 1);
                line(carry, 0, carryLen);
            }
            carryLen = 0;
            if (head != null) {
                emit();
                head = null;
            }
        }
        return out;
    }

    private static final byte[] NEWLINE = {'\n'};

    private void keep(byte[] b, int from, int to) {
        int n = to - from;
        if (carryLen + n > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(Math.max(512, carry.length * 2), carryLen + n));
        }
        System.arraycopy(b, from, carry, carryLen, n);
        carryLen += n;
    }

    /**
     * Parses the line starting at {@code pos} if its newline is before {@code to}, and returns
     * where the next line starts; returns -1, having changed nothing, if the line is incomplete.
     * One pass over the bytes: detail lines (nine in ten) are read key, value, newline.
     */
    private int line(byte[] b, int pos, int to) {
        if (count < schemaBytes.length && head != null) {
            int next = expectedDetail(b, pos, to);
            if (next != 0) {
                return next;
            }
        }
        return anyLine(b, pos, to);
    }

    /**
     * The common case in a small method (which the JIT compiles early): the detail line whose key
     * is the one at the same place in the previous entry, with a number. Returns where the next line
     * starts, -1 if the line is incomplete, or 0, having changed nothing, for anything else.
     */
    private int expectedDetail(byte[] b, int pos, int to) {
        byte[] k = schemaBytes[count];
        int colon = pos + k.length;
        if (colon >= to || b[colon] != ':') {
            return 0;
        }
        for (int i = 0; i < k.length; i++) {
            if (b[pos + i] != k[i]) {
                return 0;
            }
        }
        int v = colon + 1;
        while (v < to && b[v] == ' ') {
            v++;
        }
        long value = 0;
        int start = v;
        byte d;
        while (v < to && (d = b[v]) >= '0' && d <= '9') {
            value = value * 10 + (d - '0');
            v++;
        }
        if (v == start) {
            return 0;
        }
        while (v < to && b[v] != '\n') {
            v++;
        }
        if (v == to) {
            return -1;
        }
        lineNo++;
        if (count == keys.length) {
            keys = Arrays.copyOf(keys, count * 2);
            vals = Arrays.copyOf(vals, count * 2);
        }
        keys[count] = schema[count];
        vals[count] = value;
        count++;
        return v + 1;
    }

    /** Any line: header, detail line, VmFlags, blank; the same contract as {@link #expectedDetail} but never 0. */
    private int anyLine(byte[] b, int pos, int to) {
        byte c = b[pos];
        if (c == '\n') {
            lineNo++;
            return pos + 1;
        }
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            int eol = pos;
            while (eol < to && b[eol] != '\n') {
                eol++;
            }
            if (eol == to) {
                return -1;
            }
            lineNo++;
            if (head != null) {
                emit();
            }
            header(b, pos, eol);
            count = 0;
            vmFlags = "";
            return eol + 1;
        }
        // Usually the key is the one at the same place in the previous entry: compare it in place.
        int colon = -1;
        boolean known = false;
        if (count < schemaBytes.length) {
            byte[] k = schemaBytes[count];
            int at = pos + k.length;
            if (at < to && b[at] == ':' && same(b, pos, at, k)) {
                colon = at;
                known = true;
            }
        }
        if (!known) {
            colon = pos;
            while (colon < to && b[colon] != ':' && b[colon] != '\n') {
                colon++;
            }
            if (colon == to) {
                return -1;
            }
        }
        if (b[colon] == '\n') {
            lineNo++;
            throw new ProcParseException(file, "line " + lineNo + (head == null ? " is a detail line before any mapping"
                    : " has no 'Key:'"));
        }
        int v = colon + 1;
        while (v < to && b[v] == ' ') {
            v++;
        }
        long value = 0;
        int digits = 0;
        byte d;
        while (v < to && (d = b[v]) >= '0' && d <= '9') {
            value = value * 10 + (d - '0');
            v++;
            digits++;
        }
        int eol = v;
        while (eol < to && b[eol] != '\n') {
            eol++;
        }
        if (eol == to) {
            return -1;
        }
        lineNo++;
        if (head == null) {
            throw new ProcParseException(file, "line " + lineNo + " is a detail line before any mapping");
        }
        if (colon - pos == 7 && startsWith(b, pos, eol, VMFLAGS)) {
            int s = pos + 8;
            int e = eol;
            while (s < e && whitespace(b[s])) {
                s++;
            }
            while (e > s && whitespace(b[e - 1])) {
                e--;
            }
            if (flags == null) {
                flags = new Interner();
            }
            vmFlags = flags.get(b, s, e);
        } else if (digits > 0) {
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                vals = Arrays.copyOf(vals, count * 2);
            }
            String key = known ? schema[count] : new String(b, pos, colon - pos, StandardCharsets.ISO_8859_1);
            keys[count] = key;
            vals[count] = value;
            count++;
        }
        // A key with a non-numeric value (a future kernel's) is skipped, as pmap does.
        return eol + 1;
    }

    /** What String.strip removes, for one byte of a byte string. */
    private static boolean whitespace(byte b) {
        return b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
    }

    /** Adds the entry being read; the first entry's field names become the schema later ones share. */
    private void emit() {
        boolean same = count == schema.length;
        for (int i = 0; same && i < count; i++) {
            same = keys[i] == schema[i];
        }
        String[] names = same ? schema : Arrays.copyOf(keys, count);
        out.add(new Mapping(head, dash, sp1, sp2, sp3, sp4, sp5, nameStart, start, end,
                count == 0 ? SmapsFields.EMPTY : new SmapsFields(names, Arrays.copyOf(vals, count)), vmFlags));
        if (count > 0 && names != schema) {
            schema = names;
            schemaBytes = bytesOf(schema);
        }
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

    private void header(byte[] b, int pos, int eol) {
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
        this.head = Arrays.copyOfRange(b, pos, eol);
        this.dash = dash - pos;
        this.sp1 = sp1 - pos;
        this.sp2 = sp2 - pos;
        this.sp3 = sp3 - pos;
        this.sp4 = sp4 - pos;
        this.sp5 = sp5 - pos;
        this.nameStart = nameStart - pos;
        this.start = start;
        this.end = end;
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

    private static int next(byte[] b, int from, int eol) {
        for (int i = from; i < eol; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Strings for byte ranges that repeat (VmFlags: a handful of distinct values over thousands of
     * entries), so each distinct value is one String. A small open-addressing table; once it is
     * three-quarters full, new values are simply not shared.
     */
    private static final class Interner {
        private final byte[][] bytes = new byte[64][];
        private final String[] strings = new String[64];
        private int used;

        String get(byte[] b, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) {
                h = 31 * h + b[i];
            }
            for (int probe = 0; probe < 64; probe++) {
                int slot = (h + probe) & 63;
                byte[] k = bytes[slot];
                if (k == null) {
                    String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
                    if (used < 48) {
                        bytes[slot] = Arrays.copyOfRange(b, from, to);
                        strings[slot] = s;
                        used++;
                    }
                    return s;
                }
                if (same(b, from, to, k)) {
                    return strings[slot];
                }
            }
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
