package io.boxscope.trace.scap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import io.boxscope.trace.scap.ScapFormatException.Kind;

/**
 * Reads sysdig capture files (plain or gzipped, as {@code sysdig -w} and {@code -z} write them): the
 * header blocks into {@link CaptureTables}, then events one at a time.
 *
 * <p>Stricter than libscap, which trusts block lengths: every block's trailing length must repeat its
 * leading one and an event's own length must fit its block, so a cut or damaged file stops with one
 * {@link ScapFormatException} at the offset of the first bad block, never with another exception, and the
 * events before it stay valid. Events with numbers newer than the event table are skipped, as libscap
 * does, and counted ({@link #skippedUnknown()}).
 */
public final class ScapReader implements Closeable {
    /** Largest block accepted (256 MiB): a larger length is taken for damage rather than allocated. */
    private static final int MAX_BLOCK = 256 << 20;
    /**
     * libscap writes its blocks in the writing host's order (scap_savefile.c, scap_setup_dump: the structs as they
     * are in memory) and its reader refuses the other order ("invalid magic number"); Boxscope writes and reads
     * little-endian, the order of every capture from x86_64, aarch64 and ppc64le. A capture written by libscap on
     * s390x is big-endian: said in one line rather than as a corrupt block.
     */
    static final String BIG_ENDIAN_CAPTURE = "the section header is byte-swapped (byte-order magic 0x4d3c2b1a):"
            + " a big-endian capture, written by sysdig on s390x; Boxscope reads little-endian captures only, as"
            + " sysdig reads only its own host's order, so read it with sysdig -r on a big-endian machine";

    private final Input in;
    private final CaptureTables tables;
    private long skippedUnknown;
    private ScapFormatException failure;
    private byte[] pending;
    private int pendingLength;
    private int pendingType;
    private long pendingOffset;

    private ScapReader(Input in) throws ScapFormatException {
        this.in = in;
        this.tables = readHeader();
    }

