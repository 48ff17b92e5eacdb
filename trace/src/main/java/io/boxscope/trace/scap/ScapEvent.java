package io.boxscope.trace.scap;

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
 * @param ts        nanoseconds since the epoch
 * @param tid       thread id
 * @param cpu       CPU the event happened on
 * @param type      PPME_* number
 * @param params    encoded parameters, in table order (fewer than the table lists in old files)
 * @param dumpFlags the EVF block's flags (0 for plain EV blocks)
 */
public record ScapEvent(long ts, long tid, int cpu, int type, List<byte[]> params, int dumpFlags) {
    /** Size of ppm_evt_hdr: ts, tid, len (u32), type (u16), nparams (u32). */
    public static final int HEADER_SIZE = 26;

    public ScapEvent {
        if (!(params instanceof Owned)) {
            // a list from outside: checked and copied (a Builder's list was checked and is not shared)
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
            params = new Owned(copy.toArray(byte[][]::new));
        }
    }

    /**
     * The parameters as this class holds them: built by {@link Builder} (fresh arrays nobody else holds)
     * or copied in the constructor, so events built at a live capture's rate are not copied twice.
     */
    private static final class Owned extends java.util.AbstractList<byte[]> implements java.util.RandomAccess {
        private final byte[][] items;

        Owned(byte[][] items) {
            this.items = items;
        }

        @Override
        public byte[] get(int i) {
            return items[i];
        }

        @Override
        public int size() {
            return items.length;
        }
    }

    /** This event's row of the event table, or empty for numbers newer than the table. */
    public Optional<EventInfo> info() {
        return EventTable.get().info(type);
    }

    /** Parameter {@code i}'s bytes (a copy). */
    public byte[] raw(int i) {
        return params.get(i).clone();
    }

    /** Parameter {@code i} decoded by its type in the event table. */
    public ParamValue value(int i) {
        EventInfo info = info().orElseThrow(() -> new IllegalStateException("event type " + type + " is not in the table"));
        return ParamValue.decode(info.params().get(i).type(), params.get(i));
    }

    /** The parameter named {@code name}, if this event has it. */
    public Optional<ParamValue> value(String name) {
        return info().map(i -> i.indexOf(name)).filter(i -> i >= 0 && i < params.size()).map(this::value);
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
        for (byte[] p : params) {
            n += p.length;
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
        for (byte[] p : params) {
            if (large) {
                b.putInt(p.length);
            } else {
                b.putShort((short) p.length);
            }
        }
        for (byte[] p : params) {
            b.put(p);
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
        private final List<byte[]> params = new ArrayList<>();
        private int flags;

        Builder(EventInfo info, long ts, long tid, int cpu) {
            this.info = info;
            this.ts = ts;
            this.tid = tid;
            this.cpu = cpu;
        }

        private ParamType next() {
            if (params.size() >= info.params().size()) {
                throw new IllegalArgumentException(info.constant() + " has only " + info.params().size() + " parameters");
            }
            return info.params().get(params.size()).type();
        }

        /** Any integer-typed parameter (INT*, UINT*, ERRNO, FD, PID, FLAGS*, UID, GID, MODE, RELTIME, ...). */
        public Builder num(long v) {
            ParamType t = next();
            int n = t.size();
            if (n <= 0 || t == ParamType.CHARBUFARRAY || t == ParamType.CHARBUF_PAIR_ARRAY) {
                throw new IllegalArgumentException(info.constant() + " parameter " + info.params().get(params.size()).name()
                        + " is " + t + ", not a number");
            }
            // little-endian, n = 1, 2, 4 or 8 bytes (no ByteBuffer per parameter: a live capture builds millions)
            byte[] b = new byte[n == 1 || n == 2 || n == 4 ? n : 8];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            params.add(b);
            return this;
        }

        /** A CHARBUF, FSPATH or FSRELPATH: the string's UTF-8 bytes and a terminating NUL. */
        public Builder str(String s) {
            return str(s.getBytes(StandardCharsets.UTF_8));
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
                throw new IllegalArgumentException(info.constant() + " parameter " + params.size() + " is " + t + ", not a string");
            }
            int n = 0;
            while (n < s.length && s[n] != 0) {
                n++;
            }
            params.add(Arrays.copyOf(s, n + 1));
            return this;
        }

        /** Raw bytes for any parameter (BYTEBUF data, SOCKADDR/SOCKTUPLE from {@link ParamValue}, ...). */
        public Builder bytes(byte[] v) {
            next();
            params.add(v.clone());
            return this;
        }

        /** An empty parameter (length 0): what the driver writes when a value could not be read. */
        public Builder empty() {
            next();
            params.add(new byte[0]);
            return this;
        }

        /** Writes the event as an EVF block with these flags. */
        public Builder dumpFlags(int f) {
            this.flags = f;
            return this;
        }

        public ScapEvent build() {
            if (params.size() != info.params().size()) {
                throw new IllegalArgumentException(info.constant() + " needs " + info.params().size() + " parameters, got "
                        + params.size());
            }
            if (!largePayload(info.id())) {
                for (int i = 0; i < params.size(); i++) {
                    if (params.get(i).length > 0xffff) {
                        throw new IllegalArgumentException(info.constant() + " parameter " + info.params().get(i).name()
                                + " has " + params.get(i).length + " bytes; at most 65535 fit (cut buffers to the snap length)");
                    }
                }
            }
            return new ScapEvent(ts, tid, cpu, info.id(), new Owned(params.toArray(byte[][]::new)), flags);
        }
    }
}
