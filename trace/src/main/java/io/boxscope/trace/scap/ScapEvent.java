package io.boxscope.trace.scap;

import io.boxscope.proc.RawText;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One event as a capture file stores it (libscap's {@code ppm_evt_hdr} plus its parameters): what the
 * reader yields, what the writer takes, and what the live capture is to produce.
 *
 * <p>Parameters are kept as their encoded bytes so that a file read and written again is identical;
 * {@link #value(int)} decodes one by its type in the event table.
 *
 * <p>An event is immutable, except the one a {@link ScapReader#nextView()} read loop gets: a <em>view</em>
 * ({@link #isView()}) over the reader's block buffer that the next call refills, as libscap's
 * {@code scap_next} hands out a pointer into one reused buffer. Code that keeps an event past the event it
 * is handling (the inspector's enter kept for its exit, a chisel, a list) keeps {@link #kept()}, which is the
 * event itself unless it is a view, and then a copy. Values, accessors and equality are the same either way.
 *
 * <p>Components: {@code ts} nanoseconds since the epoch; {@code tid} thread id; {@code cpu} the CPU the event
 * happened on; {@code type} the PPME_* number; {@code params} the encoded parameters, in table order (fewer than
 * the table lists in old files); {@code dumpFlags} the EVF block's flags (0 for plain EV blocks).
 */
public final class ScapEvent {
    /** Size of ppm_evt_hdr: ts, tid, len (u32), type (u16), nparams (u32). */
    public static final int HEADER_SIZE = 26;

    private long ts;
    private long tid;
    private int cpu;
    private int type;
    private final Owned params;
    private int dumpFlags;
    /** Whether this object is refilled by a reader (or the inspector's per-thread copy of one): see {@link #kept()}. */
    private final boolean view;

    public ScapEvent(long ts, long tid, int cpu, int type, List<byte[]> params, int dumpFlags) {
        // a list from outside: checked and copied
        if (!largePayload(type)) {
            for (byte[] p : params) {
                if (p.length > 0xffff) {
                    throw new IllegalArgumentException("a parameter of " + p.length + " bytes does not fit a 16-bit length");
                }
            }
        }
        List<byte[]> copy = new ArrayList<>(params.size());
        for (byte[] p : params) {
            copy.add(p.clone());
        }
        this(ts, tid, cpu, type, new Owned(copy.toArray(byte[][]::new)), dumpFlags, false);
    }

    private ScapEvent(long ts, long tid, int cpu, int type, Owned params, int dumpFlags, boolean view) {
        this.ts = ts;
        this.tid = tid;
        this.cpu = cpu;
        this.type = type;
        this.params = params;
        this.dumpFlags = dumpFlags;
        this.view = view;
    }

    public long ts() {
        return ts;
    }

    public long tid() {
        return tid;
    }

    public int cpu() {
        return cpu;
    }

    public int type() {
        return type;
    }

    /** The encoded parameters (read-only). */
    public List<byte[]> params() {
        return params;
    }

    public int dumpFlags() {
        return dumpFlags;
    }

    /** Whether this event is a reader's reused view, overwritten by the next event read ({@link ScapReader#nextView()}). */
    public boolean isView() {
        return view;
    }

    /**
     * This event, to keep past the current one: itself when it is immutable, a copy of its bytes when it is a
     * view the reader refills.
     */
    public ScapEvent kept() {
        if (!view) {
            return this;
        }
        Owned o = params;
        int from = o.lensAt;
        int to = o.offset(o.n);
        byte[] data = Arrays.copyOfRange(o.data, from, to);
        return new ScapEvent(ts, tid, cpu, type, new Owned(data, 0, o.lenSize, o.n), dumpFlags, false);
    }

    /** An empty view for {@link ScapReader} and {@link #copyInto}. */
    static ScapEvent emptyView() {
        return new ScapEvent(0, 0, 0, 0, new Owned(new byte[0], 0, 2, 0), 0, true);
    }

    /**
     * Points this view at the event in {@code data} ({@link #packed}'s arguments): no object is made. Only
     * for views.
     */
    void refill(long ts, long tid, int cpu, int type, byte[] data, int lensAt, int lenSize, int n, int dumpFlags) {
        if (!view) {
            throw new IllegalStateException("only a view is refilled");
        }
        this.ts = ts;
        this.tid = tid;
        this.cpu = cpu;
        this.type = type;
        this.dumpFlags = dumpFlags;
        params.point(data, lensAt, lenSize, n);
    }

    /**
     * Set when {@link #keepInto} gave this view's block array to a slot: the reader then reads the next block into
     * {@link #spare} (the array the slot held before, or a new one), never into the array the slot now holds.
     */
    private boolean given;
    private byte[] spare;

    /**
     * Keeps this view in {@code slot} (a view of its own, e.g. the inspector's per-thread enter) and returns the
     * slot: the slot takes this view's block array, and the reader reads the next block into the array the slot
     * held before ({@link #nextBlockArray}), so keeping an event copies nothing. The view stays valid until the
     * reader's next call. A second keep of the same event copies its bytes (one array has one keeper).
     */
    ScapEvent keepInto(ScapEvent slot) {
        Owned o = params;
        if (!view || !slot.view || slot == this || o.data == null) {
            throw new IllegalStateException("only a reader's view is kept, in a slot of its own");
        }
        if (given) {
            return copyInto(slot);
        }
        byte[] old = slot.params.data;
        slot.refill(ts, tid, cpu, type, o.data, o.lensAt, o.lenSize, o.n, dumpFlags);
        given = true;
        spare = old != o.data ? old : null;
        return slot;
    }

    /**
     * The array the reader may read this view's next block into (it grows it when too small): the view's own,
     * or, when a slot kept that one, the slot's former array (null when it had none).
     */
    byte[] nextBlockArray() {
        byte[] b = given ? spare : params.data;
        given = false;
        spare = null;
        return b;
    }

    /** Copies this event's bytes into {@code slot}, in the slot's array when it is large enough. */
    private ScapEvent copyInto(ScapEvent slot) {
        Owned o = params;
        Owned d = slot.params;
        int from = o.lensAt;
        int len = o.offset(o.n) - from;
        byte[] buf = d.data != null && d.data.length >= len && d.data != o.data ? d.data : new byte[Math.max(len, 64)];
        System.arraycopy(o.data, from, buf, 0, len);
        slot.refill(ts, tid, cpu, type, buf, 0, o.lenSize, o.n, dumpFlags);
        return slot;
    }

    /**
     * The parameters as this class holds them: built by {@link Builder} (fresh arrays nobody else holds),
     * copied in the constructor, or, for events a {@link ScapReader} reads, the block they came in
     * ({@link #packed}): a reader gives each event one array and each parameter
     * gets an array of its own only when someone asks for it, so the events a filter rejects cost no copy
     * per parameter. Integers are read in place ({@link #num(int)}).
     */
    private static final class Owned extends java.util.AbstractList<byte[]> implements java.util.RandomAccess {
        private byte[] data;
        /**
         * Where in {@link #data} the event's table of parameter lengths starts (the parameters follow it),
         * each length {@link #lenSize} bytes, little-endian; {@link #n} parameters. Offsets are summed from
         * the table when asked (events have a handful of parameters), so a read event costs no array of them.
         */
        private int lensAt;
        private int lenSize;
        private int n;
        private byte[][] items;

        Owned(byte[][] items) {
            this.data = null;
            this.lensAt = 0;
            this.lenSize = 0;
            this.n = items.length;
            this.items = items;
        }

        Owned(byte[] data, int lensAt, int lenSize, int n) {
            this.data = data;
            this.lensAt = lensAt;
            this.lenSize = lenSize;
            this.n = n;
        }

        /** A view's refill: the copies {@link #get} made belong to the event before. */
        void point(byte[] data, int lensAt, int lenSize, int n) {
            this.data = data;
            this.lensAt = lensAt;
            this.lenSize = lenSize;
            this.n = n;
            this.items = null;
        }

        private int len(int k) {
            int at = lensAt + k * lenSize;
            int v = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
            return lenSize == 4 ? v | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24 : v;
        }

        private int offset(int i) {
            int o = lensAt + n * lenSize;
            for (int k = 0; k < i; k++) {
                o += len(k);
            }
            return o;
        }

        @Override
        public byte[] get(int i) {
            java.util.Objects.checkIndex(i, n);
            byte[][] it = items;
            if (it == null) {
                it = items = new byte[n][];
            }
            byte[] b = it[i];
            if (b == null) {
                // several threads may copy the same parameter at once: each gets equal bytes
                int o = offset(i);
                b = it[i] = Arrays.copyOfRange(data, o, o + len(i));
            }
            return b;
        }

        @Override
        public int size() {
            return n;
        }

        int length(int i) {
            return data != null ? len(i) : items[i].length;
        }

        void copyTo(int i, ByteBuffer b) {
            if (data != null) {
                b.put(data, offset(i), len(i));
            } else {
                b.put(items[i]);
            }
        }

        /** Byte {@code j} of parameter {@code i}. */
        byte at(int i, int j) {
            return data != null ? data[offset(i) + j] : items[i][j];
        }

        /** Little-endian integer of {@code size} (1, 2, 4, 8) bytes at the start of parameter {@code i}. */
        long le(int i, int size, boolean signed) {
            byte[] b;
            int o;
            if (data != null) {
                b = data;
                o = offset(i);
            } else {
                b = items[i];
                o = 0;
            }
            return switch (size) {
                case 1 -> signed ? b[o] : b[o] & 0xffL;
                case 2 -> {
                    int v = (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
                    yield signed ? (short) v : v;
                }
                case 4 -> {
                    int v = (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
                    yield signed ? v : Integer.toUnsignedLong(v);
                }
                default -> (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24
                        | (b[o + 4] & 0xffL) << 32 | (b[o + 5] & 0xffL) << 40 | (b[o + 6] & 0xffL) << 48
                        | (b[o + 7] & 0xffL) << 56;
            };
        }
    }

    /**
     * An event whose parameters are in {@code data} (for {@link ScapReader}: the block it read, checked, not
     * shared): {@code n} lengths of {@code lenSize} bytes at {@code lensAt}, then the parameters, whose lengths
     * the reader checked against the event's.
     */
    static ScapEvent packed(long ts, long tid, int cpu, int type, byte[] data, int lensAt, int lenSize, int n,
                            int dumpFlags) {
        return new ScapEvent(ts, tid, cpu, type, new Owned(data, lensAt, lenSize, n), dumpFlags, false);
    }

    /** This event's row of the event table, or null for numbers newer than the table (no Optional per call). */
    EventInfo infoOrNull() {
        return EventTable.get().infoOrNull(type);
    }

    /** The length in bytes of parameter {@code i}. */
    int paramLength(int i) {
        return params.length(i);
    }

    /** Byte {@code j} of parameter {@code i}. */
    byte paramByte(int i, int j) {
        return params.at(i, j);
    }

    /**
     * Parameter {@code i} as a number, read in place, or {@link Long#MIN_VALUE} when {@link #value(int)} would
     * not be a {@link ParamValue.Num} (no such parameter, not an integer type, or a length that does not fit
     * the type): what {@code value(i) instanceof Num n ? n.value() : MIN_VALUE} gives, without the records.
     */
    long num(int i) {
        byte[] sizes = numSizes(type);
        if (sizes == null || i < 0 || i >= sizes.length || i >= params.size()) {
            return Long.MIN_VALUE;
        }
        int s = sizes[i];
        int size = s < 0 ? -s : s;
        Owned o = params;
        return size != 0 && o.length(i) == size ? o.le(i, size, s < 0) : Long.MIN_VALUE;
    }

    /**
     * Parameter {@code i} (a string) up to its first NUL, when it is a non-empty path of printable ASCII that
     * sinsp's concatenate_paths leaves as it is (no {@code //}, no {@code .} before {@code .} or {@code /} or at
     * the end, no {@code /} at the end but for {@code /} itself): absolute, it is the name; relative, the name
     * is the directory followed by it. The inspector's name for a file an open made, read from the event's bytes
     * as one String, without the parameter's copy, its decoded value and a path rebuilt per open. Null for any
     * other path (the caller then goes the general way), or no such parameter.
     */
    String plainPath(int i) {
        Owned o = params;
        if (i < 0 || i >= o.n) {
            return null;
        }
        byte[] b;
        int from;
        int end;
        if (o.data != null) {
            b = o.data;
            from = o.offset(i);
            end = from + o.len(i);
        } else {
            b = o.items[i];
            from = 0;
            end = b.length;
        }
        int n = from;
        while (n < end && b[n] != 0) {
            n++;
        }
        if (n == from) {
            return null;
        }
        for (int k = from; k < n; k++) {
            int c = b[k];
            if (c < 0x20 || c >= 0x7f) {
                return null; // a control character or a byte of a multi-byte character: printed as '.'
            }
            if (c == '.' || c == '/') {
                if (k + 1 == n) {
                    if (c == '.' || k > from) {
                        return null; // a final '.' is dropped, a final '/' stripped
                    }
                } else if (b[k + 1] == '/' || (c == '.' && b[k + 1] == '.')) {
                    return null;
                }
            }
        }
        return new String(b, from, n - from, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@link #value(int)} would be a {@link ParamValue.Num} (false for a missing parameter, {@code i < 0} too). */
    boolean isNum(int i) {
        byte[] sizes = numSizes(type);
        if (sizes == null || i < 0 || i >= sizes.length || i >= params.size()) {
            return false;
        }
        int s = sizes[i];
        return s != 0 && params.length(i) == (s < 0 ? -s : s);
    }

    /**
     * Per event number, per parameter: the byte size of an integer-typed parameter (negative when signed), 0 for
     * a parameter that {@link ParamValue#decode} does not make a {@link ParamValue.Num}; null beyond the table.
     * Looked up once: {@link #num} is asked several times per event of a file, each asking the table by name
     * cost more than the read.
     */
    private static final byte[][] NUM_SIZES = numSizeTable();

    private static byte[] numSizes(int type) {
        return type >= 0 && type < NUM_SIZES.length ? NUM_SIZES[type] : null;
    }

    private static byte[][] numSizeTable() {
        byte[][] out = new byte[1024][];
        for (int t = 0; t < out.length; t++) {
            EventInfo info = EventTable.get().infoOrNull(t);
            if (info == null) {
                continue;
            }
            byte[] sizes = new byte[info.params().size()];
            for (int i = 0; i < sizes.length; i++) {
                ParamType pt = info.params().get(i).type();
                int size = pt.size();
                boolean num = size > 0 && size <= 8 && pt != ParamType.CHARBUFARRAY && pt != ParamType.CHARBUF_PAIR_ARRAY
                        && pt != ParamType.IPV6ADDR;
                sizes[i] = (byte) (num ? (pt.signed() ? -size : size) : 0);
            }
            out[t] = sizes;
        }
        return out;
    }

    /** This event's row of the event table, or empty for numbers newer than the table. */
    public Optional<EventInfo> info() {
        return Optional.ofNullable(EventTable.get().infoOrNull(type));
    }

    /** Parameter {@code i}'s bytes (a copy). */
    public byte[] raw(int i) {
        return params.get(i).clone();
    }

    /** Parameter {@code i} decoded by its type in the event table. */
    public ParamValue value(int i) {
        EventInfo info = infoOrNull();
        if (info == null) {
            throw new IllegalStateException("event type " + type + " is not in the table");
        }
        return ParamValue.decode(info.params().get(i).type(), params.get(i));
    }

    /** The parameter named {@code name}, if this event has it. */
    public Optional<ParamValue> value(String name) {
        EventInfo info = infoOrNull();
        int i = info == null ? -1 : info.indexOf(name);
        return i >= 0 && i < params.size() ? Optional.of(value(i)) : Optional.empty();
    }

    /**
     * True for EF_LARGE_PAYLOAD event types, whose parameter lengths are 32-bit (and which are written as
     * EV_LARGE blocks). libsinsp 0.29 decides the width by the event type, not the block type: it reads
     * every other event with 16-bit lengths even from a large block, so no other event may carry a
     * parameter over 65,535 bytes.
     */
    public boolean large() {
        return largePayload(type);
    }

    static boolean largePayload(int type) {
        boolean[] large = LARGE;
        return type >= 0 && type < large.length && large[type];
    }

    /** EF_LARGE_PAYLOAD by event type, looked up once (every event asks). */
    private static final boolean[] LARGE = largeTypes();

    private static boolean[] largeTypes() {
        boolean[] out = new boolean[1024];
        for (int t = 0; t < out.length; t++) {
            out[t] = EventTable.get().info(t).map(i -> i.flags().contains("EF_LARGE_PAYLOAD")).orElse(false);
        }
        return out;
    }

    /** SCAP_DF_STATE_ONLY: the event updates state but sysdig does not print it. */
    public boolean stateOnly() {
        return (dumpFlags & 1) != 0;
    }

    /** Encoded length of the event: header, parameter lengths and parameters (ppm_evt_hdr.len). */
    public int encodedLength() {
        long n = HEADER_SIZE + (long) params.size() * (large() ? 4 : 2);
        for (int i = 0; i < params.size(); i++) {
            n += paramLength(i);
        }
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("event too large: " + n + " bytes");
        }
        return (int) n;
    }

    /** The event in its on-disk form (little-endian ppm_evt_hdr, lengths, parameters). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedLength()).order(ByteOrder.LITTLE_ENDIAN);
        encodeInto(b, b.capacity());
        return b.array();
    }

    /** {@link #encode} into {@code b} (little-endian, room for {@code length} = {@link #encodedLength()} bytes). */
    void encodeInto(ByteBuffer b, int length) {
        boolean large = large();
        b.putLong(ts).putLong(tid).putInt(length).putShort((short) type).putInt(params.size());
        Owned o = params;
        for (int i = 0; i < o.size(); i++) {
            if (large) {
                b.putInt(o.length(i));
            } else {
                b.putShort((short) o.length(i));
            }
        }
        for (int i = 0; i < o.size(); i++) {
            o.copyTo(i, b);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScapEvent e) || ts != e.ts || tid != e.tid || cpu != e.cpu || type != e.type
                || dumpFlags != e.dumpFlags || params.size() != e.params.size()) {
            return false;
        }
        for (int i = 0; i < params.size(); i++) {
            if (!Arrays.equals(params.get(i), e.params.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ts) * 31 + type;
    }

    @Override
    public String toString() {
        return "ScapEvent[ts=" + ts + ", tid=" + tid + ", cpu=" + cpu + ", type=" + type + " ("
                + info().map(i -> i.direction() + " " + i.name()).orElse("?") + "), nparams=" + params.size() + "]";
    }

    /** Starts an event of the type whose PPME_* constant is {@code constant}. */
    public static Builder builder(String constant, long ts, long tid, int cpu) {
        return new Builder(EventTable.get().byConstant(constant), ts, tid, cpu);
    }

    /**
     * Builds an event parameter by parameter, in table order, checking each value's type against the table
     * (the writer can then not produce a file sysdig misreads).
     */
    public static final class Builder {
        private final EventInfo info;
        private final long ts;
        private final long tid;
        private final int cpu;
        /**
         * The parameters so far, sized for the event's whole list: the event takes this array as it is (a live
         * capture builds millions of events, and a growing list and its copy were a tenth of the consumer's time).
         */
        private final byte[][] params;
        /** How many of {@link #params} are set. */
        private int count;
        /** Set by {@link #build}: the event owns {@link #params} from then on. */
        private boolean built;
        private int flags;

        Builder(EventInfo info, long ts, long tid, int cpu) {
            this.info = info;
            this.ts = ts;
            this.tid = tid;
            this.cpu = cpu;
            this.params = new byte[info.params().size()][];
        }

        private ParamType next() {
            if (built) {
                throw new IllegalStateException(info.constant() + " is built already");
            }
            if (count >= params.length) {
                throw new IllegalArgumentException(info.constant() + " has only " + info.params().size() + " parameters");
            }
            return info.params().get(count).type();
        }

        /** Any integer-typed parameter (INT*, UINT*, ERRNO, FD, PID, FLAGS*, UID, GID, MODE, RELTIME, ...). */
        public Builder num(long v) {
            ParamType t = next();
            int n = t.size();
            if (n <= 0 || t == ParamType.CHARBUFARRAY || t == ParamType.CHARBUF_PAIR_ARRAY) {
                throw new IllegalArgumentException(info.constant() + " parameter " + info.params().get(count).name()
                        + " is " + t + ", not a number");
            }
            // little-endian, n = 1, 2, 4 or 8 bytes (no ByteBuffer per parameter: a live capture builds millions)
            byte[] b = new byte[n == 1 || n == 2 || n == 4 ? n : 8];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            params[count++] = b;
            return this;
        }

        /**
         * A CHARBUF, FSPATH or FSRELPATH: the string's UTF-8 bytes and a terminating NUL; the bytes a kernel string
         * that was not UTF-8 was read from when {@link RawText#decode} made it (they are written back unchanged).
         */
        public Builder str(String s) {
            return str(RawText.encode(s));
        }

        /**
         * A CHARBUF, FSPATH or FSRELPATH from a C string as the kernel gave it: its bytes up to the first NUL (or
         * all of them), unchanged, and a terminating NUL. A path that is not UTF-8 keeps its bytes, as the
         * driver writes them (libs' bpf_val_to_ring copies the user's string as it is); decoding it to a
         * {@link String} first would write U+FFFD replacement characters instead.
         */
        public Builder str(byte[] s) {
            ParamType t = next();
            if (t != ParamType.CHARBUF && t != ParamType.FSPATH && t != ParamType.FSRELPATH) {
                throw new IllegalArgumentException(info.constant() + " parameter " + count + " is " + t + ", not a string");
            }
            int n = 0;
            while (n < s.length && s[n] != 0) {
                n++;
            }
            params[count++] = Arrays.copyOf(s, n + 1);
            return this;
        }

        /** Raw bytes for any parameter (BYTEBUF data, SOCKADDR/SOCKTUPLE from {@link ParamValue}, ...). */
        public Builder bytes(byte[] v) {
            next();
            params[count++] = v.clone();
            return this;
        }

        /** An empty parameter (length 0): what the driver writes when a value could not be read. */
        public Builder empty() {
            next();
            params[count++] = new byte[0];
            return this;
        }

        /** Writes the event as an EVF block with these flags. */
        public Builder dumpFlags(int f) {
            this.flags = f;
            return this;
        }

        public ScapEvent build() {
            if (built) {
                throw new IllegalStateException(info.constant() + " is built already");
            }
            if (count != params.length) {
                throw new IllegalArgumentException(info.constant() + " needs " + info.params().size() + " parameters, got "
                        + count);
            }
            if (!largePayload(info.id())) {
                for (int i = 0; i < count; i++) {
                    if (params[i].length > 0xffff) {
                        throw new IllegalArgumentException(info.constant() + " parameter " + info.params().get(i).name()
                                + " has " + params[i].length + " bytes; at most 65535 fit (cut buffers to the snap length)");
                    }
                }
            }
            built = true;
            return new ScapEvent(ts, tid, cpu, info.id(), new Owned(params), flags, false);
        }
    }
}