    /** Opens {@code path} and reads its header blocks. */
    public static ScapReader open(Path path) throws IOException {
        InputStream raw = Files.newInputStream(path);
        try {
            return of(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Reads from {@code stream} (gzip detected by its magic) and reads its header blocks. */
    public static ScapReader of(InputStream stream) throws IOException {
        BufferedInputStream b = new BufferedInputStream(stream, 1 << 16);
        b.mark(2);
        int m0 = b.read();
        int m1 = b.read();
        b.reset();
        InputStream s = b;
        if (m0 == 0x1f && m1 == 0x8b) {
            s = new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
        }
        return new ScapReader(new Input(s));
    }

    /**
     * Reads a whole file: its tables, every event up to the end or the first bad block, and that block's
     * error. Never throws for a damaged file, only when it cannot be opened.
     */
    public static ScapCapture readAll(Path path) throws IOException {
        InputStream raw = Files.newInputStream(path);
        ScapReader r;
        try {
            r = of(raw);
        } catch (ScapFormatException e) {
            raw.close();
            return new ScapCapture(null, List.of(), 0, e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        try (r) {
            List<ScapEvent> events = new ArrayList<>();
            for (ScapEvent e; (e = r.nextOrNull()) != null; ) {
                events.add(e);
            }
            return new ScapCapture(r.tables(), events, r.skippedUnknown(), r.failure());
        }
    }

    public CaptureTables tables() {
        return tables;
    }

    /** Events skipped because their number is beyond the event table (newer drivers). */
    public long skippedUnknown() {
        return skippedUnknown;
    }

    /** The error that ended reading, or null while the file reads cleanly. */
    public ScapFormatException failure() {
        return failure;
    }

    /** The next event, or null at the end of the file or after an error ({@link #failure()} tells which). */
    public ScapEvent nextOrNull() {
        if (failure != null) {
            return null;
        }
        try {
            return next();
        } catch (ScapFormatException e) {
            failure = e;
            return null;
        }
    }

    /** The one event {@link #nextView()} refills (it also holds the block array the reader reads into). */
    private ScapEvent view;

    /**
     * The next event as a view ({@link ScapEvent#isView()}): the same object on every call, refilled from a block
     * buffer the reader reuses, so a loop that keeps no event past the next call (a filter over a file) makes no
     * object per event. Keep {@link ScapEvent#kept()} of an event that must outlive the call. Null at the end of
     * the file or after an error ({@link #failure()} tells which), as {@link #nextOrNull()}. The inspector keeps
     * an enter by taking its block array ({@link ScapEvent#keepInto}); the reader then reads into another.
     */
    public ScapEvent nextView() {
        if (failure != null) {
            return null;
        }
        if (view == null) {
            view = ScapEvent.emptyView();
        }
        try {
            return read(view);
        } catch (ScapFormatException e) {
            failure = e;
            return null;
        }
    }

    /** The next event, or null at a clean end of file; a damaged block throws (and ends reading). */
    public ScapEvent next() throws ScapFormatException {
        return read(null);
    }

    /** The next event, into {@code into} when it is a view (then into its {@link ScapEvent#nextBlockArray()}). */
    private ScapEvent read(ScapEvent into) throws ScapFormatException {
        if (failure != null) {
            throw failure;
        }
        // a view's array is asked once per call: an event skipped below leaves it to the next block, never the
        // array a slot took from the view (keepInto)
        byte[] buf = into == null ? null : into.nextBlockArray();
        try {
            while (true) {
                int type;
                long start;
                byte[] body;
                int length;
                if (pending != null) {
                    type = pendingType;
                    body = pending;
                    length = pendingLength;
                    start = pendingOffset;
                    pending = null;
                } else {
                    start = in.offset;
                    if (!in.nextBlock(true)) {
                        return null;
                    }
                    type = in.type;
                    if (type == BlockType.SHB) {
                        throw new ScapFormatException(Kind.CORRUPT, start,
                                "a second section (concatenated capture files) is not supported; split the file");
                    }
                    if (!BlockType.isEvent(type)) {
                        throw new ScapFormatException(Kind.CORRUPT, start,
                                "unexpected " + BlockType.name(type) + " block among the events");
                    }
                    if (into != null) {
                        if (buf == null || buf.length < in.total - 8) {
                            int grown = buf == null ? 0 : Math.min(buf.length * 2, MAX_BLOCK);
                            buf = new byte[Math.max(in.total - 8, Math.max(1 << 12, grown))];
                        }
                        body = in.blockInto(buf, start, in.total);
                    } else {
                        body = in.blockArray(start, in.total);
                    }
                    length = in.total - 12;
                }
                ScapEvent e = parseEvent(type, body, length, start, into);
                if (e != null) {
                    return e;
                }
                skippedUnknown++;
            }
        } catch (ScapFormatException e) {
            failure = e;
            throw e;
        } catch (RuntimeException e) {
            failure = new ScapFormatException(Kind.CORRUPT, in.offset, "unreadable block (" + e + ")");
            throw failure;
        }
    }

    @Override
    public void close() throws IOException {
        in.stream.close();
    }

    private CaptureTables readHeader() throws ScapFormatException {
        try {
            return readHeaderBlocks();
        } catch (ScapFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ScapFormatException(Kind.CORRUPT, in.offset, "unreadable header block (" + e + ")");
        }
    }

    private CaptureTables readHeaderBlocks() throws ScapFormatException {
        boolean any;
        try {
            any = in.nextBlock(false);
        } catch (ScapFormatException e) {
            if (e.kind() == Kind.NOT_A_CAPTURE) {
                throw e; // a byte-swapped section header: said as such
            }
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, "the file is only " + in.offset
                    + " bytes long, shorter than a block header");
        }
        if (!any) {
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, "the file is empty");
        }
        if (in.type != BlockType.SHB) {
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, String.format(
                    "it starts with 0x%08x, not the section header block 0x0a0d0d0a", in.type));
        }
        ByteBuffer s = in.blockBody(0, in.total);
        if (s.remaining() >= 16 && s.getInt(s.position()) == Integer.reverseBytes(BlockType.SHB_MAGIC)) {
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, BIG_ENDIAN_CAPTURE);
        }
        if (s.remaining() < 16 || s.getInt() != BlockType.SHB_MAGIC) {
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, "bad byte-order magic (not 0x1a2b3c4d, little-endian)");
        }
        int major = Short.toUnsignedInt(s.getShort());
        if (major > 1) {
            throw new ScapFormatException(Kind.NOT_A_CAPTURE, 0, "format version " + major + " is newer than 1");
        }
        MachineInfo machine = null;
        List<InterfaceInfo> ifs = new ArrayList<>();
        List<UserInfo> users = new ArrayList<>();
        List<GroupInfo> groups = new ArrayList<>();
        List<ThreadInfo> threads = new ArrayList<>();
        Map<Long, List<FdInfo>> fds = new LinkedHashMap<>();
        while (true) {
            long start = in.offset;
            if (!in.nextBlock(true)) {
                break;
            }
            if (BlockType.isEvent(in.type)) {
                pending = in.blockArray(start, in.total);
                pendingLength = in.total - 12;
                pendingType = in.type;
                pendingOffset = start;
                break;
            }
            ByteBuffer b = in.blockBody(start, in.total);
            BlockBody body = new BlockBody(b, start + 8);
            int t = in.type;
            switch (t) {
                case BlockType.MI, BlockType.MI_INT -> machine = new MachineInfo(body.i32(), body.i64(), body.i64(),
                        body.cString(128));
                case BlockType.IL, BlockType.IL_INT, BlockType.IL_V2 -> BlockBody.readInterfaces(body, t == BlockType.IL_V2, ifs);
                case BlockType.UL, BlockType.UL_INT, BlockType.UL_V2 -> BlockBody.readUsers(body, t == BlockType.UL_V2, users, groups);
                case BlockType.FDL, BlockType.FDL_INT, BlockType.FDL_V2 -> {
                    long tid = body.i64();
                    List<FdInfo> l = fds.computeIfAbsent(tid, k -> new ArrayList<>());
                    while (body.remaining() >= 4 && !body.onlyPadding()) {
                        l.add(BlockBody.readFd(body, t == BlockType.FDL_V2));
                    }
                }
                default -> {
                    int version = BlockType.processListVersion(t);
                    if (version > 0) {
                        while (body.remaining() >= 4 && !body.onlyPadding()) {
                            threads.add(BlockBody.readThread(body, version));
                        }
                    }
                    // other unknown blocks are skipped, as libscap does
                }
            }
        }
        return new CaptureTables(machine, ifs, users, groups, threads, fds);
    }

