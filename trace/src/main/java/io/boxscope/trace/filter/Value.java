package io.boxscope.trace.filter;

import java.util.Arrays;

/**
 * A field's value for one event, as a {@link FieldSource} returns it. Which variant goes with which
 * {@link FieldType}: CHARBUF → {@link Text}; BYTEBUF → {@link Bytes}; numbers, times and ports →
 * {@link Num}; BOOL → {@link Bool}; IPADDR → {@link Addr}.
 */
public sealed interface Value {
    /** A string. */
    record Text(String value) implements Value {}

    /** A number; unsigned types use all 64 bits (compared as unsigned). */
    record Num(long value) implements Value {}

    record Bool(boolean value) implements Value {}

    /**
     * An IPv4 (4 bytes) or IPv6 (16 bytes) address, network order; kept as {@link Bytes}, whose copy on the
     * way in and out and whose equality by content it shares.
     */
    record Addr(Bytes raw) implements Value {
        public Addr {
            if (raw.bytes.length != 4 && raw.bytes.length != 16) {
                throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.bytes.length);
            }
        }

        public Addr(byte[] bytes) {
            this(new Bytes(bytes));
        }

        /** The address's bytes (a copy). */
        public byte[] bytes() {
            return raw.bytes();
        }
    }

    /**
     * An IP network, only ever a filter's value (a source returns addresses): an IPv4 address with
     * a prefix length, or an IPv6 address whose first 64 bits are the network (sysdig's in_subnet).
     */
    record Net(Addr address, int prefixBits) implements Value {}

    /** A binary buffer. */
    record Bytes(byte[] bytes) implements Value {
        public Bytes {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bytes" + Arrays.toString(bytes);
        }
    }

    static Value text(String s) {
        return new Text(s);
    }

    static Value num(long n) {
        return new Num(n);
    }

    static Value bool(boolean b) {
        return new Bool(b);
    }
}
