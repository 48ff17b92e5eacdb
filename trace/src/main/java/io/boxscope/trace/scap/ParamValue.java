package io.boxscope.trace.scap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoded event parameter. The encodings are libscap's (driver/ppm_events_public.h, PT_*): integers
 * little-endian, strings NUL-terminated, socket addresses a PPM_AF_* family byte then the address.
 */
public sealed interface ParamValue {
    /** Any integer type, sign-extended for signed types and zero-extended otherwise. */
    record Num(ParamType type, long value) implements ParamValue {}

    /** CHARBUF, FSPATH, FSRELPATH: the bytes up to the first NUL. */
    record Text(byte[] bytes) implements ParamValue {
        public Text {
            bytes = bytes.clone();
        }

        public String string() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** BYTEBUF and other raw payloads. */
    record Bytes(byte[] bytes) implements ParamValue {
        public Bytes {
            bytes = bytes.clone();
        }

        /** A BYTEBUF of NUL-terminated strings (execve's args, env, cgroups) split at the NULs. */
        public List<String> strings() {
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    /**
     * A SOCKADDR: IPv4/IPv6 address and port, a unix socket path, or only a family.
     *
     * @param family PPM_AF_* (1 unix, 2 inet, 10 inet6)
     * @param addr   address bytes in network order (empty for unix)
     * @param port   port in host order
     * @param path   unix socket path (empty otherwise)
     */
    record SockAddr(int family, byte[] addr, int port, String path) implements ParamValue {
        public SockAddr {
            addr = addr.clone();
        }

        public static SockAddr ipv4(byte[] ip, int port) {
            return new SockAddr(2, ip, port, "");
        }

        /**
         * Whether sinsp treats this address as IPv4: an AF_INET6 address that is IPv4-mapped or all zeros
         * (sinsp_utils::is_ipv4_mapped_ipv6, libs e5c53d64 utils.cpp; parse_bind_exit and parse_connect_enter then
         * make the socket an IPv4 one).
         */
        public boolean mapped() {
            return family == 10 && SockTuple.isMapped(addr);
        }

        /** The driver's encoding: family, then address and port (little-endian) or the NUL-terminated path. */
        public byte[] encode() {
            if (family == 1) {
                byte[] p = path.getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(2 + p.length);
                return b.put((byte) 1).put(p).put((byte) 0).array();
            }
            ByteBuffer b = ByteBuffer.allocate(1 + addr.length + 2).order(ByteOrder.LITTLE_ENDIAN);
            return b.put((byte) family).put(addr).putShort((short) port).array();
        }
    }

    /**
     * A SOCKTUPLE: source and destination of a connection (for unix sockets the kernel socket addresses and
     * the path).
     */
    record SockTuple(int family, byte[] sip, int sport, byte[] dip, int dport, long unixSource, long unixDest,
                     String path) implements ParamValue {
        public SockTuple {
            sip = sip.clone();
            dip = dip.clone();
        }

        public static SockTuple ipv4(byte[] sip, int sport, byte[] dip, int dport) {
            return new SockTuple(2, sip, sport, dip, dport, 0, 0, "");
        }

        /**
         * Whether sinsp reads this tuple as an IPv4 one: an AF_INET6 tuple whose both addresses are IPv4-mapped
         * ({@code ::ffff:a.b.c.d}) or all zeros ({@code ::}), as sinsp_utils::is_ipv4_mapped_ipv6 (libs e5c53d64
         * utils.cpp) decides. The driver writes the AF_INET6 tuple as the kernel names the socket (ppm_events.c
         * fd_to_socktuple); sinsp's parsers (update_fd, fill_client_socket_info, parse_accept_exit) then make the
         * socket an IPv4 one, and event.cpp prints the tuple as IPv4.
         */
        public boolean mapped() {
            return family == 10 && isMapped(sip) && isMapped(dip);
        }

        /** This tuple as sinsp reads it: the IPv4 tuple of the mapped addresses' last 4 bytes when {@link #mapped}. */
        public SockTuple sinspView() {
            return mapped() ? ipv4(java.util.Arrays.copyOfRange(sip, 12, 16), sport, java.util.Arrays.copyOfRange(dip, 12, 16), dport)
                    : this;
        }

        /** is_ipv4_mapped_ipv6: 10 zero bytes, then ff ff or six zero bytes. */
        static boolean isMapped(byte[] a) {
            if (a.length != 16) {
                return false;
            }
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return false;
                }
            }
            boolean ffff = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
            return ffff || (a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 0);
        }