    /** Little-endian integers of a block read into an array (no ByteBuffer per event). */
    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int i32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    /**
     * Eight little-endian bytes. Also used to read two neighbouring fields at once (a block header's type and
     * length, an event's length and type): with C1 only, which the launcher runs {@code trace -r} with, a helper
     * larger than C1's inlining limit (35 bytecodes) is a call each time, and {@link #i32} is larger; fewer reads
     * per event were 12% of a 10 M-event read's CPU (docs/benchmarks.md, "trace -r: one event object").
     */
    private static long i64(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24
                | (b[at + 4] & 0xffL) << 32 | (b[at + 5] & 0xffL) << 40 | (b[at + 6] & 0xffL) << 48
                | (long) b[at + 7] << 56;
    }

    /**
     * Parameters per event number in the event table, -1 for a number it does not have: asked for every event read,
     * where the table's row and its list cost a few dependent loads each time.
     */
    private static final int[] PARAM_COUNT = paramCounts();

    private static int[] paramCounts() {
        int[] out = new int[1024];
        for (int t = 0; t < out.length; t++) {
            EventInfo info = EventTable.get().infoOrNull(t);
            out[t] = info == null ? -1 : info.params().size();
        }
        return out;
    }

    private static int paramCount(int type) {
        if (type < PARAM_COUNT.length) {
            return PARAM_COUNT[type];
        }
        EventInfo info = EventTable.get().infoOrNull(type);
        return info == null ? -1 : info.params().size();
    }

