package io.boxscope.trace.scap;

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

    /** A socket's endpoints, addresses in network order. */
    record Endpoints(byte[] sip, int sport, byte[] dip, int dport) {}

    /** {@code old} updated by {@code st}, with {@code l4} as its protocol, or null when nothing changed. */
    static Inspector.Fd update(Inspector.Fd old, ParamValue.SockTuple st, int l4, List<InterfaceInfo> ifs) {
        FdType type = st.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK;
        Endpoints e = old.ends();
        byte[] zero = new byte[st.sip().length];
        if (e != null && old.type() == type
                && ((Arrays.equals(e.sip(), st.sip()) && e.sport() == st.sport() && Arrays.equals(e.dip(), st.dip()) && e.dport() == st.dport())
                || (Arrays.equals(e.dip(), st.sip()) && e.dport() == st.sport() && Arrays.equals(e.sip(), st.dip()) && e.sport() == st.dport()))) {
            return null;
        }
        byte[] dip = e == null || e.dip().length != zero.length || Arrays.equals(e.dip(), zero) ? st.dip() : e.dip();
        int dport = e == null || e.dport() == 0 ? st.dport() : e.dport();
        Endpoints now = infer(new Endpoints(st.sip(), st.sport(), dip, dport), zero, ifs);
        return new Inspector.Fd(type, EventFormatter.tuple(now.sip(), now.sport(), now.dip(), now.dport()), l4,
                old.intendedL4(), now, old.dev(), old.connected());
    }

    /**
     * connect's enter event (parse_connect_enter): the destination becomes the address connected to, the
     * name stays until the exit event names the socket.
     */
    static Inspector.Fd withPeer(Inspector.Fd old, ParamValue.SockAddr a) {
        Endpoints e = old.ends();
        byte[] sip = e != null && e.sip().length == a.addr().length ? e.sip() : new byte[a.addr().length];
        int sport = e != null ? e.sport() : 0;
        FdType type = a.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK;
        return new Inspector.Fd(type, old.name(), old.l4proto(), old.intendedL4(), new Endpoints(sip, sport, a.addr(), a.port()),
                old.dev(), old.connected());
    }

    /** The socket named after its endpoints (connect's exit renames even when the tuple changed nothing). */
    static Inspector.Fd renamed(Inspector.Fd old, int l4) {
        Endpoints e = old.ends();
        return e == null ? old : new Inspector.Fd(old.type(), EventFormatter.tuple(e.sip(), e.sport(), e.dip(), e.dport()),
                l4, old.intendedL4(), e, old.dev(), old.connected());
    }

    /** sinsp_network_interfaces::update_fd: fills a zero source or destination address from the interfaces. */
    private static Endpoints infer(Endpoints e, byte[] zero, List<InterfaceInfo> ifs) {
        boolean zs = Arrays.equals(e.sip(), zero);
        boolean zd = Arrays.equals(e.dip(), zero);
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
}
