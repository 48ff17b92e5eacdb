package io.boxscope.trace.scap;

import java.util.Arrays;

/**
 * An address of the interface list block (IL): libscap's {@code scap_ifinfo_ipv4}/{@code _ipv6}.
 *
 * @param type      1 IPv4, 2 IPv6, 3/4 the same without link speed (scap_ifinfo_type)
 * @param name      interface name, e.g. {@code lo}
 * @param addr      address in network order (4 or 16 bytes)
 * @param netmask   netmask, same length
 * @param broadcast broadcast address, same length
 * @param linkSpeed link speed as the kernel reports it, 0 when unknown
 */
public record InterfaceInfo(int type, String name, byte[] addr, byte[] netmask, byte[] broadcast, long linkSpeed) {
    public InterfaceInfo {
        addr = addr.clone();
        netmask = netmask.clone();
        broadcast = broadcast.clone();
    }

    public boolean ipv6() {
        return type == 2 || type == 4;
    }

    @Override
    public byte[] addr() {
        return addr.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InterfaceInfo i && type == i.type && name.equals(i.name) && Arrays.equals(addr, i.addr)
                && Arrays.equals(netmask, i.netmask) && Arrays.equals(broadcast, i.broadcast) && linkSpeed == i.linkSpeed;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(addr);
    }
}