    /**
     * The event in {@code block[0 .. length)} (a block's body without its trailer). The event keeps the
     * array: its parameters are offsets into it ({@link ScapEvent#packed}), so reading an event copies
     * nothing after the read itself.
     */
    private static ScapEvent parseEvent(int blockType, byte[] block, int length, long start, ScapEvent into)
            throws ScapFormatException {
        boolean v2 = blockType == BlockType.EV_V2 || blockType == BlockType.EV_V2_LARGE
                || blockType == BlockType.EVF_V2 || blockType == BlockType.EVF_V2_LARGE;
        boolean withFlags = blockType == BlockType.EVF || blockType == BlockType.EVF_V2 || blockType == BlockType.EVF_V2_LARGE;
        int hdrLen = v2 ? ScapEvent.HEADER_SIZE : ScapEvent.HEADER_SIZE - 4;
        int fixed = 2 + (withFlags ? 4 : 0);
        if (length < fixed + hdrLen) {
            throw new ScapFormatException(Kind.CORRUPT, start, "event block of " + (length + 12)
                    + " bytes is shorter than an event header");
        }
        int cpu = u16(block, 0);
        int flags = withFlags ? i32(block, 2) : 0;
        int evStart = fixed;
        long ts = i64(block, evStart);
        long tid = i64(block, evStart + 8);
        // len (u32) and type (u16) in one read: evStart + 24 is within the block's array, whose trailer (4 bytes)
        // follows length, and length holds at least evStart + 22
        long lenType = i64(block, evStart + 16);
        long len = lenType & 0xffffffffL;
        int type = (int) (lenType >>> 32) & 0xffff;
        int at = evStart + 22;
        // libscap ignores bytes between an event and its block's end (test captures put comments there)
        if (len < hdrLen || len > length - evStart) {
            throw new ScapFormatException(Kind.CORRUPT, start, "event length " + len + " does not fit its block of "
                    + (length + 12) + " bytes");
        }
        int tableParams = paramCount(type);
        if (tableParams < 0) {
            return null;
        }
        int lenSize = ScapEvent.largePayload(type) ? 4 : 2;
        if (v2) {
            long nparams = Integer.toUnsignedLong(i32(block, at));
            at += 4;
            // libsinsp reads 32-bit lengths for EF_LARGE_PAYLOAD types only, whatever the block type says
            if (nparams > tableParams || hdrLen + nparams * lenSize > len) {
                throw new ScapFormatException(Kind.CORRUPT, start, "event " + EventTable.get().infoOrNull(type).name()
                        + " claims " + nparams + " parameters; the table has " + tableParams + " and the event " + len
                        + " bytes");
            }
            int n = (int) nparams;
            long sum = hdrLen + nparams * lenSize;
            for (int i = 0; i < n; i++) {
                int l = lenSize == 4 ? i32(block, at + 4 * i) : u16(block, at + 2 * i);
                if (l < 0) {
                    throw new ScapFormatException(Kind.CORRUPT, start, "negative parameter length");
                }
                sum += l;
            }
            if (sum != len) {
                throw new ScapFormatException(Kind.CORRUPT, start, "event " + EventTable.get().infoOrNull(type).name()
                        + "'s parameter lengths add up to "
                        + sum + " bytes, its header says " + len);
            }
            return event(into, ts, tid, cpu, type, block, at, lenSize, n, flags);
        }
        int[] lens = oldEventLengths(block, at, EventTable.get().infoOrNull(type), hdrLen, (int) len, start);
        return event(into, ts, tid, cpu, type, block, at, 2, lens.length, flags);
    }

    /** A new event over {@code block}, or {@code into} refilled when the reader reads views. */
    private static ScapEvent event(ScapEvent into, long ts, long tid, int cpu, int type, byte[] block, int at,
                                   int lenSize, int n, int flags) {
        if (into == null) {
            return ScapEvent.packed(ts, tid, cpu, type, block, at, lenSize, n, flags);
        }
        into.refill(ts, tid, cpu, type, block, at, lenSize, n, flags);
        return into;
    }

    /**
     * Parameter lengths of a version 1 event block, whose header has no parameter count: as libscap does
     * (scap_next_offline), the largest count up to the table's whose lengths add up to the event's length.
     * Event types gained parameters over time, so old files hold fewer than the table lists.
     */
    private static int[] oldEventLengths(byte[] b, int at, EventInfo info, int hdrLen, int len, long start)
            throws ScapFormatException {
        for (int n = info.params().size(); n >= 0; n--) {
            long sum = hdrLen + 2L * n;
            if (sum > len) {
                continue;
            }
            int[] lens = new int[n];
            for (int i = 0; i < n; i++) {
                lens[i] = u16(b, at + 2 * i);
                sum += lens[i];
            }
            if (sum == len) {
                return lens;
            }
            if (sum < len) {
                break;
            }
        }
        throw new ScapFormatException(Kind.CORRUPT, start, "old-format event " + info.name()
                + ": no parameter count fits its length of " + len + " bytes");
    }

    /**
     * The input with a running offset; reads whole blocks through a buffer of its own (a plain read from
     * an array per block, not a stream call with its lock per header and per body).
     */
    private static final class Input {
        final InputStream stream;
        long offset;
        /** The last block header's type and total length ({@link #nextBlock}). */
        int type;
        int total;
        private final byte[] buf = new byte[1 << 17];
        private int pos;
        private int lim;