        public byte[] encode() {
            if (family == 1) {
                byte[] p = path.getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(1 + 16 + p.length + 1).order(ByteOrder.LITTLE_ENDIAN);
                return b.put((byte) 1).putLong(unixSource).putLong(unixDest).put(p).put((byte) 0).array();
            }
            ByteBuffer b = ByteBuffer.allocate(1 + sip.length + 2 + dip.length + 2).order(ByteOrder.LITTLE_ENDIAN);
            return b.put((byte) family).put(sip).putShort((short) sport).put(dip).putShort((short) dport).array();
        }
    }

    /** An FDLIST: (fd, flags) pairs as poll() reports them. */
    record FdList(long[] fds, int[] flags) implements ParamValue {
        public FdList {
            fds = fds.clone();
            flags = flags.clone();
        }
    }

    /** Empty (length 0) or malformed parameter bytes, kept as they are. */
    record Raw(byte[] bytes) implements ParamValue {
        public Raw {
            bytes = bytes.clone();
        }
    }

    /** Decodes {@code b} as a parameter of type {@code t}; bytes that do not fit the type come back as {@link Raw}. */
    static ParamValue decode(ParamType t, byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int size = t.size();
        if (size > 0 && t != ParamType.CHARBUFARRAY && t != ParamType.CHARBUF_PAIR_ARRAY && t != ParamType.IPV6ADDR) {
            if (b.length != size) {
                return new Raw(b);
            }
            long v = switch (size) {
                case 1 -> t.signed() ? buf.get() : Byte.toUnsignedLong(buf.get());
                case 2 -> t.signed() ? buf.getShort() : Short.toUnsignedLong(buf.getShort());
                case 4 -> t.signed() ? buf.getInt() : Integer.toUnsignedLong(buf.getInt());
                default -> buf.getLong();
            };
            return new Num(t, v);
        }
        return switch (t) {
            case CHARBUF, FSPATH, FSRELPATH -> {
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                yield new Text(Arrays.copyOf(b, n));
            }
            case SOCKADDR -> decodeSockAddr(b, buf);
            case SOCKTUPLE -> decodeSockTuple(b, buf);
            case FDLIST -> {
                if (b.length < 2) {
                    yield new Raw(b);
                }
                int n = Short.toUnsignedInt(buf.getShort());
                if (b.length != 2 + n * 10) {
                    yield new Raw(b);
                }
                long[] fds = new long[n];
                int[] fl = new int[n];
                for (int i = 0; i < n; i++) {
                    fds[i] = buf.getLong();
                    fl[i] = Short.toUnsignedInt(buf.getShort());
                }
                yield new FdList(fds, fl);
            }
            case BYTEBUF -> new Bytes(b);
            default -> new Raw(b);
        };
    }

    private static ParamValue decodeSockAddr(byte[] b, ByteBuffer buf) {
        if (b.length == 0) {
            return new Raw(b);
        }
        int family = b[0];
        if (family == 2 && b.length == 7) {
            return new SockAddr(2, Arrays.copyOfRange(b, 1, 5), Short.toUnsignedInt(buf.getShort(5)), "");
        }
        if (family == 10 && b.length == 19) {
            return new SockAddr(10, Arrays.copyOfRange(b, 1, 17), Short.toUnsignedInt(buf.getShort(17)), "");
        }
        if (family == 1) {
            int n = 1;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new SockAddr(1, new byte[0], 0, new String(b, 1, n - 1, StandardCharsets.UTF_8));
        }
        return new SockAddr(family, new byte[0], 0, "");
    }

    private static ParamValue decodeSockTuple(byte[] b, ByteBuffer buf) {
        if (b.length == 0) {
            return new Raw(b);
        }
        int family = b[0];
        if (family == 2 && b.length == 13) {
            return new SockTuple(2, Arrays.copyOfRange(b, 1, 5), Short.toUnsignedInt(buf.getShort(5)),
                    Arrays.copyOfRange(b, 7, 11), Short.toUnsignedInt(buf.getShort(11)), 0, 0, "");
        }
        if (family == 10 && b.length == 37) {
            return new SockTuple(10, Arrays.copyOfRange(b, 1, 17), Short.toUnsignedInt(buf.getShort(17)),
                    Arrays.copyOfRange(b, 19, 35), Short.toUnsignedInt(buf.getShort(35)), 0, 0, "");
        }
        if (family == 1 && b.length >= 17) {
            int n = 17;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new SockTuple(1, new byte[0], 0, new byte[0], 0, buf.getLong(1), buf.getLong(9),
                    new String(b, 17, n - 17, StandardCharsets.UTF_8));
        }
        return new Raw(b);
    }
}
