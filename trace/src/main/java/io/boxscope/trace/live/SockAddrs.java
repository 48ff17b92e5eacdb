package io.boxscope.trace.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import io.boxscope.trace.scap.ParamValue;

/**
 * A user {@code struct sockaddr} (as connect(2) and bind(2) receive it: native-order family, network-order
 * port; sockaddr_in, sockaddr_in6, sockaddr_un in include/uapi/linux/in.h, in6.h, un.h) in the driver's
 * SOCKADDR and SOCKTUPLE encodings. The tuple's local side is unknown to a syscall tracer (the driver reads
 * it from the kernel socket): it is written as the zero address and port 0.
 */
final class SockAddrs {
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private SockAddrs() {}

    /** The SOCKADDR parameter, or null for an address that is too short or of another family. */
    static byte[] encode(byte[] raw) {
        ParamValue.SockAddr a = parse(raw);
        return a == null ? null : a.encode();
    }

    /** The SOCKTUPLE parameter of a connect to {@code raw}, or null. */
    static byte[] tuple(byte[] raw) {
        ParamValue.SockAddr a = parse(raw);
        if (a == null) {
            return null;
        }
        if (a.family() == AF_UNIX) {
            return new ParamValue.SockTuple(AF_UNIX, new byte[0], 0, new byte[0], 0, 0, 0, a.path()).encode();
        }
        return new ParamValue.SockTuple(a.family(), new byte[a.addr().length], 0, a.addr(), a.port(), 0, 0, "").encode();
    }

    static ParamValue.SockAddr parse(byte[] raw) {
        if (raw.length < 2) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        int family = Short.toUnsignedInt(b.getShort(0));
        return switch (family) {
            case AF_INET -> raw.length < 8 ? null
                    : new ParamValue.SockAddr(AF_INET, Arrays.copyOfRange(raw, 4, 8), port(raw), "");
            case AF_INET6 -> raw.length < 24 ? null
                    : new ParamValue.SockAddr(AF_INET6, Arrays.copyOfRange(raw, 8, 24), port(raw), "");
            case AF_UNIX -> {
                // an abstract name (sun_path[0] is NUL, unix(7)) without its leading NUL, as the driver's unix_socket_path
                int start = raw.length > 2 && raw[2] == 0 ? 3 : 2;
                int end = start;
                while (end < raw.length && raw[end] != 0) {
                    end++;
                }
                yield new ParamValue.SockAddr(AF_UNIX, new byte[0], 0,
                        new String(raw, start, Math.max(0, end - start), java.nio.charset.StandardCharsets.UTF_8));
            }
            default -> null;
        };
    }

    private static int port(byte[] raw) {
        return ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
    }

    /**
     * A socket's endpoints as {@link CaptureProbe} reads them from the kernel (its slot-0 layout): family,
     * local address and port, peer address and port (zero when not connected), accept queue; for a unix
     * socket {@code unix} instead of the addresses.
     */
    record SockInfo(int family, byte[] local, int localPort, byte[] peer, int peerPort, long ackBacklog, long maxAckBacklog,
                    Unix unix) {}

    /**
     * A unix socket as the probe reads it: its own and its peer's {@code struct sock} address (0: no peer), and
     * the path each is bound to ("" when unbound).
     */
    record Unix(long sk, long peerSk, String localPath, String peerPath) {}

    /** The socket endpoints record of an exit, or null when the probe read none (or the socket is neither inet nor unix). */
    static SockInfo sockInfo(byte[] raw) {
        if (raw.length < KernelObjects.SOCK_INFO) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        int family = Short.toUnsignedInt(b.getShort(0));
        int local = Short.toUnsignedInt(b.getShort(2));
        int peer = Short.toUnsignedInt(ByteBuffer.wrap(raw, 4, 2).order(ByteOrder.BIG_ENDIAN).getShort());
        long ack = Integer.toUnsignedLong(b.getInt(48));
        long max = Integer.toUnsignedLong(b.getInt(52));
        return switch (family) {
            case AF_INET -> new SockInfo(AF_INET, Arrays.copyOfRange(raw, 8, 12), local, Arrays.copyOfRange(raw, 12, 16), peer, ack, max, null);
            case AF_INET6 -> new SockInfo(AF_INET6, Arrays.copyOfRange(raw, 16, 32), local, Arrays.copyOfRange(raw, 32, 48), peer, ack, max, null);
            case AF_UNIX -> raw.length < KernelObjects.SOCK_INFO_UNIX ? null
                    : new SockInfo(AF_UNIX, new byte[0], 0, new byte[0], 0, ack, max, new Unix(b.getLong(8), b.getLong(16),
                            cString(raw, KernelObjects.SOCK_INFO, KernelObjects.UNIX_PATH),
                            cString(raw, KernelObjects.SOCK_INFO + KernelObjects.UNIX_PATH, KernelObjects.UNIX_PATH)));
            default -> null;
        };
    }

    private static String cString(byte[] raw, int from, int max) {
        int end = from;
        while (end < from + max && raw[end] != 0) {
            end++;
        }
        return new String(raw, from, end - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The SOCKTUPLE of a unix socket as the driver builds it (auxmap_store_socktuple_param, AF_UNIX; ppm_events.c
     * fd_to_socktuple): inbound (accept, recvfrom, recvmsg) the socket's own sock then its peer's and the
     * socket's own path; outbound (connect, sendto, sendmsg) the peer's sock then its own and the peer's path,
     * or the path the caller gave ({@code user}) when there is no peer.
     */
    static byte[] unixTuple(Unix u, ParamValue.SockAddr user, boolean inbound) {
        if (inbound) {
            return new ParamValue.SockTuple(AF_UNIX, new byte[0], 0, new byte[0], 0, u.sk(), u.peerSk(), u.localPath()).encode();
        }
        String path = u.peerSk() == 0 && user != null && user.family() == AF_UNIX ? user.path() : u.peerPath();
        return new ParamValue.SockTuple(AF_UNIX, new byte[0], 0, new byte[0], 0, u.peerSk(), u.sk(), path).encode();
    }

    /**
     * The SOCKTUPLE the driver's bpf_fd_to_socktuple builds for an inet socket: inbound (accept, recvfrom,
     * recvmsg) the remote end first, outbound (connect) the local end first; the remote end is {@code user}
     * when the caller's memory gave one, else the socket's peer (all zero when it has none: not connected).
     */
    static byte[] tuple(SockInfo s, ParamValue.SockAddr user, boolean inbound) {
        if (s.unix() != null) {
            return unixTuple(s.unix(), user, inbound);
        }
        byte[] raddr;
        int rport;
        byte[] laddr = s.local();
        int lport = s.localPort();
        if (user != null) {
            if (user.family() != s.family()) {
                return null;
            }
            raddr = user.addr();
            rport = user.port();
        } else if (s.peerPort() != 0) {
            raddr = s.peer();
            rport = s.peerPort();
        } else {
            raddr = new byte[laddr.length];
            rport = 0;
            laddr = new byte[laddr.length];
            lport = 0;
        }
        return inbound ? new ParamValue.SockTuple(s.family(), raddr, rport, laddr, lport, 0, 0, "").encode()
                : new ParamValue.SockTuple(s.family(), laddr, lport, raddr, rport, 0, 0, "").encode();
    }
}