        Input(InputStream stream) {
            this.stream = stream;
        }

        /**
         * Reads a block header into {@link #type} and {@link #total}; false at a clean end of file. The
         * section header's type is checked before its length when {@code !lengthFirst}.
         */
        boolean nextBlock(boolean lengthFirst) throws ScapFormatException {
            int n;
            int t;
            int len;
            if (lim - pos >= 8) {
                long w = i64(buf, pos);
                t = (int) w;
                len = (int) (w >>> 32);
                pos += 8;
                offset += 8;
                n = 8;
            } else {
                byte[] h = new byte[8];
                n = readFully(h, 0, 8);
                if (n == 0) {
                    return false;
                }
                if (n < 8) {
                    throw new ScapFormatException(Kind.TRUNCATED, offset - n, "the file ends " + n
                            + " bytes into a block header");
                }
                t = i32(h, 0);
                len = i32(h, 4);
            }
            long start = offset - n;
            type = t;
            total = len;
            if (!lengthFirst && t != BlockType.SHB) {
                return true;
            }
            int swapped = Integer.reverseBytes(len);
            if (t == BlockType.SHB && (len < 12 || len > MAX_BLOCK) && swapped >= 28 && (swapped & 3) == 0
                    && swapped <= MAX_BLOCK) {
                // 0x0a0d0d0a reads the same in both orders; its length does not.
                throw new ScapFormatException(Kind.NOT_A_CAPTURE, start, BIG_ENDIAN_CAPTURE);
            }
            if (len < 12 || (len & 3) != 0 || len > MAX_BLOCK) {
                throw new ScapFormatException(Kind.CORRUPT, start, BlockType.name(t) + " block with impossible length "
                        + Integer.toUnsignedLong(len));
            }
            return true;
        }

        /**
         * The body of a block whose header was just read, with its trailer (the last 4 bytes), checked: a
         * fresh array of {@code total - 8} bytes.
         */
        byte[] blockArray(long start, int total) throws ScapFormatException {
            return blockInto(new byte[total - 8], start, total);
        }

        /**
         * {@link #blockArray} into {@code body}, at least {@code total - 8} bytes long (the bytes after are left
         * as they were: the event's own lengths, checked against the block's, never reach them).
         */
        byte[] blockInto(byte[] body, long start, int total) throws ScapFormatException {
            int size = total - 8;
            int n = readFully(body, 0, size);
            if (n < size) {
                throw new ScapFormatException(Kind.TRUNCATED, start, "the file ends " + (n + 8) + " bytes into a "
                        + total + "-byte block");
            }
            int trailer = i32(body, size - 4);
            if (trailer != total) {
                throw new ScapFormatException(Kind.CORRUPT, start, "block length " + total + " and trailing length "
                        + Integer.toUnsignedLong(trailer) + " differ");
            }
            return body;
        }

        /** The body (without header and trailer) of a block whose header was just read; checks the trailer. */
        ByteBuffer blockBody(long start, int total) throws ScapFormatException {
            byte[] body = blockArray(start, total);
            return ByteBuffer.wrap(body, 0, body.length - 4).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        private int readFully(byte[] b, int off, int len) throws ScapFormatException {
            int done = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, done);
            pos += done;
            try {
                while (done < len) {
                    int want = len - done;
                    if (want >= buf.length) {
                        int n = stream.read(b, off + done, want); // a large block: straight into its array
                        if (n < 0) {
                            break;
                        }
                        done += n;
                        continue;
                    }
                    int n = stream.read(buf, 0, buf.length);
                    if (n < 0) {
                        break;
                    }
                    pos = 0;
                    lim = n;
                    int c = Math.min(want, n);
                    System.arraycopy(buf, 0, b, off + done, c);
                    pos = c;
                    done += c;
                }
            } catch (EOFException e) {
                // a gzip stream cut short: treat as the end
            } catch (ZipException e) {
                offset += done;
                throw new ScapFormatException(Kind.CORRUPT, offset, "gzip data is damaged (" + e.getMessage() + ")");
            } catch (IOException e) {
                offset += done;
                throw new ScapFormatException(Kind.TRUNCATED, offset, "read failed (" + e.getMessage() + ")");
            }
            offset += done;
            return done;
        }
    }
}
