package io.boxscope.trace.scap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * How libsinsp fills an inet socket's endpoints from a connection tuple (parsers.cpp
 * set_ipv4/ipv6_addresses_and_ports, ifinfo.cpp update_fd): the same tuple either way round changes
 * nothing; the source address and port always follow the tuple; the destination address and port are set
 * only while unknown (zero), so a connected datagram socket keeps its first peer; a zero address is
 * inferred from the capture's interface list (the interface with that address, else one on the same
 * network, else the first that is not loopback).
 */
final class SocketTuples {
    private SocketTuples() {}

    /**
     * A socket's endpoints, addresses in network order. {@code union} is null, or, for an IPv4 socket that a real IPv6
     * tuple wrote over ({@link #ipv6OverIpv4}), all {@value #UNION} bytes of sinsp's sinsp_sockinfo as they are then:
     * the IPv4 fields above are its IPv4 view, and the next datagram works on these bytes.
     */
    record Endpoints(byte[] sip, int sport, byte[] dip, int dport, byte[] union) {
        Endpoints(byte[] sip, int sport, byte[] dip, int dport) {
            this(sip, sport, dip, dport, null);
        }
    }

    /**
     * The bytes of sinsp_sockinfo (libs e5c53d64 fdinfo.h: a union of packed structs) that the tuples use: the IPv4
     * tuple is sip 0-3, dip 4-7, sport 8-9, dport 10-11, l4proto 12; the IPv6 tuple sip 0-15, dip 16-31, sport 32-33,
     * dport 34-35, l4proto 36 (ports in this machine's byte order, as sinsp stores them).
     */
    static final int UNION = 37;

    /** {@code old} updated by {@code st}, with {@code l4} as its protocol, or null when nothing changed. */
    static Inspector.Fd update(Inspector.Fd old, ParamValue.SockTuple st, int l4, List<InterfaceInfo> ifs) {
        FdType type = st.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK;
        Endpoints e = old.ends();
        if (e != null && old.type() == type
                && ((Arrays.equals(e.sip(), st.sip()) && e.sport() == st.sport() && Arrays.equals(e.dip(), st.dip()) && e.dport() == st.dport())
                || (Arrays.equals(e.dip(), st.sip()) && e.dport() == st.sport() && Arrays.equals(e.sip(), st.dip()) && e.sport() == st.dport()))) {
            return null;
        }
        byte[] dip = e == null || e.dip().length != st.dip().length || zero(e.dip(), 0, e.dip().length) ? st.dip() : e.dip();
        int dport = e == null || e.dport() == 0 ? st.dport() : e.dport();
        Endpoints now = infer(new Endpoints(st.sip(), st.sport(), dip, dport), ifs);
        return new Inspector.Fd(type, name(type, now, l4), l4, old.intendedL4(), now, old.dev(), old.connected(), old.role());
    }

    /**
     * A real IPv6 tuple (not IPv4-mapped) of a datagram call on an fd sinsp holds as neither IPv4 nor IPv6 (a socket of
     * the capture's fd list the list could not resolve, {@code socket:[INODE]}): update_fd (libs e5c53d64 parsers.cpp)
     * keeps the type and set_ipv6_addresses_and_ports writes the IPv6 view of the socket's memory (zeros at first): the
     * source address and port always, the destination address and port only while zero, and any of the four writes
     * counts as a change (a zero destination "changes" each time); on a change parse_rw_exit names the fd after the
     * tuple as the event prints it (PF_SIMPLE), not after the memory. The fd keeps no protocol, role or connected flag
     * (set_socket_connected is for IPv4/IPv6 sockets). Null when nothing changed.
     */
    static Inspector.Fd ipv6OverUnsupported(Inspector.Fd old, ParamValue.SockTuple st) {
        Endpoints e = old.ends() != null && old.ends().sip().length == 16 ? old.ends()
                : new Endpoints(new byte[16], 0, new byte[16], 0);
        boolean dipZero = zero(e.dip(), 0, 16);
        boolean changed = !Arrays.equals(e.sip(), st.sip()) || e.sport() != st.sport() || dipZero || e.dport() == 0;
        if (!changed) {
            return null;
        }
        Endpoints now = new Endpoints(st.sip(), st.sport(), dipZero ? st.dip() : e.dip(), e.dport() == 0 ? st.dport() : e.dport());
        return new Inspector.Fd(old.type(), EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport()), old.l4proto(),
                old.intendedL4(), now, old.dev(), old.connected(), old.role());
    }

    /**
     * connect's enter event (parse_connect_enter): the destination becomes the address connected to, the
     * name stays until the exit event names the socket.
     */
    static Inspector.Fd withPeer(Inspector.Fd old, ParamValue.SockAddr a) {
        if (a.mapped()) {
            // parse_connect_enter: an IPv4-mapped (or zero) address makes the socket an IPv4 one (SCAP_FD_IPV4_SOCK),
            // its destination written through the IPv4 view of the socket's memory
            Inspector.Fd v4 = ipv4View(old);
            Endpoints e = v4.ends();
            return new Inspector.Fd(FdType.IPV4_SOCK, old.name(), v4.l4proto(), v4.intendedL4(),
                    new Endpoints(e.sip(), e.sport(), Arrays.copyOfRange(a.addr(), 12, 16), a.port()), old.dev(),
                    old.connected(), old.role());
        }
        Endpoints e = old.ends();
        byte[] sip = e != null && e.sip().length == a.addr().length ? e.sip() : new byte[a.addr().length];
        int sport = e != null ? e.sport() : 0;
        FdType type = a.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK;
        return new Inspector.Fd(type, old.name(), old.l4proto(), old.intendedL4(), new Endpoints(sip, sport, a.addr(), a.port()),
                old.dev(), old.connected(), old.role());
    }

    /** The socket named after its endpoints (connect's exit renames even when the tuple changed nothing). */
    static Inspector.Fd renamed(Inspector.Fd old, int l4) {
        Endpoints e = old.ends();
        return e == null ? old : new Inspector.Fd(old.type(), name(old.type(), e, l4), l4, old.intendedL4(), e, old.dev(),
                old.connected(), old.role());
    }

    /**
     * An inet socket's name as sinsp_utils::sockinfo_to_str (libs e5c53d64 utils.cpp) builds it from the socket's type,
     * endpoints and protocol: {@code SIP:SPORT->DIP:DPORT} for TCP and UDP, the addresses only for ICMP (and raw
     * IPv4), else {@code <unknown>}. An AF_INET6 socket that an IPv4-mapped address made an IPv4 one has the IPv4
     * view of its memory as protocol, which is 0 ({@link #ipv4View}): sysdig names it {@code <unknown>} after connect.
     */
    static String name(FdType type, Endpoints e, int l4) {
        boolean v4 = type == FdType.IPV4_SOCK;
        return switch (l4) {
            case 2, 3 -> EventFormatter.tuple(e.sip(), e.sport(), e.dip(), e.dport());
            case 4 -> EventFormatter.ip(e.sip()) + "->" + EventFormatter.ip(e.dip());
            case 5 -> v4 ? EventFormatter.ip(e.sip()) + "->" + EventFormatter.ip(e.dip()) : "<unknown>";
            default -> "<unknown>";
        };
    }

    /**
     * An AF_INET6 socket (SCAP_FD_IPV6_SOCK) as sinsp sees it once an IPv4-mapped address makes it an IPv4 one: the
     * same memory (sinsp_sockinfo is a union of the IPv4 and IPv6 tuples) read through the IPv4 tuple, whose source
     * address, destination address, ports and protocol lie over the first 13 bytes of the IPv6 source address (the
     * ports in this machine's byte order, as sinsp stores them). A new socket's are zeros: no protocol, so
     * sockinfo_to_str names it {@code <unknown>} and update_fd's datagram makes it UDP. Any other fd is returned as it is.
     */
    static Inspector.Fd ipv4View(Inspector.Fd old) {
        if (old.type() != FdType.IPV6_SOCK) {
            return old;
        }
        Endpoints v6 = memory(old, 16);
        byte[] m = new byte[UNION];
        System.arraycopy(v6.sip(), 0, m, 0, 16);
        System.arraycopy(v6.dip(), 0, m, 16, 16);
        ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putShort(32, (short) v6.sport()).putShort(34, (short) v6.dport());
        m[36] = (byte) stored(old);
        int l4 = m[12] & 0xff;
        Endpoints e = ipv4Of(m);
        return new Inspector.Fd(FdType.IPV4_SOCK, old.name(), l4, l4, new Endpoints(e.sip(), e.sport(), e.dip(), e.dport(), m),
                old.dev(), old.connected(), old.role());
    }

    /** The protocol sinsp holds for a socket (its l4proto field, which fd.l4proto hides while the socket has no role). */
    static int stored(Inspector.Fd f) {
        return f.l4proto() != 0 ? f.l4proto() : f.intendedL4();
    }

    /**
     * A datagram call's tuple (sendto/sendmsg's enter, recvfrom/recvmsg's exit) applied to an inet socket as libsinsp's
     * parse_rw_exit does (libs e5c53d64 parsers.cpp): update_fd sets the source address and port, and the destination
     * address and port only where they are zero, in the socket's memory as sinsp holds it; a socket bound to a port is a
     * server socket there, whose address and port (sinsp_sockinfo's m_ipv4serverinfo/m_ipv6serverinfo, a union with the
     * tuple) lie over the tuple's source address and the first bytes of its destination address, so the destination
     * address it keeps is the port's two bytes in memory order and the protocol's byte ({@link #memory}: sysdig -r names
     * such a socket {@code 127.0.0.1:38526->216.202.3.0:51928} for port 51928). A socket without a role gets one
     * (sinsp_fdinfo::set_net_role_by_guessing, fdinfo.cpp, {@link #guess}); then a client's received tuple and a server's
     * sent tuple are swapped (swap_addresses) and the socket is named after it. Null when update_fd changed nothing (the
     * same tuple either way round, or no field to set): the name stays. {@code table} is the process's fd table, which
     * the guess reads with the socket's new endpoints in it.
     */
    static Inspector.Fd datagram(LongMap<Inspector.Fd> table, long fd, Inspector.Fd old, ParamValue.SockTuple st, int l4,
                                 List<InterfaceInfo> ifs, boolean incoming) {
        if (st.family() == 10 && !st.mapped()) {
            Endpoints b = bound(old);
            if (b != null && b.sip().length == 16) {
                return ipv6Server(old, st);
            }
            if (old.type() == FdType.IPV4_SOCK && b == null) {
                return ipv6OverIpv4(table, fd, old, st, ifs, incoming);
            }
        }
        if (st.mapped()) {
            // update_fd: an AF_INET6 tuple of IPv4-mapped addresses makes the socket an IPv4 one
            // (set_ipv4_mapped_ipv6_addresses_and_ports); a socket bound to a mapped address is one already (bind)
            if (bound(old) == null) {
                old = ipv4View(old);
            }
            st = st.sinspView();
        }
        int len = st.sip().length;
        FdType type = st.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK;
        Endpoints e = memory(old, len);
        if ((Arrays.equals(e.sip(), st.sip()) && e.sport() == st.sport() && Arrays.equals(e.dip(), st.dip()) && e.dport() == st.dport())
                || (Arrays.equals(e.dip(), st.sip()) && e.dport() == st.sport() && Arrays.equals(e.sip(), st.dip()) && e.sport() == st.dport())) {
            return null;
        }
        Endpoints set = addressesAndPorts(e, st);
        if (set == null) {
            return null;
        }
        Endpoints now = infer(set, ifs);
        int role = old.role();
        if (role == Inspector.Fd.ROLE_NONE) {
            table.put(fd, new Inspector.Fd(type, old.name(), l4, old.intendedL4(), now, old.dev(), old.connected()));
            role = guess(table, now, incoming);
        }
        if (incoming ? role == Inspector.Fd.ROLE_CLIENT : role == Inspector.Fd.ROLE_SERVER) {
            now = new Endpoints(now.dip(), now.dport(), now.sip(), now.sport());
        }
        if (type == FdType.IPV4_SOCK && old.ends() != null && old.ends().union() != null) {
            // an IPv4 tuple over memory an IPv6 tuple wrote: the IPv4 fields change, the bytes past them stay
            byte[] m = old.ends().union().clone();
            putIpv4(m, now, l4);
            now = new Endpoints(now.sip(), now.sport(), now.dip(), now.dport(), m);
        }
        return new Inspector.Fd(type, name(type, now, l4), l4, old.intendedL4(), now, old.dev(), old.connected(), role);
    }

    /**
     * A real (not IPv4-mapped) IPv6 tuple on a socket sinsp holds as an IPv4 one (SCAP_FD_IPV4_SOCK: an AF_INET6 socket
     * that an IPv4-mapped tuple, address or the capture's fd list made one). update_fd (libs e5c53d64 parsers.cpp)
     * changes the type only for IPv4 tuples, so it stays an IPv4 socket, and set_ipv6_addresses_and_ports writes the
     * tuple over the IPv6 fields of the socket's memory (no either-way-round test: the type is not SCAP_FD_IPV6_SOCK):
     * the source address and port, and the destination address and port where they are zero. The IPv4 fields lie over
     * the first 13 bytes of the IPv6 source address ({@link #UNION}); an IPv4 protocol still 0 becomes UDP (update_fd,
     * writing byte 12 of that address), the interfaces fill a zero IPv4 address, the role is guessed on the IPv4 view,
     * a client's received tuple and a server's sent one are swapped in the IPv4 fields (swap_addresses), and
     * sockinfo_to_str names it from the IPv4 view: a datagram from {@code ::1} names it {@code 0.0.0.0:0->0.0.0.0:0},
     * UDP, as sysdig -r does. Null when nothing changed (the name stays).
     */
    private static Inspector.Fd ipv6OverIpv4(LongMap<Inspector.Fd> table, long fd, Inspector.Fd old, ParamValue.SockTuple st,
                                             List<InterfaceInfo> ifs, boolean incoming) {
        byte[] m = union(old);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        boolean changed = !Arrays.equals(m, 0, 16, st.sip(), 0, 16) || (b.getShort(32) & 0xffff) != st.sport();
        System.arraycopy(st.sip(), 0, m, 0, 16);
        b.putShort(32, (short) st.sport());
        if (zero(m, 16, 32)) {
            System.arraycopy(st.dip(), 0, m, 16, 16);
            changed = true;
        }
        if ((b.getShort(34) & 0xffff) == 0) {
            b.putShort(34, (short) st.dport());
            changed = true;
        }
        if (!changed) {
            return null;
        }
        if (m[12] == 0) {
            m[12] = 3; // update_fd: an IPv4 socket without a protocol is taken as UDP
        }
        int l4 = m[12] & 0xff;
        Endpoints now = infer(ipv4Of(m), ifs);
        putIpv4(m, now, l4);
        int role = old.role();
        if (role == Inspector.Fd.ROLE_NONE) {
            table.put(fd, new Inspector.Fd(FdType.IPV4_SOCK, old.name(), l4, old.intendedL4(), now, old.dev(), old.connected()));
            role = guess(table, now, incoming);
        }
        if (incoming ? role == Inspector.Fd.ROLE_CLIENT : role == Inspector.Fd.ROLE_SERVER) {
            now = new Endpoints(now.dip(), now.dport(), now.sip(), now.sport());
            putIpv4(m, now, l4);
        }
        now = new Endpoints(now.sip(), now.sport(), now.dip(), now.dport(), m);
        return new Inspector.Fd(FdType.IPV4_SOCK, name(FdType.IPV4_SOCK, now, l4), l4, old.intendedL4(), now, old.dev(),
                old.connected(), role);
    }

    /** An IPv4 socket's {@link #UNION} bytes: the ones an IPv6 tuple left, else its IPv4 fields and protocol over zeros. */
    private static byte[] union(Inspector.Fd f) {
        Endpoints e = f.ends();
        if (e != null && e.union() != null) {
            return e.union().clone();
        }
        byte[] m = new byte[UNION];
        Endpoints v4 = memory(f, 4);
        putIpv4(m, v4, stored(f));
        return m;
    }

    /** Writes the IPv4 fields (addresses, ports in this machine's order, protocol) into {@link #UNION} bytes {@code m}. */
    private static void putIpv4(byte[] m, Endpoints e, int l4) {
        System.arraycopy(e.sip(), 0, m, 0, 4);
        System.arraycopy(e.dip(), 0, m, 4, 4);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        b.putShort(8, (short) e.sport()).putShort(10, (short) e.dport());
        m[12] = (byte) l4;
    }

    /** The IPv4 view of {@link #UNION} bytes {@code m}. */
    private static Endpoints ipv4Of(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        return new Endpoints(Arrays.copyOfRange(m, 0, 4), b.getShort(8) & 0xffff, Arrays.copyOfRange(m, 4, 8),
                b.getShort(10) & 0xffff);
    }

    /**
     * A datagram on a socket bound to an IPv6 port (parse_bind_exit made it SCAP_FD_IPV6_SERVSOCK): update_fd changes
     * the type only for IPv4 tuples, so it stays a server socket, its server info (address over the tuple's source
     * address, port and protocol over the first bytes of the destination address) rewritten by
     * set_ipv6_addresses_and_ports, which sets the source address and port and a destination address or port that is
     * zero (no either-way-round test: that is for SCAP_FD_IPV6_SOCK only). parse_rw_exit then names it after the
     * event's tuple as it is (no role guessed, nothing swapped, no interface inferred: those are for the *_SOCK types).
     * Kept as {@link FdType#IPV6_SERVSOCK} with its memory as endpoints ({@link #bound} reads the server info back).
     * Null when nothing changed.
     */
    private static Inspector.Fd ipv6Server(Inspector.Fd old, ParamValue.SockTuple st) {
        Endpoints set = addressesAndPorts(memory(old, 16), st);
        if (set == null) {
            return null;
        }
        return new Inspector.Fd(FdType.IPV6_SERVSOCK, EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport()),
                old.l4proto(), old.intendedL4(), set, old.dev(), old.connected(),
                old.role());
    }

    /**
     * The socket's endpoints as sinsp's memory holds them: its tuple; for a socket bound to a port (a server socket
     * there, {@link #bound}) the server info laid over a zero tuple (address over the source address, port and protocol
     * over the destination address's first three bytes, the port in this machine's byte order as sinsp stores it);
     * else zeros.
     */
    static Endpoints memory(Inspector.Fd f, int len) {
        Endpoints e = f.ends();
        if (e != null && e.sip().length == len && e.dip().length == len) {
            return e;
        }
        Endpoints b = bound(f);
        if (e == null && b != null && b.sip().length == len) {
            byte[] dip = new byte[len];
            ByteBuffer.wrap(dip).order(ByteOrder.nativeOrder()).putShort((short) b.sport())
                    .put((byte) (f.l4proto() != 0 ? f.l4proto() : f.intendedL4()));
            return new Endpoints(b.sip(), 0, dip, 0);
        }
        return new Endpoints(new byte[len], 0, new byte[len], 0);
    }

    /**
     * The address and port of a socket bound to a port (parse_bind_exit makes it SCAP_FD_IPV4_SERVSOCK or _IPV6_): an
     * inet socket without a tuple named {@code ADDR:PORT} ({@link EventFormatter#address}) with a port that is not 0, or a
     * server socket of the capture's fd list; else null.
     */
    static Endpoints bound(Inspector.Fd f) {
        boolean inet = f.type() == FdType.IPV4_SOCK || f.type() == FdType.IPV6_SOCK || f.type() == FdType.IPV4_SERVSOCK
                || f.type() == FdType.IPV6_SERVSOCK;
        if (f.type() == FdType.IPV6_SERVSOCK && f.ends() != null && f.ends().dip().length == 16) {
            // a bound IPv6 socket after a datagram ({@link #ipv6Server}): the server info read from its memory
            int port = ByteBuffer.wrap(f.ends().dip()).order(ByteOrder.nativeOrder()).getShort(0) & 0xffff;
            return new Endpoints(f.ends().sip(), port, new byte[0], 0);
        }
        String n = f.name();
        int colon = n == null ? -1 : n.lastIndexOf(':');
        if (!inet || f.ends() != null || colon <= 0) {
            return null;
        }
        try {
            byte[] ip = java.net.InetAddress.ofLiteral(n.substring(0, colon)).getAddress();
            if ((f.type() == FdType.IPV4_SOCK || f.type() == FdType.IPV4_SERVSOCK) && ip.length == 16) {
                // bound to an IPv4-mapped or zero IPv6 address: parse_bind_exit keeps its last 4 bytes (m_ipv4serverinfo)
                ip = Arrays.copyOfRange(ip, 12, 16);
            }
            int port = Integer.parseInt(n.substring(colon + 1));
            return port > 0 && port <= 0xffff ? new Endpoints(ip, port, new byte[0], 0) : null;
        } catch (IllegalArgumentException e) {
            return null; // not an address literal: not a bound socket
        }
    }

    /**
     * set_net_role_by_guessing (fdinfo.cpp): a server when the process has a socket bound to the destination port
     * (sinsp_threadinfo::is_bound_to_port: an IPv4 socket with that destination port, or an IPv4 server socket on it),
     * unless it also has an IPv4 socket with the source port as its own (uses_client_port): then a server when the call
     * receives; else a client. Only IPv4 entries are looked at, and the ports are read through the IPv4 view of the
     * socket's memory, as sinsp reads them (for an IPv6 socket, bytes 8-11 of its source address).
     */
    private static int guess(LongMap<Inspector.Fd> table, Endpoints now, boolean incoming) {
        int sport = now.sport();
        int dport = now.dport();
        if (now.sip().length == 16) {
            ByteBuffer b = ByteBuffer.wrap(now.sip()).order(ByteOrder.nativeOrder());
            sport = b.getShort(8) & 0xffff;
            dport = b.getShort(10) & 0xffff;
        }
        boolean boundTo = false;
        boolean clientPort = false;
        for (Inspector.Fd f : table.sorted().values()) {
            Endpoints b = bound(f);
            if (b != null && b.sip().length == 4) {
                boundTo |= b.sport() == dport; // a server socket (IPv4)
            } else if (f.type() == FdType.IPV4_SOCK) {
                Endpoints e = memory(f, 4);
                boundTo |= e.dport() == dport;
                clientPort |= e.sport() == sport;
            }
        }
        if (!boundTo) {
            return Inspector.Fd.ROLE_CLIENT;
        }
        return clientPort && !incoming ? Inspector.Fd.ROLE_CLIENT : Inspector.Fd.ROLE_SERVER;
    }

    /** Whether bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code a} are all 0 (no array made per datagram). */
    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** sinsp_network_interfaces::update_fd: fills a zero source or destination address from the interfaces. */
    private static Endpoints infer(Endpoints e, List<InterfaceInfo> ifs) {
        boolean zs = zero(e.sip(), 0, e.sip().length);
        boolean zd = zero(e.dip(), 0, e.dip().length);
        if (!zs && !zd) {
            return e;
        }
        byte[] known = zs ? e.dip() : e.sip();
        byte[] guess = guess(known, ifs);
        if (Arrays.equals(guess, known) && e.sport() == e.dport()) {
            return e;
        }
        return zs ? new Endpoints(guess, e.sport(), e.dip(), e.dport()) : new Endpoints(e.sip(), e.sport(), guess, e.dport());
    }

    private static byte[] guess(byte[] addr, List<InterfaceInfo> ifs) {
        boolean v6 = addr.length == 16;
        List<InterfaceInfo> same = ifs.stream().filter(i -> i.ipv6() == v6).toList();
        for (InterfaceInfo i : same) {
            if (Arrays.equals(i.addr(), addr)) {
                return i.addr();
            }
        }
        for (InterfaceInfo i : same) {
            if (Arrays.equals(masked(i.addr(), i.netmask()), masked(addr, i.netmask()))) {
                return i.addr();
            }
        }
        for (InterfaceInfo i : same) {
            if (!loopback(i.addr())) {
                return i.addr();
            }
        }
        return new byte[addr.length];
    }

    private static byte[] masked(byte[] a, byte[] mask) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length && i < mask.length; i++) {
            r[i] = (byte) (a[i] & mask[i]);
        }
        return r;
    }

    private static boolean loopback(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1;
        }
        byte[] one = new byte[16];
        one[15] = 1;
        return Arrays.equals(a, one);
    }

    /**
     * sinsp's set_ipv4_addresses_and_ports / set_ipv6_addresses_and_ports: the tuple's source address and port over
     * the socket's memory {@code e}, and its destination address or port where the memory's is zero; null when that
     * changes nothing (the caller keeps the socket as it is).
     */
    private static Endpoints addressesAndPorts(Endpoints e, ParamValue.SockTuple st) {
        boolean changed = !Arrays.equals(e.sip(), st.sip()) || e.sport() != st.sport();
        byte[] dip = e.dip();
        int dport = e.dport();
        if (zero(dip, 0, dip.length)) {
            dip = st.dip();
            changed = true;
        }
        if (dport == 0) {
            dport = st.dport();
            changed = true;
        }
        return changed ? new Endpoints(st.sip(), st.sport(), dip, dport) : null;
    }
}
